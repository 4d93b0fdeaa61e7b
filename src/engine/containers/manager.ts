/**
 * RuncContainerManager: the ContainerManager over the Runtime (runc + conmon), ImageStore,
 * Network and VolumeStore. See types.ts for the life of a container.
 *
 * A start is: network namespace + CNI attachments (unless `none`/`host`), /etc files, an OCI
 * spec whose first mount is the image overlay on "/", then conmon + `runc create` and the
 * exec.fifo release. An exit (conmon's exit file) undoes it in reverse; any failure on the way
 * undoes what was done so far.
 *
 * Concurrency: every state change of one container runs under that container's lock (a promise
 * chain), including the handling of its exit, so a stop racing an exit or a restart policy
 * cannot interleave. Waiting for an exit happens outside the lock (the exit handler needs it).
 */
import { EventEmitter } from 'node:events';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BosunError, badRequest, conflict, isKind, notFound, toBosunError } from '../../errors/index.js';
import type { Instance } from '../../server/instance.js';
import type { EngineEvents } from '../events.js';
import type { Image, ImageStore } from '../images/types.js';
import type { Network } from '../network/types.js';
import { buildSpec, capabilities, processSpec, type SpecMount } from '../runtime/oci-spec.js';
import { logSize, readLog } from '../runtime/cri-log.js';
import type { Runtime } from '../runtime/types.js';
import type { VolumeStore } from '../volumes/types.js';
import { archiveGet, archivePut } from './archive.js';
import { cgroupStats, oomKills } from './cgroup-stats.js';
import { healthCommand, HealthMonitor, type HealthConfig } from './health.js';
import { buildConfig, mergeEnv, portBindings, tmpfsOptionsOf, type MountPoint } from './create-config.js';
import { containerPaths, loadRecords, NAME_RE, newId, randomName, saveRecord, type ContainerRecord } from './record.js';
import { mountRootfs, resolveUser, unmountRootfs } from './rootfs.js';
import { matchesFilters, summary } from './summary.js';
import type {
  AttachStreams, ContainerInspect, ContainerManager, ContainerSummary, CreateRequest, ExecCreate, ExecInspect, LogOptions, OutputChunk,
} from './types.js';

export interface ManagerDeps {
  instance: Instance;
  images: ImageStore;
  network: Network;
  volumes: VolumeStore;
  runtime: Runtime;
  events: EngineEvents;
}

interface ExecState {
  id: string;
  containerId: string;
  config: ExecCreate;
  running: boolean;
  exitCode: number | null;
  pid: number;
  started: boolean;
}

interface EndpointEntry {
  IPAMConfig: { IPv4Address?: string } | null;
  Links: null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13,
  ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24,
  XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};

/** "SIGTERM", "TERM", "15" → "TERM"; BadRequest for anything else. */
export function normalizeSignal(sig: string | undefined, fallback = 'KILL'): string {
  if (!sig) return fallback;
  const s = sig.toUpperCase().replace(/^SIG/, '');
  if (s in SIGNALS) return s;
  if (/^\d+$/.test(s)) {
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === Number(s));
    if (name) return name;
    if (Number(s) >= 34 && Number(s) <= 64) return s;
  }
  throw badRequest(`Invalid signal: ${sig}`);
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const INIT_PATH = '/sbin/docker-init';

/** The host's catatonit (static), bind-mounted into containers started with `--init`. */
function hostInit(): string {
  for (const p of ['/usr/bin/catatonit', '/usr/libexec/catatonit/catatonit', '/usr/local/bin/catatonit']) if (existsSync(p)) return p;
  throw badRequest('--init needs catatonit, which is not installed');
}

export class RuncContainerManager implements ContainerManager {
  private readonly recs = new Map<string, ContainerRecord>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly bus = new EventEmitter();
  private readonly execs = new Map<string, ExecState>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly lastExit = new Map<string, number>();
  private readonly sweeps = new Set<Promise<unknown>>();
  private readonly health = new Map<string, HealthMonitor>();
  private readonly root: string;
  private closed = false;

  constructor(private readonly d: ManagerDeps) {
    this.root = d.instance.paths.containers;
    mkdirSync(this.root, { recursive: true });
    this.bus.setMaxListeners(0);
    d.volumes.setUsers((name) => [...this.recs.values()].filter((r) => (r.inspect.Mounts as MountPoint[]).some((m) => m.Type === 'volume' && m.Name === name)).map((r) => r.inspect.Id));
    d.runtime.onExit((id, code) => {
      if (this.recs.has(id)) void this.locked(id, () => this.handleExit(id, code)).catch((err) => console.error(`container ${id.slice(0, 12)}: exit handling: ${(err as Error).message}`));
    });
  }

  // ---- plumbing ----

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => { if (this.locks.get(id) === tail) this.locks.delete(id); });
    return next;
  }

  private get(ref: string): ContainerRecord {
    const direct = this.recs.get(ref);
    if (direct) return direct;
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    for (const r of this.recs.values()) if (r.inspect.Name === name) return r;
    if (ref.length > 0 && /^[0-9a-f]+$/.test(ref)) {
      const hits = [...this.recs.values()].filter((r) => r.inspect.Id.startsWith(ref));
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) throw badRequest(`Multiple IDs found with provided prefix: ${ref}`);
    }
    throw notFound(`No such container: ${ref}`);
  }

  /** Background deletions; close() lets them finish. */
  private track(p: Promise<unknown>): void {
    const t = p.catch(() => undefined).finally(() => this.sweeps.delete(t));
    this.sweeps.add(t);
  }

  /** Resolves once the files of removed containers are deleted from disk. */
  async settled(): Promise<void> {
    while (this.sweeps.size) await Promise.all([...this.sweeps]);
  }

  private save(rec: ContainerRecord): void {
    if (this.recs.get(rec.inspect.Id) === rec) saveRecord(this.root, rec);
  }

  private attrs(rec: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
    const cfg = rec.inspect.Config as { Image?: string; Labels?: Record<string, string> };
    return { ...(cfg.Labels ?? {}), image: cfg.Image ?? '', name: rec.inspect.Name.slice(1), ...extra };
  }

  private emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.d.events.emit('container', action, rec.inspect.Id, this.attrs(rec, extra));
  }

  private cgroup(id: string): string {
    return `${this.d.instance.cgroupParent}/${id}`;
  }

  /** Resolves with the exit code of the next exit (or the removal) of `id`. Register before acting. */
  private nextExit(id: string): { done: Promise<number>; dispose: () => void } {
    let fire!: (code: number) => void;
    const done = new Promise<number>((r) => { fire = r; });
    const onEnd = (code: number) => { dispose(); fire(code); };
    const dispose = () => { this.bus.off(`exit:${id}`, onEnd); this.bus.off(`removed:${id}`, onEnd); };
    this.bus.on(`exit:${id}`, onEnd);
    this.bus.on(`removed:${id}`, onEnd);
    return { done, dispose };
  }

  // ---- create ----

  async create(name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (!req || typeof req.Image !== 'string' || !req.Image) throw badRequest('Config cannot be empty in order to create a container');
    if (name !== undefined && name !== '' && !NAME_RE.test(name)) throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const taken = (n: string) => [...this.recs.values()].find((r) => r.inspect.Name === `/${n}`);
    const wanted = name ? name.replace(/^\//, '') : randomName((n) => Boolean(taken(n)));
    const holder = taken(wanted);
    if (holder) throw conflict(`Conflict. The container name "/${wanted}" is already in use by container "${holder.inspect.Id}". You have to remove (or rename) that container to be able to reuse that name.`);

    let image: Image;
    try {
      image = await this.d.images.get(req.Image);
    } catch (err) {
      if (isKind(err, 'NotFound')) throw notFound(`No such image: ${req.Image}`);
      throw err;
    }
    const id = newId();
    const p = containerPaths(this.root, id);
    const built = buildConfig(id, wanted, req, image, req.Image, p);
    const insp = built.inspect;

    // Networks: the mode's network plus any other endpoint asked for; all must exist.
    const mode = insp.HostConfig.NetworkMode!;
    const endpoints = req.NetworkingConfig?.EndpointsConfig ?? {};
    const netNames = [mode, ...Object.keys(endpoints).filter((n) => n !== mode)];
    const networks: Record<string, EndpointEntry> = {};
    for (const n of netNames) {
      let rec;
      try {
        rec = await this.d.network.get(n);
      } catch (err) {
        if (isKind(err, 'NotFound')) throw notFound(`network ${n} not found`);
        throw err;
      }
      if ((mode === 'host' || mode === 'none') && netNames.length > 1) throw badRequest(`container cannot be disconnected from host network or connected to host network`);
      const ep = endpoints[n] ?? endpoints[rec.Name];
      networks[rec.Name] = this.endpointEntry(rec.Id, ep?.Aliases ?? null, ep?.IPAMConfig ?? null);
    }
    if (mode !== 'host' && mode !== 'none' && !(mode in networks)) {
      // NetworkMode named the network by ID: keep Docker's habit of naming it in HostConfig.
      insp.HostConfig.NetworkMode = Object.keys(networks)[0];
    }
    (insp.NetworkSettings as Record<string, unknown>).Networks = networks;

    // From here on things exist: undo them on failure.
    const createdVolumes: string[] = [];
    const anonymous: string[] = [];
    let rootfsPrepared = false;
    try {
      for (const dir of built.bindDirsToCreate) mkdirSync(dir, { recursive: true });
      for (const v of built.volumes) {
        let volName = v.name;
        if (volName) {
          const exists = await this.d.volumes.get(volName).then(() => true, () => false);
          const vr = await this.d.volumes.create(volName);
          if (!exists) createdVolumes.push(vr.Name);
        } else {
          const vr = await this.d.volumes.create(undefined);
          volName = vr.Name;
          createdVolumes.push(volName);
          anonymous.push(volName);
        }
        const vr = await this.d.volumes.get(volName);
        (insp.Mounts as MountPoint[]).push({ Type: 'volume', Name: volName, Source: vr.Mountpoint, Destination: v.destination, Driver: 'local', Mode: v.readOnly ? 'ro' : 'z', RW: !v.readOnly, Propagation: '' });
      }
      mkdirSync(p.rootfs, { recursive: true });
      const rootfsMounts = await this.d.images.prepareRootfs(id, image.id);
      rootfsPrepared = true;
      const rec: ContainerRecord = { inspect: insp, internal: { rootfsMounts, attached: [], anonymousVolumes: anonymous, manuallyStopped: false } };
      this.recs.set(id, rec);
      saveRecord(this.root, rec);
      this.emit(rec, 'create');
      return { Id: id, Warnings: built.warnings };
    } catch (err) {
      this.recs.delete(id);
      if (rootfsPrepared) await this.d.images.removeRootfs(id).catch(() => undefined);
      for (const v of createdVolumes) await this.d.volumes.remove(v, { force: true }).catch(() => undefined);
      rmSync(p.dir, { recursive: true, force: true });
      throw err;
    }
  }

  private endpointEntry(networkId: string, aliases: string[] | null, ipam: { IPv4Address?: string } | null): EndpointEntry {
    return {
      IPAMConfig: ipam, Links: null, Aliases: aliases, MacAddress: '', DriverOpts: null, NetworkID: networkId, EndpointID: '',
      Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
    };
  }

  // ---- inspect / list ----

  async inspect(ref: string, opts: { size?: boolean } = {}): Promise<ContainerInspect> {
    const rec = this.get(ref);
    const out = structuredClone(rec.inspect);
    if (opts.size) {
      const rw = await this.d.images.rootfsUsage(rec.inspect.Id).catch(() => 0);
      const img = await this.d.images.get(rec.inspect.Image).catch(() => undefined);
      Object.assign(out, { SizeRw: rw, SizeRootFs: rw + (img?.size ?? 0) });
    }
    return out;
  }

  async list(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Record<string, string[]> } = {}): Promise<ContainerSummary[]> {
    const filters = opts.filters ?? {};
    // Image records are only needed to match `ancestor` by tag and to size containers.
    const images = filters.ancestor?.length || opts.size ? await this.d.images.list().catch(() => []) : [];
    const refsOf = (imageId: string) => images.find((i) => i.id === imageId)?.repoTags ?? [];
    let recs = [...this.recs.values()].sort((a, b) => Date.parse(b.inspect.Created) - Date.parse(a.inspect.Created) || (b.inspect.Id < a.inspect.Id ? -1 : 1));
    const bound = (key: 'before' | 'since') => {
      const v = filters[key]?.[0];
      if (!v) return undefined;
      return this.get(v).inspect.Created;
    };
    const before = bound('before');
    const since = bound('since');
    if (before) recs = recs.filter((r) => r.inspect.Created < before);
    if (since) recs = recs.filter((r) => r.inspect.Created > since);
    const showAll = opts.all || (opts.limit !== undefined && opts.limit > 0) || Boolean(filters.status?.length || filters.exited?.length);
    recs = recs.filter((r) => (showAll || r.inspect.State.Running || r.inspect.State.Restarting) && matchesFilters(r.inspect, filters, refsOf));
    if (opts.limit !== undefined && opts.limit > 0) recs = recs.slice(0, opts.limit);
    const out: ContainerSummary[] = [];
    for (const r of recs) {
      const imgRef = (r.inspect.Config as { Image?: string }).Image ?? r.inspect.Image;
      let extra = {};
      if (opts.size) {
        const rw = await this.d.images.rootfsUsage(r.inspect.Id).catch(() => 0);
        extra = { sizeRw: rw, sizeRootFs: rw + (images.find((i) => i.id === r.inspect.Image)?.size ?? 0) };
      }
      out.push(summary(r.inspect, imgRef, extra));
    }
    return out;
  }

  // ---- start ----

  async start(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.locked(rec.inspect.Id, async () => {
      if (!this.recs.has(rec.inspect.Id)) throw notFound(`No such container: ${ref}`);
      if (rec.inspect.State.Running) throw new BosunError('NotModified', 'container already started');
      this.cancelRestart(rec);
      rec.internal.manuallyStopped = false;
      try {
        await this.doStart(rec);
      } catch (err) {
        // As Docker: a `--rm` container that cannot start is removed, which also ends the
        // client's attach and its wait for "removed".
        if (rec.inspect.HostConfig.AutoRemove) {
          this.lastExit.set(rec.inspect.Id, rec.inspect.State.ExitCode);
          await this.doRemove(rec, true);
        }
        throw err;
      }
    });
  }

  private cancelRestart(rec: ContainerRecord): void {
    const t = this.restartTimers.get(rec.inspect.Id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(rec.inspect.Id);
    if (rec.inspect.State.Restarting) {
      rec.inspect.State.Restarting = false;
      rec.inspect.State.Status = 'exited';
    }
  }

  private specMounts(rec: ContainerRecord, p: ReturnType<typeof containerPaths>): SpecMount[] {
    // runc mounts these onto the (empty) root path before anything else and pivots into them.
    const out: SpecMount[] = rec.internal.rootfsMounts.map((m) => ({ destination: '/', type: m.type, source: m.source, options: m.options }));
    const tmpfs = tmpfsOptionsOf(rec.inspect);
    for (const m of rec.inspect.Mounts as MountPoint[]) {
      if (m.Type === 'tmpfs') {
        const extra = (tmpfs.get(m.Destination) ?? '').split(',').filter(Boolean);
        out.push({ destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...extra] });
      } else {
        out.push({ destination: m.Destination, type: 'bind', source: m.Source, options: ['rbind', m.RW ? 'rw' : 'ro', 'rprivate'] });
      }
    }
    if (rec.inspect.HostConfig.Init) out.push({ destination: INIT_PATH, type: 'bind', source: hostInit(), options: ['rbind', 'ro', 'rprivate'] });
    const userDest = new Set(out.map((m) => m.destination));
    userDest.delete('/');
    for (const [dest, src] of [['/etc/hostname', p.hostname], ['/etc/hosts', p.hosts], ['/etc/resolv.conf', p.resolvConf]]) {
      if (!userDest.has(dest)) out.push({ destination: dest, type: 'bind', source: src, options: ['rbind', 'rprivate'] });
    }
    return out;
  }

  private writeEtcFiles(rec: ContainerRecord, p: ReturnType<typeof containerPaths>, resolv: { nameservers: string[]; search: string[]; options: string[] }, mode: string): void {
    const cfg = rec.inspect.Config as { Hostname: string; Domainname?: string };
    const hc = rec.inspect.HostConfig;
    const hostName = mode === 'host' ? osHostname() : cfg.Hostname;
    writeFileSync(p.hostname, `${hostName}\n`);
    const lines = [
      '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix',
      'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters',
    ];
    const nets = (rec.inspect.NetworkSettings as { Networks: Record<string, EndpointEntry> }).Networks;
    const gateway = Object.values(nets).find((n) => n.Gateway)?.Gateway ?? '';
    for (const h of hc.ExtraHosts ?? []) {
      const i = h.lastIndexOf(':');
      const ip = h.slice(i + 1) === 'host-gateway' ? gateway : h.slice(i + 1);
      lines.push(`${ip}\t${h.slice(0, i)}`);
    }
    const ip = Object.values(nets).find((n) => n.IPAddress)?.IPAddress;
    if (ip) lines.push(`${ip}\t${cfg.Hostname}${cfg.Domainname ? ` ${cfg.Hostname}.${cfg.Domainname}` : ''}`);
    writeFileSync(p.hosts, lines.join('\n') + '\n');
    const ns = hc.Dns?.length ? hc.Dns : resolv.nameservers;
    const search = hc.DnsSearch?.length ? hc.DnsSearch : resolv.search;
    const options = hc.DnsOptions?.length ? hc.DnsOptions : resolv.options;
    const rc = [...ns.map((n) => `nameserver ${n}`), ...(search.length ? [`search ${search.join(' ')}`] : []), ...(options.length ? [`options ${options.join(' ')}`] : [])];
    writeFileSync(p.resolvConf, rc.join('\n') + (rc.length ? '\n' : ''));
  }

  private memorySwapSupported(): boolean {
    return existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
  }

  /** Mount, network, spec, conmon + runc; everything undone if any step fails. Caller holds the lock. */
  private async doStart(rec: ContainerRecord): Promise<void> {
    const insp = rec.inspect;
    const id = insp.Id;
    const p = containerPaths(this.root, id);
    const hc = insp.HostConfig;
    const cfg = insp.Config as { User?: string; Env: string[]; WorkingDir?: string; Tty: boolean; OpenStdin: boolean; StdinOnce: boolean; Hostname: string; ExposedPorts?: Record<string, object> };
    const undo: Array<() => Promise<unknown>> = [];
    const nets = (insp.NetworkSettings as { Networks: Record<string, EndpointEntry> }).Networks;
    const mode = hc.NetworkMode ?? 'bridge';
    try {
      // The root filesystem is mounted by runc inside the container's mount namespace (see
      // specMounts), so a running container has no host mount. Only a named user or a volume's
      // first mount need the image's files before that: they get a short host mount.
      const pending = (insp.Mounts as MountPoint[]).filter((m) => m.Type === 'volume' && m.Name && this.d.volumes.needsPopulate(m.Name));
      const user = await this.beforeStart(rec, async (rootfs) => {
        for (const m of pending) await this.d.volumes.populate(m.Name!, join(rootfs, m.Destination));
        return resolveUser(rootfs, cfg.User ?? '');
      }, pending.length > 0 || !/^(\d+:\d+)?$/.test(cfg.User ?? ''));

      let netns: string | undefined;
      if (mode !== 'host' && mode !== 'none') {
        netns = await this.d.network.createNetns(id);
        rec.internal.netnsPath = netns;
        undo.push(async () => { await this.d.network.removeNetns(id); rec.internal.netnsPath = undefined; });
        const ports = portBindings(hc, cfg.ExposedPorts ?? {});
        const portsOut: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
        for (const key of Object.keys(cfg.ExposedPorts ?? {})) portsOut[key] = null;
        let first = true;
        for (const [netName, ep] of Object.entries(nets)) {
          const att = await this.d.network.attach(id, netns, netName, {
            name: insp.Name.slice(1),
            aliases: ep.Aliases ?? [],
            ipv4Address: ep.IPAMConfig?.IPv4Address || undefined,
            // Docker publishes ports through the first network only.
            ports: first ? ports : [],
          });
          undo.push(() => this.d.network.detach(id, netns!, netName));
          rec.internal.attached.push(netName);
          Object.assign(ep, {
            NetworkID: att.networkId, EndpointID: att.endpointId, Gateway: att.gateway, IPAddress: att.ipAddress,
            IPPrefixLen: att.ipPrefixLen, MacAddress: att.macAddress, DNSNames: [insp.Name.slice(1), id.slice(0, 12), ...(ep.Aliases ?? [])],
          });
          if (first) {
            for (const pb of att.ports) {
              const key = `${pb.containerPort}/${pb.protocol}`;
              (portsOut[key] ??= []).push({ HostIp: pb.hostIp || '0.0.0.0', HostPort: String(pb.hostPort) });
            }
          }
          first = false;
        }
        const primary = nets.bridge ?? undefined;
        Object.assign(insp.NetworkSettings, {
          SandboxID: id, SandboxKey: netns, Ports: portsOut,
          ...(primary ? { EndpointID: primary.EndpointID, Gateway: primary.Gateway, IPAddress: primary.IPAddress, IPPrefixLen: primary.IPPrefixLen, MacAddress: primary.MacAddress } : {}),
        });
      }
      const resolv = await this.d.network.resolvConf(Object.keys(nets));
      this.writeEtcFiles(rec, p, resolv, mode);

      const env = mergeEnv(cfg.Env ?? [], [`HOSTNAME=${mode === 'host' ? osHostname() : cfg.Hostname}`, ...(cfg.Tty && !(cfg.Env ?? []).some((e) => e.startsWith('TERM=')) ? ['TERM=xterm'] : [])]);
      const privileged = Boolean(hc.Privileged);
      const spec = buildSpec({
        // `--init`: Docker runs tini as /sbin/docker-init; catatonit is the same kind of init.
        args: [...(hc.Init ? [INIT_PATH, '--'] : []), insp.Path as string, ...((insp.Args as string[]) ?? [])],
        env,
        cwd: cfg.WorkingDir || '/',
        ...user,
        terminal: cfg.Tty,
        hostname: mode === 'host' ? osHostname() : cfg.Hostname,
        rootfs: p.rootfs,
        readonlyRootfs: Boolean(hc.ReadonlyRootfs),
        netns: mode === 'host' ? 'host' : netns,
        cgroupsPath: `/${this.cgroup(id)}`,
        caps: capabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], privileged),
        privileged,
        noNewPrivileges: !privileged && !(hc.SecurityOpt ?? []).includes('no-new-privileges=false'),
        memory: hc.Memory || undefined,
        memorySwap: hc.Memory && this.memorySwapSupported() ? (hc.MemorySwap === -1 ? -1 : hc.MemorySwap || hc.Memory * 2) : undefined,
        memoryReservation: hc.MemoryReservation || undefined,
        cpuShares: hc.CpuShares || undefined,
        cpuQuota: hc.NanoCpus ? Math.round(hc.NanoCpus / 1e9 * 100000) : hc.CpuQuota || undefined,
        cpuPeriod: hc.NanoCpus ? 100000 : hc.CpuPeriod || undefined,
        cpusetCpus: hc.CpusetCpus || undefined,
        pidsLimit: hc.PidsLimit ?? undefined,
        shmSize: hc.ShmSize || 64 * 1024 * 1024,
        sysctls: hc.Sysctls ?? {},
        ulimits: hc.Ulimits ?? [],
        mounts: this.specMounts(rec, p),
      });
      writeFileSync(join(p.bundle, 'config.json'), JSON.stringify(spec));

      this.d.runtime.clearExit(id);
      const { pid } = await this.d.runtime.create({ id, bundle: p.bundle, logPath: p.log, stdin: cfg.OpenStdin, stdinOnce: cfg.StdinOnce, terminal: cfg.Tty });
      undo.push(() => this.d.runtime.delete(id, true));
      await this.d.runtime.start(id);

      const now = new Date().toISOString();
      Object.assign(insp.State, { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: pid, ExitCode: 0, Error: '', StartedAt: now });
      rec.internal.lastStartMs = Date.now();
      this.startHealth(rec);
      this.save(rec);
      this.emit(rec, 'start');
      this.bus.emit(`start:${id}`);
      // The process may have exited before our state said running: its exit was ignored then.
      const early = this.d.runtime.exitCode(id);
      if (early !== undefined) void this.locked(id, () => this.handleExit(id, early));
    } catch (err) {
      for (const u of undo.reverse()) await u().catch(() => undefined);
      rec.internal.attached = [];
      this.resetNetwork(rec);
      const e = toBosunError(err);
      // Docker keeps the container "created" with the exit code a shell would give.
      const notFoundCmd = /executable file not found|no such file or directory/.test(e.message);
      const denied = /permission denied/.test(e.message);
      if (e.kind === 'Invalid' || e.kind === 'Internal') {
        insp.State.Error = e.message;
        insp.State.ExitCode = notFoundCmd ? 127 : denied ? 126 : 128;
        this.save(rec);
        throw new BosunError('BadRequest', `failed to create task for container: failed to create shim task: OCI runtime create failed: ${e.message}: unknown`, { cause: err });
      }
      insp.State.Error = e.message;
      this.save(rec);
      throw e;
    }
  }

  private resetNetwork(rec: ContainerRecord): void {
    const ns = rec.inspect.NetworkSettings as Record<string, unknown> & { Networks: Record<string, EndpointEntry> };
    for (const ep of Object.values(ns.Networks ?? {})) {
      Object.assign(ep, { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null });
    }
    Object.assign(ns, { SandboxID: '', SandboxKey: '', Ports: {}, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' });
  }

  /** Undoes what start did, after the process is gone. Idempotent. */
  private async releaseRuntime(rec: ContainerRecord): Promise<void> {
    const id = rec.inspect.Id;
    await this.d.runtime.delete(id, true);
    if (rec.internal.netnsPath) {
      for (const n of rec.internal.attached) await this.d.network.detach(id, rec.internal.netnsPath, n).catch(() => undefined);
      await this.d.network.removeNetns(id);
    }
    rec.internal.attached = [];
    rec.internal.netnsPath = undefined;
    await unmountRootfs(containerPaths(this.root, id).rootfs);
    this.resetNetwork(rec);
  }

  // ---- health checks ----

  /** Starts the container's healthcheck, if it has one; State.Health begins as "starting". */
  private startHealth(rec: ContainerRecord): void {
    const id = rec.inspect.Id;
    this.stopHealth(id);
    const cfg = (rec.inspect.Config as { Healthcheck?: HealthConfig }).Healthcheck;
    const cmd = healthCommand(cfg?.Test);
    if (!cfg || !cmd) {
      delete rec.inspect.State.Health;
      return;
    }
    const monitor = new HealthMonitor(cfg, () => this.healthProbe(rec, cmd), (state, changed) => {
      if (this.health.get(id) !== monitor) return;
      rec.inspect.State.Health = structuredClone(state);
      this.save(rec);
      if (changed) this.emit(rec, `health_status: ${state.Status}`);
    });
    rec.inspect.State.Health = structuredClone(monitor.state);
    this.health.set(id, monitor);
    monitor.start();
  }

  private stopHealth(id: string): void {
    this.health.get(id)?.stop();
    this.health.delete(id);
  }

  /** One run of the check as an exec (Docker's events show it as one), removed once done. */
  private async healthProbe(rec: ContainerRecord, cmd: string[]): Promise<{ exitCode: number; output: string } | undefined> {
    if (!rec.inspect.State.Running || rec.inspect.State.Paused) return undefined;
    const { Id } = await this.execCreate(rec.inspect.Id, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
    let output = '';
    try {
      await this.execStart(Id, { streams: { onOutput: (c) => { if (output.length < 8192) output += c.data.toString('utf8'); } } });
      return { exitCode: this.execs.get(Id)?.exitCode ?? -1, output };
    } catch (err) {
      return { exitCode: this.execs.get(Id)?.exitCode ?? -1, output: (err as Error).message };
    } finally {
      this.execs.delete(Id);
      rec.inspect.ExecIDs = ((rec.inspect.ExecIDs as string[] | null) ?? []).filter((x) => x !== Id);
      if (!(rec.inspect.ExecIDs as string[]).length) rec.inspect.ExecIDs = null;
    }
  }

  // ---- exit and restart policy ----

  private async handleExit(id: string, code: number): Promise<void> {
    const rec = this.recs.get(id);
    if (!rec || (!rec.inspect.State.Running && rec.inspect.State.Status !== 'removing')) return;
    this.stopHealth(id);
    const oom = oomKills(this.cgroup(id)) > 0;
    Object.assign(rec.inspect.State, { Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: code, OOMKilled: oom, FinishedAt: new Date().toISOString() });
    this.lastExit.set(id, code);
    if (oom) this.emit(rec, 'oom');
    this.emit(rec, 'die', { exitCode: String(code) });
    // Waiters learn of the exit before the cleanup below: it holds the lock, so whatever they do
    // next to this container (start, remove) still runs after it.
    this.bus.emit(`exit:${id}`, code);
    await this.releaseRuntime(rec).catch((err) => console.error(`container ${id.slice(0, 12)}: cleanup: ${(err as Error).message}`));
    if (this.closed) { this.save(rec); return; }
    if (this.shouldRestart(rec, code)) {
      const ranMs = Date.now() - (rec.internal.lastStartMs ?? 0);
      // Docker's back-off: 100 ms doubling per quick failure, reset once a run lasted 10 s.
      rec.internal.backoffMs = ranMs >= 10_000 ? 100 : Math.min((rec.internal.backoffMs ?? 50) * 2, 60_000);
      Object.assign(rec.inspect.State, { Status: 'restarting', Restarting: true });
      this.save(rec);
      const t = setTimeout(() => {
        this.restartTimers.delete(id);
        void this.locked(id, async () => {
          if (!this.recs.has(id) || !rec.inspect.State.Restarting || this.closed) return;
          rec.inspect.RestartCount = ((rec.inspect.RestartCount as number) ?? 0) + 1;
          await this.doStart(rec);
        }).catch((err) => {
          Object.assign(rec.inspect.State, { Status: 'exited', Restarting: false });
          this.save(rec);
          console.error(`container ${id.slice(0, 12)}: restart: ${(err as Error).message}`);
        });
      }, rec.internal.backoffMs);
      this.restartTimers.set(id, t);
      return;
    }
    this.save(rec);
    if (rec.inspect.HostConfig.AutoRemove) await this.doRemove(rec, false);
  }

  private shouldRestart(rec: ContainerRecord, code: number): boolean {
    if (rec.internal.manuallyStopped) return false;
    const rp = rec.inspect.HostConfig.RestartPolicy ?? {};
    switch (rp.Name) {
      case 'always':
      case 'unless-stopped':
        return true;
      case 'on-failure':
        return code !== 0 && (!rp.MaximumRetryCount || ((rec.inspect.RestartCount as number) ?? 0) < rp.MaximumRetryCount);
      default:
        return false;
    }
  }

  // ---- stop / kill / restart / pause ----

  async stop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const rec = this.get(ref);
    const id = rec.inspect.Id;
    const exit = this.nextExit(id);
    try {
      await this.stopLocked(rec, exit.done, opts);
    } finally {
      exit.dispose();
    }
  }

  private async stopLocked(rec: ContainerRecord, exited: Promise<number>, opts: { timeout?: number; signal?: string }): Promise<void> {
    const id = rec.inspect.Id;
    const proceed = await this.locked(id, async () => {
      rec.internal.manuallyStopped = true;
      if (rec.inspect.State.Restarting) {
        this.cancelRestart(rec);
        this.save(rec);
        return false;
      }
      if (!rec.inspect.State.Running) {
        this.save(rec);
        throw new BosunError('NotModified', 'container already stopped');
      }
      this.save(rec);
      if (rec.inspect.State.Paused) await this.d.runtime.resume(id).catch(() => undefined);
      const sig = normalizeSignal(opts.signal ?? (rec.inspect.Config as { StopSignal?: string }).StopSignal, 'TERM');
      await this.d.runtime.kill(id, sig).catch(() => undefined);
      this.emit(rec, 'kill', { signal: String(SIGNALS[sig] ?? sig) });
      return true;
    });
    if (!proceed) { this.emit(rec, 'stop'); return; }
    const timeout = opts.timeout ?? (rec.inspect.Config as { StopTimeout?: number }).StopTimeout ?? 10;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = timeout < 0 ? new Promise<'timeout'>(() => undefined) : new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeout * 1000); });
    const first = await Promise.race([exited, timedOut]);
    if (timer) clearTimeout(timer);
    if (first === 'timeout') {
      await this.d.runtime.kill(id, 'KILL', true).catch(() => undefined);
      this.emit(rec, 'kill', { signal: '9' });
      await exited;
    }
    this.emit(rec, 'stop');
  }

  async restart(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const rec = this.get(ref);
    try {
      await this.stop(rec.inspect.Id, opts);
    } catch (err) {
      if (!isKind(err, 'NotModified')) throw err;
    }
    await this.locked(rec.inspect.Id, async () => {
      if (rec.inspect.State.Running) return;
      this.cancelRestart(rec);
      rec.internal.manuallyStopped = false;
      await this.doStart(rec);
    });
    this.emit(rec, 'restart');
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const rec = this.get(ref);
    const sig = normalizeSignal(signal, 'KILL');
    await this.locked(rec.inspect.Id, async () => {
      if (!rec.inspect.State.Running) throw conflict(`Cannot kill container: ${ref}: Container ${rec.inspect.Id} is not running`);
      if (sig === 'KILL' || sig === 'TERM' || sig === 'INT') {
        rec.internal.manuallyStopped = true;
        this.save(rec);
      }
      if (rec.inspect.State.Paused && sig === 'KILL') await this.d.runtime.resume(rec.inspect.Id).catch(() => undefined);
      await this.d.runtime.kill(rec.inspect.Id, sig, sig === 'KILL');
      this.emit(rec, 'kill', { signal: String(SIGNALS[sig] ?? sig) });
    });
  }

  async pause(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.locked(rec.inspect.Id, async () => {
      if (!rec.inspect.State.Running) throw conflict(`Container ${rec.inspect.Id} is not running`);
      if (rec.inspect.State.Paused) throw conflict(`Container ${rec.inspect.Id} is already paused`);
      await this.d.runtime.pause(rec.inspect.Id);
      Object.assign(rec.inspect.State, { Status: 'paused', Paused: true });
      this.save(rec);
      this.emit(rec, 'pause');
    });
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.locked(rec.inspect.Id, async () => {
      if (!rec.inspect.State.Paused) throw conflict(`Container ${rec.inspect.Id} is not paused`);
      await this.d.runtime.resume(rec.inspect.Id);
      Object.assign(rec.inspect.State, { Status: 'running', Paused: false });
      this.save(rec);
      this.emit(rec, 'unpause');
    });
  }

  // ---- remove / rename / prune ----

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.get(ref);
    const id = rec.inspect.Id;
    if (rec.inspect.State.Running && !opts.force) {
      throw conflict(`cannot remove container "${rec.inspect.Name}": container is ${rec.inspect.State.Paused ? 'paused' : 'running'}: stop the container before removing or force remove`);
    }
    if (rec.inspect.State.Running) {
      const exit = this.nextExit(id);
      try {
        const live = await this.locked(id, async () => {
          if (!rec.inspect.State.Running) return false;
          rec.internal.manuallyStopped = true;
          if (rec.inspect.State.Paused) await this.d.runtime.resume(id).catch(() => undefined);
          await this.d.runtime.kill(id, 'KILL', true).catch(() => undefined);
          this.emit(rec, 'kill', { signal: '9' });
          return true;
        });
        if (live) await exit.done;
      } finally {
        exit.dispose();
      }
    }
    await this.locked(id, async () => {
      this.cancelRestart(rec);
      await this.doRemove(rec, Boolean(opts.volumes));
    });
  }

  /**
   * Caller holds the lock. Idempotent. The container is gone once its record file is: the rest of
   * its directory (log, bundle, etc files) is deleted after clients are told, since a directory
   * without a record is swept by open() anyway if the server dies first.
   */
  private async doRemove(rec: ContainerRecord, volumes: boolean): Promise<void> {
    const id = rec.inspect.Id;
    if (!this.recs.has(id)) return;
    this.stopHealth(id);
    rec.inspect.State.Status = 'removing';
    await this.releaseRuntime(rec);
    await this.d.images.removeRootfs(id).catch(() => undefined);
    this.d.runtime.clearExit(id);
    this.recs.delete(id);
    for (const e of [...this.execs.values()]) if (e.containerId === id) this.execs.delete(e.id);
    const p = containerPaths(this.root, id);
    rmSync(p.record, { force: true });
    this.track(rm(p.dir, { recursive: true, force: true }));
    // Anonymous volumes go with --rm (AutoRemove) as with `rm -v`; named ones always stay.
    if (volumes || rec.inspect.HostConfig.AutoRemove) {
      for (const v of rec.internal.anonymousVolumes) await this.d.volumes.remove(v, { force: true }).catch(() => undefined);
    }
    this.emit(rec, 'destroy');
    this.bus.emit(`removed:${id}`, this.lastExit.get(id) ?? rec.inspect.State.ExitCode);
    this.lastExit.delete(id);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.get(ref);
    const name = newName.replace(/^\//, '');
    if (!NAME_RE.test(name)) throw badRequest(`Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const holder = [...this.recs.values()].find((r) => r.inspect.Name === `/${name}`);
    if (holder && holder !== rec) throw conflict(`Conflict. The container name "/${name}" is already in use by container "${holder.inspect.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    if (holder === rec) throw badRequest(`Renaming a container with the same name as its current name`);
    const oldName = rec.inspect.Name;
    rec.inspect.Name = `/${name}`;
    this.save(rec);
    this.emit(rec, 'rename', { oldName });
  }

  async prune(filters: Record<string, string[]> = {}): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let space = 0;
    for (const rec of [...this.recs.values()]) {
      if (rec.inspect.State.Running || rec.inspect.State.Restarting) continue;
      if (filters.label?.length && !matchesFilters(rec.inspect, { label: filters.label }, () => [])) continue;
      if (filters.until?.length) {
        const u = filters.until[0];
        const limit = /^\d+(\.\d+)?$/.test(u) ? Number(u) * 1000 : Date.parse(u);
        if (Date.parse(rec.inspect.Created) >= limit) continue;
      }
      space += await this.d.images.rootfsUsage(rec.inspect.Id).catch(() => 0);
      await this.locked(rec.inspect.Id, () => this.doRemove(rec, false));
      deleted.push(rec.inspect.Id);
    }
    return { ContainersDeleted: deleted, SpaceReclaimed: space };
  }

  // ---- wait / logs / attach ----

  async wait(ref: string, condition: 'not-running' | 'next-exit' | 'removed' = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error?: { Message: string } | null }> {
    const rec = this.get(ref);
    const id = rec.inspect.Id;
    const st = rec.inspect.State;
    if (condition === 'not-running' && !st.Running && !st.Restarting) return { StatusCode: st.ExitCode, Error: null };
    const event = condition === 'removed' ? `removed:${id}` : `exit:${id}`;
    return new Promise((resolve, reject) => {
      const onEvent = (code: number) => { signal?.removeEventListener('abort', onAbort); resolve({ StatusCode: code, Error: null }); };
      const onAbort = () => { this.bus.off(event, onEvent); reject(new BosunError('Unavailable', 'wait aborted')); };
      this.bus.once(event, onEvent);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async *logs(ref: string, opts: LogOptions, signal?: AbortSignal): AsyncIterable<OutputChunk> {
    const rec = this.get(ref);
    const id = rec.inspect.Id;
    const running = rec.inspect.State.Running || rec.inspect.State.Restarting;
    const end = this.nextExit(id);
    try {
      for await (const r of readLog(containerPaths(this.root, id).log, {
        since: opts.since || undefined, until: opts.until || undefined, tail: opts.tail, follow: opts.follow && running, done: end.done, signal,
      })) {
        if ((r.stream === 'stdout' && opts.stdout) || (r.stream === 'stderr' && opts.stderr)) yield { stream: r.stream, data: r.data, time: r.time };
      }
    } finally {
      end.dispose();
    }
  }



  async attach(ref: string, streams: AttachStreams, signal?: AbortSignal): Promise<void> {
    const rec = this.get(ref);
    const id = rec.inspect.Id;
    const p = containerPaths(this.root, id);
    const cfg = rec.inspect.Config as { OpenStdin?: boolean };
    const fromOffset = logSize(p.log);
    // Output ends with the next exit: the one of the running process, or of the one about to start.
    const end = this.nextExit(id);
    this.emit(rec, 'attach');
    let feed: (() => void) | undefined;
    if (streams.stdin && cfg.OpenStdin) {
      const stdin = streams.stdin;
      feed = () => void this.d.runtime.attachStdin(id, stdin);
      if (rec.inspect.State.Running) feed();
      else this.bus.once(`start:${id}`, feed);
    }
    try {
      for await (const r of readLog(p.log, { follow: true, fromOffset, done: end.done, signal })) {
        streams.onOutput({ stream: r.stream, data: r.data, time: r.time });
      }
    } finally {
      end.dispose();
      if (feed) this.bus.off(`start:${id}`, feed);
    }
  }

  async resize(ref: string, height: number, width: number): Promise<void> {
    const rec = this.get(ref);
    if (!rec.inspect.State.Running) throw conflict(`Container ${rec.inspect.Id} is not running`);
    await this.d.runtime.resize(rec.inspect.Id, height, width);
  }

  // ---- stats / top / archive ----

  async stats(ref: string): Promise<Record<string, unknown>> {
    const rec = this.get(ref);
    if (!rec.inspect.State.Running) {
      return { read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, blkio_stats: {}, num_procs: 0, storage_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, precpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, memory_stats: {}, name: rec.inspect.Name, id: rec.inspect.Id };
    }
    return cgroupStats(this.cgroup(rec.inspect.Id), rec.inspect.State.Pid, rec.inspect.Id, rec.inspect.Name);
  }

  async top(ref: string, psArgs = '-ef'): Promise<{ Titles: string[]; Processes: string[][] }> {
    const rec = this.get(ref);
    if (!rec.inspect.State.Running) throw conflict(`Container ${rec.inspect.Id} is not running`);
    const pids = new Set((await this.d.runtime.pids(rec.inspect.Id)).map(String));
    const out = await new Promise<string>((resolve, reject) => {
      execFile('ps', psArgs.split(/\s+/).filter(Boolean), { maxBuffer: 16 << 20 }, (err, stdout, stderr) => (err ? reject(badRequest(`ps: ${String(stderr).trim() || err.message}`)) : resolve(String(stdout))));
    });
    const lines = out.split('\n').filter(Boolean);
    const titles = lines[0].trim().split(/\s+/);
    const pidCol = titles.indexOf('PID');
    if (pidCol < 0) throw badRequest(`Couldn't find PID field in ps output`);
    const processes: string[][] = [];
    for (const line of lines.slice(1)) {
      const f = line.trim().split(/\s+/);
      if (!pids.has(f[pidCol])) continue;
      // The last column (the command) keeps its spaces.
      processes.push([...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')]);
    }
    return { Titles: titles, Processes: processes };
  }

  /**
   * Runs `fn` on the container's root filesystem: a running container's as its init sees it
   * (/proc/<pid>/root, since the overlay is mounted only in its namespace), a stopped one's
   * through a host mount made for the call.
   */
  private async withRootfs<T>(rec: ContainerRecord, fn: (rootfs: string) => Promise<T>): Promise<T> {
    return this.locked(rec.inspect.Id, async () => {
      if (rec.inspect.State.Running) return fn(`/proc/${rec.inspect.State.Pid}/root`);
      return this.beforeStart(rec, fn, true);
    });
  }

  /** Mounts the root filesystem on the host for `fn` when `needed`, else runs `fn` on the bare mountpoint. */
  private async beforeStart<T>(rec: ContainerRecord, fn: (rootfs: string) => Promise<T>, needed: boolean): Promise<T> {
    const p = containerPaths(this.root, rec.inspect.Id);
    if (!needed) return fn(p.rootfs);
    await mountRootfs(rec.internal.rootfsMounts, p.rootfs);
    try {
      return await fn(p.rootfs);
    } finally {
      await unmountRootfs(p.rootfs);
    }
  }

  async archiveGet(ref: string, path: string): Promise<{ stat: Record<string, unknown>; tar: Readable }> {
    const rec = this.get(ref);
    return this.withRootfs(rec, async (rootfs) => archiveGet(rootfs, path, rec.inspect.Mounts as MountPoint[]));
  }

  async archivePut(ref: string, path: string, tar: Readable): Promise<void> {
    const rec = this.get(ref);
    if (rec.inspect.HostConfig.ReadonlyRootfs) throw new BosunError('Forbidden', 'container rootfs is marked read-only');
    await this.withRootfs(rec, async (rootfs) => archivePut(rootfs, path, tar, rec.inspect.Mounts as MountPoint[]));
  }

  // ---- networks ----

  async connect(ref: string, networkRef: string, cfg: { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null } = {}): Promise<void> {
    const rec = this.get(ref);
    const net = await this.d.network.get(networkRef);
    await this.locked(rec.inspect.Id, async () => {
      const mode = rec.inspect.HostConfig.NetworkMode;
      if (mode === 'host' || mode === 'none' || net.Driver !== 'bridge') throw badRequest('container cannot be disconnected from host network or connected to host network');
      const nets = (rec.inspect.NetworkSettings as { Networks: Record<string, EndpointEntry> }).Networks;
      if (net.Name in nets) throw new BosunError('Forbidden', `endpoint with name ${rec.inspect.Name.slice(1)} already exists in network ${net.Name}`);
      const ep = this.endpointEntry(net.Id, cfg.Aliases ?? null, cfg.IPAMConfig ?? null);
      if (rec.inspect.State.Running && rec.internal.netnsPath) {
        const att = await this.d.network.attach(rec.inspect.Id, rec.internal.netnsPath, net.Name, { name: rec.inspect.Name.slice(1), aliases: cfg.Aliases ?? [], ipv4Address: cfg.IPAMConfig?.IPv4Address || undefined });
        rec.internal.attached.push(net.Name);
        Object.assign(ep, { EndpointID: att.endpointId, Gateway: att.gateway, IPAddress: att.ipAddress, IPPrefixLen: att.ipPrefixLen, MacAddress: att.macAddress, DNSNames: [rec.inspect.Name.slice(1), rec.inspect.Id.slice(0, 12), ...(cfg.Aliases ?? [])] });
      }
      nets[net.Name] = ep;
      this.save(rec);
    });
    this.d.events.emit('network', 'connect', net.Id, { container: rec.inspect.Id, name: net.Name, type: net.Driver });
  }

  async disconnect(ref: string, networkRef: string, force = false): Promise<void> {
    const rec = this.get(ref);
    const net = await this.d.network.get(networkRef);
    await this.locked(rec.inspect.Id, async () => {
      const nets = (rec.inspect.NetworkSettings as { Networks: Record<string, EndpointEntry> }).Networks;
      if (!(net.Name in nets)) {
        if (force) return;
        throw new BosunError('Forbidden', `container ${rec.inspect.Id} is not connected to network ${net.Name}`);
      }
      if (rec.internal.netnsPath && rec.internal.attached.includes(net.Name)) {
        await this.d.network.detach(rec.inspect.Id, rec.internal.netnsPath, net.Name);
        rec.internal.attached = rec.internal.attached.filter((n) => n !== net.Name);
      }
      delete nets[net.Name];
      this.save(rec);
    });
    this.d.events.emit('network', 'disconnect', net.Id, { container: rec.inspect.Id, name: net.Name, type: net.Driver });
  }

  // ---- exec ----

  async execCreate(ref: string, req: ExecCreate): Promise<{ Id: string }> {
    const rec = this.get(ref);
    if (!rec.inspect.State.Running) throw conflict(`Container ${rec.inspect.Id} is not running`);
    if (rec.inspect.State.Paused) throw conflict(`Container ${rec.inspect.Id} is paused, unpause the container before exec`);
    if (!req?.Cmd?.length) throw badRequest('No exec command specified');
    const id = newId();
    this.execs.set(id, { id, containerId: rec.inspect.Id, config: req, running: false, exitCode: null, pid: 0, started: false });
    const ids = (rec.inspect.ExecIDs as string[] | null) ?? [];
    rec.inspect.ExecIDs = [...ids, id];
    this.emit(rec, `exec_create: ${req.Cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  private getExec(execId: string): ExecState {
    const e = this.execs.get(execId);
    if (!e) throw notFound(`No such exec instance: ${execId}`);
    return e;
  }

  async execStart(execId: string, opts: { detach?: boolean; tty?: boolean; streams?: AttachStreams; consoleSize?: [number, number] }, signal?: AbortSignal): Promise<void> {
    const ex = this.getExec(execId);
    if (ex.started) throw conflict(`Error: Exec command ${execId} has already run`);
    const rec = this.get(ex.containerId);
    if (!rec.inspect.State.Running) throw conflict(`Container ${rec.inspect.Id} is not running`);
    ex.started = true;
    const c = ex.config;
    const cfg = rec.inspect.Config as { User?: string; Env: string[]; WorkingDir?: string; Hostname: string };
    const hc = rec.inspect.HostConfig;
    const p = containerPaths(this.root, rec.inspect.Id);
    const tty = opts.tty ?? Boolean(c.Tty);
    const user = resolveUser(`/proc/${rec.inspect.State.Pid}/root`, c.User || cfg.User || '');
    const privileged = Boolean(c.Privileged || hc.Privileged);
    const proc = processSpec({
      args: c.Cmd,
      env: mergeEnv(cfg.Env ?? [], [...(tty ? ['TERM=xterm'] : []), ...(c.Env ?? [])]),
      cwd: c.WorkingDir || cfg.WorkingDir || '/',
      ...user,
      terminal: tty,
      caps: capabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], privileged),
      noNewPrivileges: !privileged,
      ulimits: hc.Ulimits ?? [],
    });
    const dir = join(p.execs, execId);
    mkdirSync(dir, { recursive: true });
    const withStdin = Boolean(c.AttachStdin && opts.streams?.stdin);
    let handle;
    try {
      handle = await this.d.runtime.exec({ containerId: rec.inspect.Id, execId, dir, process: proc, stdin: withStdin, terminal: tty });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      const e = toBosunError(err);
      const nf = /executable file not found|no such file or directory/.test(e.message);
      ex.exitCode = nf ? 127 : 126;
      throw new BosunError('BadRequest', `OCI runtime exec failed: exec failed: ${e.message}: unknown`, { cause: err });
    }
    ex.running = true;
    ex.pid = handle.pid;
    this.emit(rec, `exec_start: ${c.Cmd.join(' ')}`, { execID: execId });
    const size = opts.consoleSize ?? c.ConsoleSize;
    if (tty && size) await this.d.runtime.resize(execId, size[0], size[1]);
    const finished = handle.exited.then((code) => {
      ex.running = false;
      ex.exitCode = code;
      ex.pid = 0;
      this.emit(rec, 'exec_die', { execID: execId, exitCode: String(code) });
      return code;
    });
    if (!opts.streams) {
      void finished.then(() => rmSync(dir, { recursive: true, force: true }));
      return;
    }
    if (withStdin) void this.d.runtime.attachStdin(execId, opts.streams.stdin!);
    try {
      for await (const r of readLog(handle.logPath, { follow: true, done: finished, signal })) {
        if ((r.stream === 'stdout' && c.AttachStdout !== false) || (r.stream === 'stderr' && c.AttachStderr !== false)) {
          opts.streams.onOutput({ stream: r.stream, data: r.data, time: r.time });
        }
      }
    } finally {
      void finished.then(() => rmSync(dir, { recursive: true, force: true }));
    }
  }

  async execInspect(execId: string): Promise<ExecInspect> {
    const ex = this.getExec(execId);
    const c = ex.config;
    return {
      ID: ex.id,
      Running: ex.running,
      ExitCode: ex.exitCode,
      ProcessConfig: { tty: Boolean(c.Tty), entrypoint: c.Cmd[0], arguments: c.Cmd.slice(1), privileged: Boolean(c.Privileged), user: c.User ?? '' },
      OpenStdin: Boolean(c.AttachStdin),
      OpenStderr: Boolean(c.AttachStderr),
      OpenStdout: Boolean(c.AttachStdout),
      CanRemove: false,
      ContainerID: ex.containerId,
      DetachKeys: c.DetachKeys ?? '',
      Pid: ex.pid,
    };
  }

  async execResize(execId: string, height: number, width: number): Promise<void> {
    const ex = this.getExec(execId);
    if (!ex.running) throw conflict(`Exec ${execId} is not running`);
    await this.d.runtime.resize(execId, height, width);
  }

  // ---- open / close ----

  async open(): Promise<void> {
    // Directories without a record are creates that never finished.
    const records = loadRecords(this.root);
    const known = new Set(records.map((r) => r.inspect.Id));
    for (const r of records) this.recs.set(r.inspect.Id, r);
    for (const dir of readdirSync(this.root)) {
      if (known.has(dir)) continue;
      await unmountRootfs(containerPaths(this.root, dir).rootfs).catch(() => undefined);
      await this.d.images.removeRootfs(dir).catch(() => undefined);
      rmSync(join(this.root, dir), { recursive: true, force: true });
    }
    const inRuntime = new Set(await this.d.runtime.list());
    // runc containers without any record (a remove cut short): nothing will ever manage them. The
    // runc root is shared with the node agent's pod sandboxes and containers, which outlive a
    // server restart for the next agent to re-adopt: only what was made from our bundles is ours.
    for (const id of inRuntime) {
      if (known.has(id)) continue;
      const bundle = (await this.d.runtime.state(id))?.bundle;
      if (bundle && !bundle.startsWith(this.root + '/')) continue;
      await this.d.runtime.delete(id, true).catch(() => undefined);
    }
    for (const rec of records) {
      const id = rec.inspect.Id;
      await this.locked(id, async () => {
        const st = rec.inspect.State;
        if (!st.Running && (inRuntime.has(id) || rec.internal.netnsPath)) {
          // A start cut short by a crash (conmon and runc already made it, the record not yet
          // running): undo it so the container is plainly "created" again.
          await this.releaseRuntime(rec).catch(() => undefined);
          this.save(rec);
        }
        if (st.Status === 'removing') {
          await this.doRemove(rec, false);
          return;
        }
        if (st.Running) {
          const code = this.d.runtime.exitCode(id);
          if (code !== undefined) {
            await this.handleExit(id, code);
            return;
          }
          if (this.d.runtime.monitorPid(id) !== undefined) {
            // Live restore: conmon kept it; the exit watch reports its end.
            const state = await this.d.runtime.state(id);
            if (state?.status === 'paused') Object.assign(st, { Status: 'paused', Paused: true });
            else if (state) Object.assign(st, { Status: 'running', Paused: false });
            this.startHealth(rec);
            this.save(rec);
            return;
          }
          // Neither monitor nor exit file (the host rebooted, say): the process is gone.
          await this.handleExit(id, 255);
          return;
        }
        if (st.Restarting) {
          Object.assign(st, { Status: 'exited', Restarting: false });
          this.save(rec);
        }
        const policy = rec.inspect.HostConfig.RestartPolicy?.Name;
        // A daemon start restarts "always" containers even if the user stopped them; "unless-stopped" only if not.
        const restart = policy === 'always' || (policy === 'unless-stopped' && !rec.internal.manuallyStopped) || (policy === 'on-failure' && !rec.internal.manuallyStopped && st.ExitCode !== 0 && !st.FinishedAt.startsWith('0001') && rec.inspect.State.Status === 'exited' && (!rec.inspect.HostConfig.RestartPolicy?.MaximumRetryCount || (rec.inspect.RestartCount as number) < rec.inspect.HostConfig.RestartPolicy.MaximumRetryCount));
        if (restart && !st.FinishedAt.startsWith('0001')) {
          rec.internal.manuallyStopped = false;
          await this.doStart(rec).catch((err) => console.error(`container ${id.slice(0, 12)}: restart at open: ${(err as Error).message}`));
        }
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.health.keys()]) this.stopHealth(id);
    for (const t of this.restartTimers.values()) clearTimeout(t);
    this.restartTimers.clear();
    await Promise.all([...this.locks.values()]);
    await this.settled();
    this.d.runtime.close();
  }
}
