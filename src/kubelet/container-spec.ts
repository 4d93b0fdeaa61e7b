/**
 * The OCI spec of one app or init container, from its pod and image: the command/args rules of
 * Kubernetes over the image's Entrypoint/Cmd, env, user and securityContext, resources as cgroup
 * settings, volume and /etc bind mounts, and the sandbox's net/ipc/uts namespaces joined by path.
 */
import { existsSync } from 'node:fs';
import { posix, join } from 'node:path';
import { parseQuantity } from '../api/index.js';
import { buildSpec, capabilities, unknownCaps, type SpecMount } from '../engine/runtime/index.js';
import type { Image } from '../engine/images/index.js';
import { configError, expand } from './env.js';
import { imageUser, rootSpecMounts, userGroups, type UserTables } from './rootfs.js';
import type { Mount } from '../engine/images/index.js';
import type { Container, Pod } from './types.js';

/** Milli-CPU → cpu.shares, with the kernel's minimum of 2 (what the kubelet does). */
export function milliToShares(milli: number): number {
  return Math.max(2, Math.floor((milli * 1024) / 1000));
}

const CPU_PERIOD = 100_000;

export function cpuMilli(v: string | number | undefined): number | undefined {
  return v === undefined ? undefined : Math.round(parseQuantity(v) * 1000);
}

/** Kubernetes' rules: command replaces Entrypoint (and drops Cmd); args alone replace Cmd. */
export function commandLine(c: Container, img: Image, env: Map<string, string>): string[] {
  const entry = img.config.Entrypoint ?? [];
  const cmd = img.config.Cmd ?? [];
  const command = c.command?.length ? c.command.map((s) => expand(s, env)) : entry;
  const args = c.args?.length ? c.args.map((s) => expand(s, env)) : c.command?.length ? [] : cmd;
  const argv = [...command, ...args];
  if (!argv.length) throw configError(`no command specified: the image ${c.image} has no entrypoint or cmd and the container gives none`);
  return argv;
}

export interface ContainerSpecInput {
  pod: Pod;
  container: Container;
  image: Image;
  env: Map<string, string>;
  /** The (empty) root path, and the image store's mounts runc stacks on it. */
  rootfs: string;
  rootMounts: Mount[];
  users: UserTables;
  netns: string;
  pausePid: number;
  cgroupsPath: string;
  volumes: Map<string, string>;
  etc: { hosts: string; resolv: string; hostname: string };
  /** Host file bind-mounted at terminationMessagePath. */
  terminationLog: string;
}

export function containerSpec(i: ContainerSpecInput): Record<string, unknown> {
  const { pod, container: c, image } = i;
  const sc = c.securityContext ?? {};
  const psc = pod.spec.securityContext ?? {};
  const iu = imageUser(i.users, image.config.User);
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const uid = runAsUser ?? iu.uid;
  if (uid === undefined) throw configError(`unable to find user ${image.config.User}: no matching entries in passwd file`);
  const gid = sc.runAsGroup ?? psc.runAsGroup ?? (runAsUser === undefined ? iu.gid : 0);
  if (sc.runAsNonRoot ?? psc.runAsNonRoot) {
    if (runAsUser === undefined && !iu.numeric) {
      throw configError(`container has runAsNonRoot and image has non-numeric user (${image.config.User}), cannot verify user is non-root (pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${c.name})`);
    }
    if (uid === 0) throw configError(`container has runAsNonRoot and image will run as root (pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${c.name})`);
  }
  const add = sc.capabilities?.add ?? [];
  const drop = sc.capabilities?.drop ?? [];
  const bad = unknownCaps([...add, ...drop]);
  if (bad.length) throw configError(`unknown capability ${JSON.stringify(bad[0])}`);
  const privileged = Boolean(sc.privileged);
  if (privileged && sc.allowPrivilegeEscalation === false) throw configError('cannot set allowPrivilegeEscalation to false and privileged to true');

  // Image env first, then the container's (which wins), as the kubelet merges them.
  const env = new Map<string, string>();
  for (const e of image.config.Env ?? []) {
    const eq = e.indexOf('=');
    env.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? '' : e.slice(eq + 1));
  }
  env.set('HOSTNAME', pod.spec.hostname || pod.metadata.name);
  for (const [k, v] of i.env) env.set(k, v);
  if (c.tty && !env.has('TERM')) env.set('TERM', 'xterm');

  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const reqCpu = cpuMilli(req.cpu ?? lim.cpu);
  const limCpu = cpuMilli(lim.cpu);
  const mem = lim.memory !== undefined ? Math.round(parseQuantity(lim.memory)) : undefined;

  const mounts: SpecMount[] = [
    ...rootSpecMounts(i.rootMounts),
    { destination: '/etc/hosts', type: 'bind', source: i.etc.hosts, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: i.etc.hostname, options: ['rbind', 'rprivate'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: i.etc.resolv, options: ['rbind', 'rprivate'] },
    { destination: c.terminationMessagePath || '/dev/termination-log', type: 'bind', source: i.terminationLog, options: ['rbind', 'rprivate'] },
  ];
  for (const vm of c.volumeMounts ?? []) {
    const base = i.volumes.get(vm.name);
    if (!base) throw configError(`volumeMount ${JSON.stringify(vm.name)} of container ${c.name} names no volume of the pod`);
    const source = vm.subPath ? join(base, posix.normalize('/' + vm.subPath)) : base;
    if (vm.subPath && !existsSync(source)) throw configError(`failed to prepare subPath for volumeMount "${vm.name}" of container "${c.name}": ${vm.subPath} does not exist`);
    mounts.push({ destination: vm.mountPath, type: 'bind', source, options: ['rbind', 'rprivate', ...(vm.readOnly ? ['ro'] : [])] });
  }

  const spec = buildSpec({
    args: commandLine(c, image, env),
    env: [...env].map(([k, v]) => `${k}=${v}`),
    cwd: c.workingDir || image.config.WorkingDir || '/',
    uid, gid,
    additionalGids: [...new Set([...(runAsUser === undefined ? userGroups(i.users, iu.name, gid) : []), ...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])])],
    terminal: Boolean(c.tty),
    hostname: '',
    rootfs: i.rootfs,
    readonlyRootfs: Boolean(sc.readOnlyRootFilesystem),
    netns: i.netns,
    cgroupsPath: i.cgroupsPath,
    caps: capabilities(add, drop, privileged),
    privileged,
    noNewPrivileges: !privileged && sc.allowPrivilegeEscalation === false,
    memory: mem,
    memorySwap: mem && existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes') ? mem : undefined,
    cpuShares: milliToShares(reqCpu ?? 0),
    cpuQuota: limCpu ? Math.max(1000, Math.floor((limCpu * CPU_PERIOD) / 1000)) : undefined,
    cpuPeriod: limCpu ? CPU_PERIOD : undefined,
    shmSize: 64 * 1024 * 1024,
    sysctls: {},
    ulimits: [],
    mounts,
  });
  // Join the sandbox's IPC and UTS namespaces (the network one is already the netns file).
  const linux = spec.linux as { namespaces: Array<{ type: string; path?: string }> };
  linux.namespaces = linux.namespaces.map((ns) => (ns.type === 'ipc' || ns.type === 'uts' ? { type: ns.type, path: `/proc/${i.pausePid}/ns/${ns.type}` } : ns));
  delete spec.hostname;
  return spec;
}
