/**
 * An in-memory Engine for the daemon's own tests: enough behaviour to drive the real clients
 * through the wire protocol (attach before start, stdin EOF, exit codes, wait conditions, logs that
 * outlive the process) without runc. Commands it "runs": `echo ARGS…`, `cat` (stdin to stdout),
 * `fail N` (writes "out" and "err", exits N), `sleep` (runs until stopped).
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflict, notFound, BosunError } from '../../errors/index.js';
import { EngineEvents } from '../events.js';
import type { AttachStreams, ContainerInspect, ContainerManager, ContainerSummary, CreateRequest, ExecInspect, LogOptions, OutputChunk } from '../containers/types.js';
import type { Image, ImageStore } from '../images/types.js';
import type { Network, NetworkRecord } from '../network/types.js';
import type { VolumeRecord, VolumeStore } from '../volumes/types.js';
import type { DaemonEngine } from './context.js';

const hex = () => randomBytes(32).toString('hex');

interface FakeContainer {
  inspect: ContainerInspect;
  log: OutputChunk[];
  listeners: Set<(c: OutputChunk) => void>;
  stdin: Buffer[];
  stdinEnded: boolean;
  stdinWake?: () => void;
  exitWaiters: Array<() => void>;
  removeWaiters: Array<() => void>;
  removed: boolean;
}

function unsupported(what: string): never {
  throw new BosunError('Internal', `fake engine: ${what} is not modelled`);
}

export class FakeContainers implements Partial<ContainerManager> {
  readonly byId = new Map<string, FakeContainer>();
  constructor(private readonly events: EngineEvents, private readonly images: FakeImages) {}

  private find(ref: string): FakeContainer {
    const r = ref.replace(/^\//, '');
    for (const c of this.byId.values()) if (c.inspect.Id === r || c.inspect.Name === `/${r}`) return c;
    const hits = [...this.byId.values()].filter((c) => c.inspect.Id.startsWith(r));
    if (hits.length === 1) return hits[0];
    throw notFound(`No such container: ${ref}`);
  }

  async create(name: string | undefined, req: CreateRequest) {
    const img = await this.images.get(req.Image);
    if (name && [...this.byId.values()].some((c) => c.inspect.Name === `/${name}`)) {
      throw conflict(`Conflict. The container name "/${name}" is already in use by container "x". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    const id = hex();
    const cmd = (typeof req.Cmd === 'string' ? [req.Cmd] : req.Cmd) ?? img.config.Cmd ?? [];
    const inspect: ContainerInspect = {
      Id: id,
      Name: `/${name ?? `fake_${id.slice(0, 6)}`}`,
      Created: new Date().toISOString(),
      Path: cmd[0] ?? '',
      Args: cmd.slice(1),
      Image: img.id,
      State: { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: '', FinishedAt: '' },
      Config: { ...req, Cmd: cmd, Tty: Boolean(req.Tty), Image: req.Image, Labels: req.Labels ?? {} },
      HostConfig: req.HostConfig ?? {},
      NetworkSettings: { Networks: {} },
    };
    this.byId.set(id, { inspect, log: [], listeners: new Set(), stdin: [], stdinEnded: false, exitWaiters: [], removeWaiters: [], removed: false });
    this.events.emit('container', 'create', id, { name: inspect.Name.slice(1), image: req.Image });
    return { Id: id, Warnings: [] };
  }

  async inspect(ref: string) {
    return this.find(ref).inspect;
  }

  async list(opts: { all?: boolean }) {
    const out: ContainerSummary[] = [];
    for (const c of this.byId.values()) {
      if (!opts.all && !c.inspect.State.Running) continue;
      out.push({ Id: c.inspect.Id, Names: [c.inspect.Name], Image: String(c.inspect.Config.Image), ImageID: c.inspect.Image, Command: [c.inspect.Path, ...(c.inspect.Args as string[])].join(' '), Created: 0, State: c.inspect.State.Status, Status: c.inspect.State.Status, Ports: [], Labels: c.inspect.Config.Labels as Record<string, string> });
    }
    return out;
  }

  private emit(c: FakeContainer, stream: 'stdout' | 'stderr', text: string) {
    const chunk = { stream, data: Buffer.from(text), time: new Date().toISOString() };
    c.log.push(chunk);
    for (const l of c.listeners) l(chunk);
  }

  private exit(c: FakeContainer, code: number) {
    Object.assign(c.inspect.State, { Status: 'exited', Running: false, ExitCode: code, FinishedAt: new Date().toISOString() });
    this.events.emit('container', 'die', c.inspect.Id, { exitCode: String(code) });
    for (const w of c.exitWaiters.splice(0)) w();
    if (c.inspect.HostConfig.AutoRemove) void this.remove(c.inspect.Id, { force: true });
  }

  async start(ref: string) {
    const c = this.find(ref);
    if (c.inspect.State.Running) throw new BosunError('NotModified', 'container already started');
    Object.assign(c.inspect.State, { Status: 'running', Running: true, Pid: 4242, StartedAt: new Date().toISOString() });
    this.events.emit('container', 'start', c.inspect.Id, { name: c.inspect.Name.slice(1) });
    const [cmd, ...args] = c.inspect.Config.Cmd as string[];
    setImmediate(async () => {
      if (cmd === 'echo') {
        this.emit(c, 'stdout', args.join(' ') + '\n');
        this.exit(c, 0);
      } else if (cmd === 'fail') {
        this.emit(c, 'stdout', 'out\n');
        this.emit(c, 'stderr', 'err\n');
        this.exit(c, Number(args[0] ?? 1));
      } else if (cmd === 'cat') {
        for (;;) {
          while (c.stdin.length) this.emit(c, 'stdout', c.stdin.shift()!.toString());
          if (c.stdinEnded || !c.inspect.State.Running) break;
          await new Promise<void>((r) => (c.stdinWake = r));
        }
        if (c.inspect.State.Running) this.exit(c, 0);
      }
    });
  }

  async stop(ref: string) {
    const c = this.find(ref);
    if (!c.inspect.State.Running) throw new BosunError('NotModified', 'container already stopped');
    this.exit(c, 137);
    c.stdinWake?.();
  }

  async kill(ref: string) {
    const c = this.find(ref);
    if (!c.inspect.State.Running) throw conflict(`Cannot kill container: ${ref}: container is not running`);
    this.exit(c, 137);
    c.stdinWake?.();
  }

  async remove(ref: string, opts: { force?: boolean } = {}) {
    const c = this.find(ref);
    if (c.inspect.State.Running && !opts.force) throw conflict(`cannot remove container "${c.inspect.Name}": container is running: stop the container before removing or force remove`);
    if (c.inspect.State.Running) this.exit(c, 137);
    this.byId.delete(c.inspect.Id);
    c.removed = true;
    this.events.emit('container', 'destroy', c.inspect.Id, {});
    for (const w of c.removeWaiters.splice(0)) w();
  }

  async wait(ref: string, condition: 'not-running' | 'next-exit' | 'removed' = 'not-running', signal?: AbortSignal) {
    const c = this.find(ref);
    const done = () => ({ StatusCode: c.inspect.State.ExitCode, Error: null });
    if (condition === 'not-running' && !c.inspect.State.Running) return done();
    await new Promise<void>((resolve, reject) => {
      (condition === 'removed' ? c.removeWaiters : c.exitWaiters).push(resolve);
      signal?.addEventListener('abort', () => reject(new BosunError('Unavailable', 'client went away')));
    });
    return done();
  }

  async *logs(ref: string, opts: LogOptions, signal?: AbortSignal): AsyncIterable<OutputChunk> {
    const c = this.find(ref);
    const want = (k: OutputChunk) => (k.stream === 'stdout' ? opts.stdout : opts.stderr);
    const backlog = c.log.filter(want);
    yield* opts.tail === 'all' || opts.tail === undefined ? backlog : backlog.slice(-opts.tail);
    if (!opts.follow || !c.inspect.State.Running) return;
    const queue: OutputChunk[] = [];
    let wake: (() => void) | undefined;
    const l = (k: OutputChunk) => { if (want(k)) queue.push(k); wake?.(); };
    c.listeners.add(l);
    c.exitWaiters.push(() => wake?.());
    signal?.addEventListener('abort', () => wake?.());
    try {
      while (!signal?.aborted) {
        while (queue.length) yield queue.shift()!;
        if (!c.inspect.State.Running) return;
        await new Promise<void>((r) => (wake = r));
      }
    } finally {
      c.listeners.delete(l);
    }
  }

  async attach(ref: string, streams: AttachStreams, signal?: AbortSignal) {
    const c = this.find(ref);
    c.listeners.add(streams.onOutput);
    streams.stdin?.on('data', (d: Buffer) => { c.stdin.push(d); c.stdinWake?.(); });
    streams.stdin?.on('end', () => { c.stdinEnded = true; c.stdinWake?.(); });
    try {
      if (c.inspect.State.Status === 'exited') return;
      await new Promise<void>((resolve) => {
        c.exitWaiters.push(resolve);
        signal?.addEventListener('abort', () => resolve());
      });
    } finally {
      c.listeners.delete(streams.onOutput);
    }
  }

  async resize() {}

  async stats(ref: string) {
    const c = this.find(ref);
    return { read: new Date().toISOString(), id: c.inspect.Id, name: c.inspect.Name, cpu_stats: { cpu_usage: { total_usage: 1 }, system_cpu_usage: 1, online_cpus: 1 }, memory_stats: { usage: 1, limit: 2 } };
  }

  private readonly execs = new Map<string, ExecInspect>();

  async execCreate(ref: string, req: { Cmd: string[]; Tty?: boolean; AttachStdin?: boolean }) {
    const c = this.find(ref);
    if (!c.inspect.State.Running) throw conflict(`container ${c.inspect.Id} is not running`);
    const id = hex();
    this.execs.set(id, { ID: id, Running: false, ExitCode: null, Pid: 0, ContainerID: c.inspect.Id, OpenStdin: Boolean(req.AttachStdin), ProcessConfig: { tty: Boolean(req.Tty), entrypoint: req.Cmd[0], arguments: req.Cmd.slice(1) } });
    return { Id: id };
  }

  async execInspect(id: string) {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  async execStart(id: string, opts: { streams?: AttachStreams }) {
    const e = await this.execInspect(id);
    const pc = e.ProcessConfig as { entrypoint: string; arguments: string[] };
    e.Running = true;
    if (pc.entrypoint === 'cat' && opts.streams?.stdin) {
      for await (const d of opts.streams.stdin) opts.streams.onOutput({ stream: 'stdout', data: d as Buffer });
    } else if (pc.entrypoint === 'fail') {
      opts.streams?.onOutput({ stream: 'stderr', data: Buffer.from('bad\n') });
      Object.assign(e, { Running: false, ExitCode: Number(pc.arguments[0] ?? 1) });
      return;
    } else {
      opts.streams?.onOutput({ stream: 'stdout', data: Buffer.from(pc.arguments.join(' ') + '\n') });
    }
    Object.assign(e, { Running: false, ExitCode: 0 });
  }

  async execResize() {}
}

export class FakeImages implements Partial<ImageStore> {
  readonly images: Image[] = [{
    id: `sha256:${'b'.repeat(64)}`,
    repoTags: ['busybox:latest', 'localhost:5000/x/y:v1'],
    repoDigests: [],
    manifestDigest: `sha256:${'c'.repeat(64)}`,
    created: '2026-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    size: 1234,
    config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
    history: [],
    diffIds: [`sha256:${'d'.repeat(64)}`],
  }];

  async list() {
    return this.images;
  }

  async get(ref: string) {
    const full = ref.includes(':') && !ref.startsWith('sha256:') ? ref : ref.startsWith('sha256:') ? ref : `${ref}:latest`;
    const hit = this.images.find((i) => i.repoTags.includes(full) || i.id === full || i.id.slice(7).startsWith(ref));
    if (!hit) throw notFound(`No such image: ${full}`);
    return hit;
  }

  async tag(ref: string, newRef: string) {
    (await this.get(ref)).repoTags.push(newRef.includes(':') ? newRef : `${newRef}:latest`);
  }

  async importTar(tar: Readable) {
    for await (const _ of tar) void _;
    return this.images[0];
  }
}

export class FakeNetwork implements Partial<Network> {
  readonly nets: NetworkRecord[] = [{ Id: 'a'.repeat(64), Name: 'bridge', Created: '2026-01-01T00:00:00Z', Scope: 'local', Driver: 'bridge', EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false, Options: {}, Labels: {} }];

  async list() {
    return this.nets;
  }

  async get(ref: string) {
    const n = this.nets.find((x) => x.Name === ref || x.Id.startsWith(ref));
    if (!n) throw notFound(`network ${ref} not found`);
    return n;
  }

  async create(name: string, opts: { labels?: Record<string, string> } = {}) {
    if (this.nets.some((n) => n.Name === name)) throw conflict(`network with name ${name} already exists`);
    const n: NetworkRecord = { ...this.nets[0], Id: hex(), Name: name, Created: new Date().toISOString(), Labels: opts.labels ?? {} };
    this.nets.push(n);
    return n;
  }
}

export class FakeVolumes implements Partial<VolumeStore> {
  readonly vols = new Map<string, VolumeRecord>();

  async list() {
    return [...this.vols.values()];
  }

  async get(name: string) {
    const v = this.vols.get(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  async create(name: string | undefined, opts: { labels?: Record<string, string> } = {}) {
    const n = name ?? hex();
    const v: VolumeRecord = this.vols.get(n) ?? { Name: n, Driver: 'local', Mountpoint: `/fake/${n}/_data`, CreatedAt: new Date().toISOString(), Labels: opts.labels ?? {}, Options: {}, Scope: 'local' };
    this.vols.set(n, v);
    return v;
  }

  async remove(name: string) {
    await this.get(name);
    this.vols.delete(name);
  }
}

/** Methods the fakes do not model answer with an Internal error naming themselves. */
function complete<T extends object>(partial: object): T {
  return new Proxy(partial, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (v !== undefined || typeof prop !== 'string') return typeof v === 'function' ? v.bind(target) : v;
      return () => unsupported(prop);
    },
  }) as T;
}

export function fakeEngine(): DaemonEngine & { fakeContainers: FakeContainers } {
  const events = new EngineEvents();
  const images = new FakeImages();
  const fakeContainers = new FakeContainers(events, images);
  return {
    images: complete<ImageStore>(images),
    network: complete<Network>(new FakeNetwork()),
    volumes: complete<VolumeStore>(new FakeVolumes()),
    containers: complete<ContainerManager>(fakeContainers),
    events,
    fakeContainers,
  };
}
