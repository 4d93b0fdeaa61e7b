#!/usr/bin/env bash
# Installs what Bosun needs on Debian 12, idempotently; quick when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A need=(
  [runc]=runc
  [conmon]=conmon
  [catatonit]=catatonit
  [iptables]=iptables
  [ip]=iproute2
  [busybox]=busybox-static
  [etcd]=etcd-server
  [etcdctl]=etcd-client
  [skopeo]=skopeo
  [docker-compose]=docker-compose
  [debootstrap]=debootstrap
  [openssl]=openssl
  [socat]=socat
  [nsenter]=util-linux
  [mkfs.ext4]=e2fsprogs
  [python3]=python3
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
[ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
# busybox-static, not the dynamic busybox: the base image needs a static binary
if command -v busybox >/dev/null 2>&1 && ldd "$(command -v busybox)" >/dev/null 2>&1; then missing+=(busybox-static); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts etcd as a service on install; Bosun runs its own when asked to
  if systemctl is-active --quiet etcd 2>/dev/null; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
fi

modprobe overlay 2>/dev/null || true
modprobe br_netfilter 2>/dev/null || true
sysctl -qw net.ipv4.ip_forward=1 >/dev/null 2>&1 || true

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
