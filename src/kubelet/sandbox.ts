/**
 * The pod sandbox: a pause process (`catatonit -P`, the host's static binary bind-mounted
 * read-only into an otherwise empty root) that holds the pod's network namespace (made by the
 * engine's Network and attached to the pod network with CNI), and owns the pod's IPC and UTS
 * namespaces (hostname = pod name). App containers join these three by path — the netns file and
 * /proc/<pause pid>/ns/{ipc,uts} — so they share localhost, SysV IPC and the hostname.
 *
 * cgroups: every container of a pod sits under <cgroupParent>/pod<uid>/<container id>, so the
 * pod's usage can be read (and its leftovers removed) in one place.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BosunError } from '../errors/index.js';
import type { Runtime } from '../engine/runtime/index.js';
import { buildSpec } from '../engine/runtime/index.js';
import { hostResolvConf, type Network } from '../engine/network/index.js';
import type { Instance } from '../server/instance.js';
import type { KubeletLayout } from './layout.js';
import { POD_NETWORK_NAME } from './pod-network.js';
import type { Pod } from './types.js';

export const CATATONIT = '/usr/bin/catatonit';
const CGROUP_ROOT = '/sys/fs/cgroup';

export const newId = () => randomBytes(32).toString('hex');
export const netnsKey = (uid: string) => `k8s-${uid}`;

export function podCgroup(instance: Instance, uid: string): string {
  return `${instance.cgroupParent}/pod${uid}`;
}

/** Removes the pod's (empty) cgroup directory in every hierarchy; runc removed the children. */
export function removePodCgroup(instance: Instance, uid: string): void {
  let ctrls: string[] = [];
  try {
    ctrls = readdirSync(CGROUP_ROOT);
  } catch {
    return;
  }
  for (const c of ctrls) {
    const dir = join(CGROUP_ROOT, c, podCgroup(instance, uid));
    if (!existsSync(dir)) continue;
    try {
      for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) rmdirSync(join(dir, child.name));
      rmdirSync(dir);
    } catch {
      // a process is still inside (a container not yet reaped): the next cleanup retries
    }
  }
}

export interface SandboxDeps {
  instance: Instance;
  runtime: Runtime;
  network: Network;
  layout: KubeletLayout;
  /** Cluster DNS for resolv.conf (the kube-dns Service address). */
  clusterDNS: string;
  clusterDomain: string;
}

function hostsFile(pod: Pod, ip: string, domain: string): string {
  const hostname = pod.spec.hostname || pod.metadata.name;
  const fqdn = pod.spec.subdomain ? `${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${domain}\t${hostname}` : hostname;
  let s = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  s += `${ip}\t${fqdn}\n`;
  if (pod.spec.hostAliases?.length) {
    s += '\n# Entries added by HostAliases.\n';
    for (const a of pod.spec.hostAliases) s += `${a.ip}\t${a.hostnames.join('\t')}\n`;
  }
  return s;
}


/** dnsPolicy (ClusterFirst, Default = the node's resolver, None) with dnsConfig merged in. */
function resolvConf(pod: Pod, d: SandboxDeps): string {
  const ns = pod.metadata.namespace;
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const base = policy === 'None' ? { nameservers: [], searches: [], options: [] }
    : policy === 'Default' ? (({ nameservers, search, options }) => ({ nameservers, searches: search, options }))(hostResolvConf())
      : { nameservers: [d.clusterDNS], searches: [`${ns}.svc.${d.clusterDomain}`, `svc.${d.clusterDomain}`, d.clusterDomain], options: ['ndots:5'] };
  const cfg = pod.spec.dnsConfig ?? {};
  const nameservers = [...new Set([...base.nameservers, ...(cfg.nameservers ?? [])])].slice(0, 3);
  const searches = [...new Set([...base.searches, ...(cfg.searches ?? [])])].slice(0, 32);
  const opts = new Map(base.options.map((o) => [o.split(':')[0], o] as const));
  for (const o of cfg.options ?? []) opts.set(o.name, o.value === undefined ? o.name : `${o.name}:${o.value}`);
  let s = '';
  if (searches.length) s += `search ${searches.join(' ')}\n`;
  for (const n of nameservers) s += `nameserver ${n}\n`;
  if (opts.size) s += `options ${[...opts.values()].join(' ')}\n`;
  return s;
}

export interface Sandbox { id: string; netns: string; ip: string; pid?: number }

/**
 * Creates the network namespace, attaches it, writes the pod's /etc files and starts the pause
 * container. Everything made is undone when a step fails.
 */
export async function createSandbox(pod: Pod, d: SandboxDeps, id: string): Promise<Sandbox> {
  const uid = pod.metadata.uid;
  const key = netnsKey(uid);
  const hostname = pod.spec.hostname || pod.metadata.name;
  const bundle = d.layout.sandboxBundle(uid);
  let netns: string | undefined;
  // The node has no host-network mode for pods: they would escape the fence around pod traffic.
  if (pod.spec.hostNetwork) throw new BosunError('Invalid', 'hostNetwork pods are not supported by this node: pods run only on the fenced pod network');
  try {
    netns = await d.network.createNetns(key);
    mkdirSync(join(bundle, 'rootfs'), { recursive: true });
    const spec = buildSpec({
      args: ['/catatonit', '-P'], env: ['PATH=/'], cwd: '/', uid: 0, gid: 0, additionalGids: [], terminal: false,
      hostname, rootfs: join(bundle, 'rootfs'), readonlyRootfs: true, netns,
      cgroupsPath: `/${podCgroup(d.instance, uid)}/${id}`, caps: [], privileged: false, noNewPrivileges: true,
      cpuShares: 2, shmSize: 64 * 1024 * 1024, sysctls: {}, ulimits: [],
      mounts: [{ destination: '/catatonit', type: 'bind', source: CATATONIT, options: ['rbind', 'ro', 'nosuid', 'nodev'] }],
    });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    // The pause process only joins the namespace; CNI can wire it up meanwhile (the network's
    // attach queue is the node's one serial step, so nothing else should wait behind it).
    const attaching = d.network.attach(key, netns, POD_NETWORK_NAME, { name: `${pod.metadata.namespace}_${pod.metadata.name}`, hostname: pod.metadata.name });
    const starting = (async () => {
      const { pid } = await d.runtime.create({ id, bundle, logPath: join(bundle, 'log'), stdin: false, stdinOnce: false, terminal: false });
      await d.runtime.start(id);
      return pid;
    })();
    // Both halves settle before any undo, so nothing is created behind its removal.
    const [a, p] = await Promise.allSettled([attaching, starting]);
    if (a.status === 'rejected') throw a.reason;
    if (p.status === 'rejected') throw p.reason;
    const att = a.value;
    const pid = p.value;
    writeFileSync(d.layout.etcFile(uid, 'etc-hosts'), hostsFile(pod, att.ipAddress, d.clusterDomain));
    writeFileSync(d.layout.etcFile(uid, 'resolv.conf'), resolvConf(pod, d));
    writeFileSync(d.layout.etcFile(uid, 'hostname'), `${hostname}\n`);
    return { id, netns, ip: att.ipAddress, pid };
  } catch (err) {
    await d.runtime.delete(id, true).catch(() => undefined);
    if (netns) await d.network.removeNetns(key).catch(() => undefined);
    throw err;
  }
}

/**
 * The pause process's pid while it runs. The pid recorded at create is checked cheaply (no exit
 * recorded, /proc/<pid> still catatonit); only when that fails is runc asked, which also covers
 * a record from before a reboot whose pid now belongs to something else.
 */
export async function sandboxAlive(d: SandboxDeps, sb: Sandbox): Promise<number | undefined> {
  if (d.runtime.exitCode(sb.id) !== undefined) return undefined;
  if (sb.pid) {
    try {
      if (readFileSync(`/proc/${sb.pid}/comm`, 'utf8').trim() === 'catatonit') return sb.pid;
    } catch {
      // gone, or never ours: ask the runtime
    }
  }
  const st = await d.runtime.state(sb.id);
  if (!st || st.status !== 'running') return undefined;
  sb.pid = st.pid;
  return st.pid;
}

export async function removeSandbox(uid: string, sb: Sandbox | undefined, d: SandboxDeps): Promise<void> {
  if (sb) {
    await d.runtime.delete(sb.id, true).catch(() => undefined);
    d.runtime.clearExit(sb.id);
  }
  await d.network.removeNetns(netnsKey(uid));
}
