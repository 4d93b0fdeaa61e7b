/**
 * One pod's lifecycle on this node. `update(pod)` hands in the latest object (null once it is
 * gone from the API); `sync` runs level-based and one at a time per pod, from the pod object and
 * the worker's record: sandbox, then init containers in order, then app containers, restarts with
 * CrashLoopBackOff, termination for deletion or a finished pod, and the status to report.
 * Container exits arrive from the runtime's exit notifications (no polling), re-enter `sync`, and
 * timers exist only for back-offs and probes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BosunError, isKind } from '../errors/index.js';
import type { KObject } from '../api/index.js';
import { resources } from '../client/index.js';
import type { ControllerClient, EventSink } from '../controllers/framework/index.js';
import type { Image, ImageStore } from '../engine/images/index.js';
import type { Runtime } from '../engine/runtime/index.js';
import { readLog } from '../engine/runtime/index.js';
import type { Instance } from '../server/instance.js';
import { BACKOFF_MAX_SEC, backoffOnExit, backoffOnRestart, backoffRemaining } from './backoff.js';
import { containerSpec } from './container-spec.js';
import { containerEnv, ObjectSource } from './env.js';
import type { ContainerRecord, KubeletLayout, PodRecord } from './layout.js';
import { podStatus } from './pod-status.js';
import { ContainerProber, runHandler, type ProbeTarget } from './probes.js';
import { imageUserTables, unmountRootfs } from './rootfs.js';
import { createSandbox, newId, podCgroup, removePodCgroup, removeSandbox, sandboxAlive, type SandboxDeps } from './sandbox.js';
import type { StatusWriter } from './status-writer.js';
import type { Container, Pod, PodStatus } from './types.js';
import { prepareVolumes, tearDownVolumes } from './volumes.js';
import { serviceEnv } from './service-env.js';

const stamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const CGROUP_ROOT = '/sys/fs/cgroup';

export interface WorkerDeps extends SandboxDeps {
  client: ControllerClient;
  images: ImageStore;
  events: EventSink;
  status: StatusWriter;
  hostIP: string;
  allocatable: Record<string, string>;
  backoffInitialSec: number;
  /** Every Service the agent knows (for the containers' Service variables). */
  services(): KObject[];
  /** Pulls an image from a registry; absent while Bosun has no registry client. */
  pull?: (ref: string) => Promise<Image>;
  /** Limits how many pods create sandboxes and containers at once (2 cores: avoid thrashing). */
  startSlots: Semaphore;
  /** Routes runtime exits: the kubelet maps runtime IDs to workers. */
  track(id: string, w: PodWorker | undefined): void;
  forgetWorker(uid: string): void;
  log(msg: string): void;
}

export class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

const podRef = (pod: Pod): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata });
const key = (c: Container, init: boolean) => `${init ? 'init' : 'app'}:${c.name}`;

/** Errors with a waiting reason of their own (ErrImagePull, CreateContainerConfigError, …). */
class WaitingError extends Error {
  constructor(readonly reason: string, message: string, readonly eventReason = 'Failed') {
    super(message);
  }
}

export class PodWorker {
  pod: Pod | null = null;
  readonly rec: PodRecord;
  private readonly probers = new Map<string, ContainerProber>();
  private readonly exitWaiters = new Map<string, () => void>();
  private readonly exitListeners = new Map<string, Array<() => void>>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private sandboxDead = false;
  private removed = false;
  private lastBackoffEvent = new Map<string, number>();

  constructor(private readonly d: WorkerDeps, rec: PodRecord) {
    this.rec = rec;
  }

  get uid(): string {
    return this.rec.uid;
  }

  private get statusKey(): string {
    return `${this.rec.namespace}/${this.rec.name}`;
  }

  /** The status writer's key: the uid, so a recreated pod of the same name is another entry. */
  private get writerKey(): string {
    return this.rec.uid;
  }

  // ---- re-adoption ------------------------------------------------------------------------

  /** A record found on disk at agent start: track what still runs, settle what ended meanwhile. */
  async adopt(): Promise<void> {
    // Creations cut short by a crash: whatever of them exists goes, sync makes them anew.
    if (this.rec.pendingSandbox) {
      await removeSandbox(this.uid, { id: this.rec.pendingSandbox, netns: '', ip: '' }, this.d);
      this.rec.pendingSandbox = undefined;
    }
    for (const r of Object.values(this.rec.containers)) {
      if (!r.pendingId) continue;
      await this.removeInstance(r.pendingId);
      r.pendingId = undefined;
    }
    if (this.rec.sandbox) {
      this.d.track(this.rec.sandbox.id, this);
      if ((await sandboxAlive(this.d, this.rec.sandbox)) === undefined) this.sandboxDead = true;
    }
    for (const r of Object.values(this.rec.containers)) {
      if (r.phase !== 'running' || !r.id) continue;
      this.d.track(r.id, this);
      const code = this.d.runtime.exitCode(r.id);
      if (code !== undefined) await this.recordExit(r, code);
      else if (this.d.runtime.monitorPid(r.id) === undefined) await this.recordExit(r, 255);
    }
  }

  // ---- inputs -----------------------------------------------------------------------------

  update(pod: Pod | null): void {
    this.pod = pod;
    this.kick();
  }

  kick(): void {
    if (this.removed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      do {
        this.again = false;
        try {
          await this.sync();
        } catch (err) {
          this.d.log(`pod ${this.statusKey}: sync failed: ${(err as Error).message}`);
          this.wakeIn(2000);
        }
      } while (this.again && !this.removed);
      this.running = false;
    })();
  }

  /** Runtime exit notification for a container or the sandbox of this pod. */
  onExit(id: string, code: number): void {
    if (this.rec.sandbox?.id === id) {
      this.sandboxDead = true;
      this.exitWaiters.get(id)?.();
      this.kick();
      return;
    }
    const r = Object.values(this.rec.containers).find((x) => x.id === id && x.phase === 'running');
    if (!r) return;
    void this.recordExit(r, code).then(() => {
      this.exitWaiters.get(id)?.();
      this.kick();
    }, (err) => this.d.log(`pod ${this.statusKey}: exit of ${r.name}: ${(err as Error).message}`));
  }

  private wakeIn(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.kick(); }, ms);
  }

  private save(): void {
    if (!this.removed) this.d.layout.save(this.rec);
  }

  private markStatus(): void {
    if (!this.pod || this.removed) return;
    this.d.status.mark(this.writerKey, { namespace: this.rec.namespace, name: this.rec.name, status: () => this.currentStatus() });
  }

  currentStatus(): PodStatus | undefined {
    if (!this.pod || this.removed) return undefined;
    return podStatus({ pod: this.pod, rec: this.rec, hostIP: this.d.hostIP });
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.pod) this.d.events.event(podRef(this.pod), type, reason, message);
  }

  // ---- the sync loop ----------------------------------------------------------------------

  private async sync(): Promise<void> {
    const pod = this.pod;
    if (!pod || pod.metadata.deletionTimestamp) {
      await this.terminate(pod ? pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30 : 0);
      await this.finishDeletion(pod);
      return;
    }
    if (pod.metadata.uid !== this.rec.uid) return;
    if (this.rec.terminated) {
      this.markStatus();
      return;
    }
    this.rec.startTime ??= stamp();

    if (this.sandboxDead && this.rec.sandbox) {
      // The pause process died: its namespaces are gone, so every container restarts in a new one.
      await this.stopAll(0);
      await removeSandbox(this.uid, this.rec.sandbox, this.d);
      this.d.track(this.rec.sandbox.id, undefined);
      this.rec.sandbox = undefined;
      this.sandboxDead = false;
      this.save();
    }
    if (!this.rec.sandbox) {
      try {
        const id = newId();
        this.rec.pendingSandbox = id;
        this.save();
        const sb = await this.d.startSlots.run(() => createSandbox(pod, this.d, id));
        this.rec.pendingSandbox = undefined;
        this.rec.sandbox = sb;
        this.rec.lastIP = sb.ip;
        this.d.track(sb.id, this);
        this.save();
      } catch (err) {
        this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
        this.markStatus();
        this.wakeIn(5000);
        return;
      }
    }

    const policy = pod.spec.restartPolicy ?? 'Always';
    let next = Infinity;
    const initsDone = await this.syncInit(pod, policy, (ms) => { next = Math.min(next, ms); });
    if (initsDone && !this.rec.terminated) {
      for (const c of pod.spec.containers) {
        const wait = await this.syncContainer(pod, c, false, policy);
        if (wait > 0) next = Math.min(next, wait);
      }
      const apps = pod.spec.containers.map((c) => this.rec.containers[key(c, false)]);
      const allDone = apps.every((r) => r?.phase === 'exited' && !this.shouldRestart(r, policy));
      if (allDone) await this.finishPod();
    }
    if (next !== Infinity) this.wakeIn(next);
    this.save();
    this.markStatus();
  }

  /** True when every init container has succeeded. */
  private async syncInit(pod: Pod, policy: string, wake: (ms: number) => void): Promise<boolean> {
    for (const c of pod.spec.initContainers ?? []) {
      const r = this.rec.containers[key(c, true)];
      if (r?.phase === 'exited' && r.exitCode === 0) continue;
      if (r?.phase === 'running') return false;
      if (r?.phase === 'exited' && policy === 'Never') {
        await this.finishPod();
        return false;
      }
      const wait = await this.syncContainer(pod, c, true, policy === 'Never' ? 'Never' : 'OnFailure');
      if (wait > 0) wake(wait);
      return false;
    }
    return true;
  }

  private shouldRestart(r: ContainerRecord, policy: string): boolean {
    return policy === 'Always' || (policy === 'OnFailure' && r.exitCode !== 0);
  }

  /** Starts or restarts one container if it should run; returns ms until it should be looked at again. */
  private async syncContainer(pod: Pod, c: Container, init: boolean, policy: string): Promise<number> {
    const k = key(c, init);
    let r = this.rec.containers[k];
    if (r?.phase === 'running' && r.image !== (c.image ?? '') && !init) {
      // The image is the one mutable field of a container: a new one means a new container.
      this.event('Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
      await this.stopContainer(r, c, pod.spec.terminationGracePeriodSeconds ?? 30, true);
      r.backoffUntil = undefined;
      r.backoffSec = undefined;
    }
    if (r?.phase === 'running') return 0;
    if (r?.phase === 'exited' && !this.shouldRestart(r, policy) && r.image === (c.image ?? '')) return 0;
    if (r) {
      const wait = backoffRemaining(r);
      if (wait > 0) {
        if (r.phase === 'exited') this.enterBackoff(r, 'CrashLoopBackOff', `back-off ${r.backoffSec}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
        return wait;
      }
    }
    if (!r) {
      r = { name: c.name, init, phase: 'waiting', reason: 'ContainerCreating', restartCount: 0, image: c.image ?? '', imageID: '', ready: false, started: false };
      this.rec.containers[k] = r;
    }
    try {
      await this.d.startSlots.run(() => this.startContainer(pod, c, r!));
      backoffOnRestart(r);
      return 0;
    } catch (err) {
      const w = err instanceof WaitingError ? err : new WaitingError(err instanceof BosunError && err.kind === 'Invalid' ? 'CreateContainerError' : 'RunContainerError', (err as Error).message);
      // The kubelet prefixes "Error: " only to container start failures; pull and mount events read as-is.
      const plain = w.eventReason !== 'Failed' || w.reason === 'ErrImagePull' || w.reason === 'ImagePullBackOff';
      this.event('Warning', w.eventReason, plain ? w.message : `Error: ${w.message}`);
      // Failed starts (image pulls, config errors) back off the same way, doubling each time.
      r.backoffSec = r.backoffSec === undefined ? this.d.backoffInitialSec : Math.min(r.backoffSec * 2, BACKOFF_MAX_SEC);
      r.backoffUntil = Date.now() + r.backoffSec * 1000;
      if (r.phase !== 'exited') {
        r.phase = 'waiting';
        r.reason = w.reason;
        r.message = w.message;
      }
      return backoffRemaining(r);
    }
  }

  private enterBackoff(r: ContainerRecord, reason: string, message: string): void {
    // The exited instance becomes lastState; the container waits until its back-off ends.
    this.retire(r);
    r.phase = 'waiting';
    r.reason = reason;
    r.message = message;
    const last = this.lastBackoffEvent.get(r.name) ?? 0;
    if (Date.now() - last > 1000) {
      this.lastBackoffEvent.set(r.name, Date.now());
      this.event('Warning', 'BackOff', 'Back-off restarting failed container');
    }
  }

  /** Moves an exited instance into lastState. */
  private retire(r: ContainerRecord): void {
    if (r.phase !== 'exited') return;
    r.last = { exitCode: r.exitCode ?? 0, reason: r.reason, startedAt: r.startedAt, finishedAt: r.finishedAt, containerID: r.id ? `bosun://${r.id}` : undefined, ...(r.message ? { message: r.message } : {}) };
    r.id = undefined;
    r.message = undefined;
  }

  private async resolveImage(c: Container, r: ContainerRecord): Promise<Image> {
    const ref = c.image ?? '';
    if (!ref) throw new WaitingError('InvalidImageName', `Failed to apply default image tag "": couldn't parse image name "": invalid reference format`, 'InspectFailed');
    const tag = ref.includes('@') ? 'digest' : (ref.split('/').pop()!.split(':')[1] ?? 'latest');
    const policy = c.imagePullPolicy ?? (tag === 'latest' ? 'Always' : 'IfNotPresent');
    let local: Image | undefined;
    try {
      local = await this.d.images.get(ref);
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw new WaitingError('InvalidImageName', `Failed to inspect image "${ref}": ${(err as Error).message}`, 'InspectFailed');
    }
    const pullFailed = (why: string) => {
      // A second failure in a row is reported the way kubectl users know: ImagePullBackOff.
      const reason = r.reason === 'ErrImagePull' || r.reason === 'ImagePullBackOff' ? 'ImagePullBackOff' : 'ErrImagePull';
      if (reason === 'ImagePullBackOff') this.event('Warning', 'BackOff', `Back-off pulling image "${ref}"`);
      return new WaitingError(reason, `Failed to pull image "${ref}": ${why}`);
    };
    if (policy === 'Never') {
      if (!local) throw new WaitingError('ErrImageNeverPull', `Container image "${ref}" is not present with pull policy of Never`, 'ErrImageNeverPull');
      this.event('Normal', 'Pulled', `Container image "${ref}" already present on machine`);
      return local;
    }
    if (policy === 'IfNotPresent' && local) {
      this.event('Normal', 'Pulled', `Container image "${ref}" already present on machine`);
      return local;
    }
    if (!this.d.pull) {
      throw pullFailed(local
        ? `imagePullPolicy is Always but no registry is configured to pull from; the image exists only in the node's local store (use imagePullPolicy: IfNotPresent or Never)`
        : `image not found in the node's local store and no registry is configured to pull from`);
    }
    this.event('Normal', 'Pulling', `Pulling image "${ref}"`);
    const started = Date.now();
    try {
      const img = await this.d.pull(ref);
      this.event('Normal', 'Pulled', `Successfully pulled image "${ref}" in ${Date.now() - started}ms`);
      return img;
    } catch (err) {
      throw pullFailed((err as Error).message);
    }
  }

  private probeTarget(r: ContainerRecord): ProbeTarget {
    return {
      podIP: this.rec.sandbox?.ip ?? '',
      exec: (argv, timeoutMs) => this.execIn(r, argv, timeoutMs),
    };
  }

  /** Runs argv inside a container with its process settings; output is the exec's log text. */
  async execIn(r: ContainerRecord, argv: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
    if (!r.id) throw new BosunError('Conflict', `container ${r.name} is not running`);
    const bundle = this.d.layout.containerBundle(this.uid, r.id);
    const proc = (JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { process: Record<string, unknown> }).process;
    const execId = newId();
    const dir = join(bundle, 'exec', execId);
    mkdirSync(dir, { recursive: true });
    try {
      const h = await this.d.runtime.exec({ containerId: r.id, execId, dir, process: { ...proc, args: argv, terminal: false }, stdin: false, terminal: false });
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([h.exited, new Promise<number>((resolve) => {
        timer = setTimeout(() => { try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ } resolve(-1); }, timeoutMs);
      })]);
      clearTimeout(timer);
      let output = '';
      for await (const rec of readLog(h.logPath, { follow: false })) if (output.length < 4096) output += rec.data.toString('utf8');
      return { code, output: code === -1 ? `command timed out after ${timeoutMs / 1000}s` : output };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async startContainer(pod: Pod, c: Container, r: ContainerRecord): Promise<void> {
    const sb = this.rec.sandbox!;
    const pausePid = await sandboxAlive(this.d, sb);
    if (pausePid === undefined) {
      this.sandboxDead = true;
      throw new BosunError('Conflict', 'the pod sandbox is not running');
    }
    const image = await this.resolveImage(c, r);
    const src = new ObjectSource(this.d.client, pod.metadata.namespace);
    const rt = { podIP: sb.ip, hostIP: this.d.hostIP };
    let volumes: Map<string, string>;
    try {
      volumes = await prepareVolumes({ pod, layout: this.d.layout, src, rt, allocatable: this.d.allocatable, client: this.d.client });
    } catch (err) {
      throw new WaitingError('ContainerCreating', (err as Error).message, 'FailedMount');
    }
    let env: Map<string, string>;
    try {
      // Service variables come first: the container's own env may use and override them.
      env = serviceEnv(pod.metadata.namespace, pod.spec.enableServiceLinks !== false, this.d.services());
      for (const [k, v] of await containerEnv(pod, c, src, rt, this.d.allocatable, env)) env.set(k, v);
    } catch (err) {
      throw new WaitingError('CreateContainerConfigError', (err as Error).message);
    }

    const id = newId();
    const bundle = this.d.layout.containerBundle(this.uid, id);
    const rootfs = join(bundle, 'rootfs');
    // Any earlier instance (exited now, or already moved to lastState) makes this one a restart.
    const restartCount = r.phase === 'exited' || r.last ? r.restartCount + 1 : r.restartCount;
    const logPath = this.d.layout.log(this.uid, c.name, restartCount);
    const undo: Array<() => Promise<unknown>> = [];
    try {
      r.pendingId = id;
      this.save();
      undo.push(async () => { r.pendingId = undefined; });
      mkdirSync(bundle, { recursive: true });
      undo.push(async () => rmSync(bundle, { recursive: true, force: true }));
      const mounts = await this.d.images.prepareRootfs(id, image.id);
      undo.push(() => this.d.images.removeRootfs(id));
      mkdirSync(rootfs);
      const users = await imageUserTables(image.id, mounts, rootfs);
      let spec: Record<string, unknown>;
      try {
        spec = containerSpec({
          pod, container: c, image, env, rootfs, rootMounts: mounts, users, netns: sb.netns, pausePid,
          cgroupsPath: `/${podCgroup(this.d.instance, this.uid)}/${id}`, volumes,
          etc: { hosts: this.d.layout.etcFile(this.uid, 'etc-hosts'), resolv: this.d.layout.etcFile(this.uid, 'resolv.conf'), hostname: this.d.layout.etcFile(this.uid, 'hostname') },
          terminationLog: join(bundle, 'termination-log'),
        });
      } catch (err) {
        throw new WaitingError('CreateContainerConfigError', (err as Error).message);
      }
      writeFileSync(join(bundle, 'termination-log'), '', { mode: 0o666 });
      writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
      mkdirSync(join(logPath, '..'), { recursive: true });
      rmSync(logPath, { force: true });
      this.d.track(id, this);
      undo.push(async () => this.d.track(id, undefined));
      await this.d.runtime.create({ id, bundle, logPath, stdin: Boolean(c.stdin), stdinOnce: Boolean(c.stdinOnce), terminal: Boolean(c.tty) });
      undo.push(() => this.d.runtime.delete(id, true));
      this.event('Normal', 'Created', `Created container ${c.name}`);
      // From here an exit notification may arrive at any time: the record must say running first.
      this.retire(r);
      Object.assign(r, {
        id, pendingId: undefined, phase: 'running', reason: undefined, message: undefined, exitCode: undefined, finishedAt: undefined,
        startedAt: stamp(), restartCount, image: c.image ?? '', imageID: image.repoDigests[0] ?? image.id, ready: false, started: false,
      });
      try {
        await this.d.runtime.start(id);
      } catch (err) {
        if (this.d.runtime.exitCode(id) === undefined) throw err;
        // It started and already exited: the exit notification settles it.
      }
    } catch (err) {
      for (const u of undo.reverse()) await u().catch(() => undefined);
      if (r.id === id) Object.assign(r, { id: undefined, phase: 'waiting', startedAt: undefined });
      throw err;
    }
    this.event('Normal', 'Started', `Started container ${c.name}`);
    this.save();
    this.startProbes(c, r, 0);
    if (c.lifecycle?.postStart) {
      const res = await runHandler(c, c.lifecycle.postStart, this.probeTarget(r), 30_000);
      if (!res.ok && r.id === id && r.phase === 'running') {
        this.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${res.message}`);
        await this.d.runtime.kill(id, 'SIGKILL').catch(() => undefined);
      }
    }
  }

  private startProbes(c: Container, r: ContainerRecord, sinceStartMs: number): void {
    this.probers.get(c.name)?.stop();
    const id = r.id;
    const p = new ContainerProber(c, this.probeTarget(r), {
      started: () => { if (r.id === id) { r.started = true; this.markStatus(); } },
      ready: (ok) => { if (r.id === id) { r.ready = ok; this.markStatus(); } },
      unhealthy: (kind, msg) => this.event('Warning', 'Unhealthy', `${kind} probe failed: ${msg}`),
      failed: (kind) => {
        if (r.id !== id || !id) return;
        this.event('Normal', 'Killing', `Container ${c.name} failed ${kind.toLowerCase()} probe, will be restarted`);
        void this.stopContainer(r, c, this.pod?.spec.terminationGracePeriodSeconds ?? 30, true);
      },
    });
    this.probers.set(c.name, p);
    p.start(sinceStartMs);
  }

  /** Resumes probes of containers re-adopted at agent start (needs the pod object). */
  resumeProbes(): void {
    if (!this.pod) return;
    for (const c of [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers]) {
      const r = this.rec.containers[key(c, (this.pod.spec.initContainers ?? []).includes(c))];
      if (r?.phase === 'running' && !this.probers.has(c.name)) this.startProbes(c, r, Date.now() - Date.parse(r.startedAt ?? stamp()));
    }
  }

  private oomKilled(id: string): boolean {
    try {
      const text = readFileSync(join(CGROUP_ROOT, 'memory', podCgroup(this.d.instance, this.uid), id, 'memory.oom_control'), 'utf8');
      return Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0) > 0;
    } catch {
      return false;
    }
  }

  private async recordExit(r: ContainerRecord, code: number): Promise<void> {
    const id = r.id!;
    // OOM is read from the container's own cgroup before runc deletes it.
    const oom = this.oomKilled(id);
    this.probers.get(r.name)?.stop();
    this.probers.delete(r.name);
    const finished = new Date();
    const message = await this.terminationMessage(r, id, code);
    Object.assign(r, { phase: 'exited', exitCode: code, finishedAt: stamp(finished), reason: oom ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error', message, ready: false });
    backoffOnExit(r, Date.parse(r.startedAt ?? stamp(finished)), finished.getTime(), this.d.backoffInitialSec);
    this.save();
    await this.removeInstance(id);
    for (const l of this.exitListeners.get(id) ?? []) l();
    this.exitListeners.delete(id);
    this.markStatus();
  }

  /** Resolves once container `id` has exited (at once if it is not running). */
  whenExited(id: string): Promise<void> {
    const r = Object.values(this.rec.containers).find((x) => x.id === id && x.phase === 'running');
    if (!r) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.exitListeners.get(id) ?? [];
      list.push(resolve);
      this.exitListeners.set(id, list);
    });
  }

  /**
   * terminated.message: the container's termination-log file (at most 4096 bytes), or with
   * FallbackToLogsOnError and a failure that left it empty, the log's last 80 lines (2048 bytes).
   */
  private async terminationMessage(r: ContainerRecord, id: string, code: number): Promise<string | undefined> {
    let text = '';
    try {
      text = readFileSync(join(this.d.layout.containerBundle(this.uid, id), 'termination-log'), 'utf8').slice(0, 4096);
    } catch {
      // no file: a container from before termination logs were mounted
    }
    const spec = this.pod ? [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers].find((c) => c.name === r.name) : undefined;
    if (!text && code !== 0 && spec?.terminationMessagePolicy === 'FallbackToLogsOnError') {
      for await (const rec of readLog(this.d.layout.log(this.uid, r.name, r.restartCount), { follow: false, tail: 80 })) text += rec.data.toString('utf8');
      text = text.slice(-2048);
    }
    return text || undefined;
  }

  /** Runtime state, rootfs and bundle of one container instance (its log stays). Idempotent. */
  private async removeInstance(id: string): Promise<void> {
    await this.d.runtime.delete(id, true).catch(() => undefined);
    this.d.runtime.clearExit(id);
    // Normally nothing is mounted there; a user-database read cut short by a crash left a mount.
    await unmountRootfs(join(this.d.layout.containerBundle(this.uid, id), 'rootfs'));
    await this.d.images.removeRootfs(id).catch(() => undefined);
    rmSync(this.d.layout.containerBundle(this.uid, id), { recursive: true, force: true });
    this.d.track(id, undefined);
  }

  private waitExit(id: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.exitWaiters.delete(id); resolve(false); }, ms);
      this.exitWaiters.set(id, () => { clearTimeout(timer); this.exitWaiters.delete(id); resolve(true); });
    });
  }

  /** preStop, SIGTERM, then SIGKILL after the grace period; resolves once the exit is recorded. */
  private async stopContainer(r: ContainerRecord, c: Container | undefined, graceSec: number, quiet = false): Promise<void> {
    const id = r.id;
    if (!id || r.phase !== 'running') return;
    const deadline = Date.now() + graceSec * 1000;
    if (!quiet) this.event('Normal', 'Killing', `Stopping container ${r.name}`);
    const exited = this.waitExit(id, graceSec * 1000 + 10_000);
    if (c?.lifecycle?.preStop && graceSec > 0) {
      await Promise.race([runHandler(c, c.lifecycle.preStop, this.probeTarget(r), graceSec * 1000), exited]);
    }
    if (r.id === id && r.phase === 'running') {
      await this.d.runtime.kill(id, graceSec > 0 ? 'SIGTERM' : 'SIGKILL').catch(() => undefined);
      const left = deadline - Date.now();
      const done = left > 0 ? await Promise.race([exited.then(() => true), new Promise<boolean>((res) => setTimeout(() => res(false), left))]) : false;
      if (!done && r.id === id && r.phase === 'running') await this.d.runtime.kill(id, 'SIGKILL', true).catch(() => undefined);
    }
    await exited;
  }

  private async stopAll(graceSec: number): Promise<void> {
    const specs = this.pod ? [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers] : [];
    await Promise.all(Object.values(this.rec.containers).map((r) => this.stopContainer(r, specs.find((c) => c.name === r.name), graceSec)));
  }

  /** Every container has finished for good: the sandbox goes, the record stays for the status. */
  private async finishPod(): Promise<void> {
    await this.stopAll(this.pod?.spec.terminationGracePeriodSeconds ?? 30);
    if (this.rec.sandbox) {
      await removeSandbox(this.uid, this.rec.sandbox, this.d);
      this.d.track(this.rec.sandbox.id, undefined);
      this.rec.sandbox = undefined;
    }
    this.rec.terminated = true;
    this.save();
  }

  private async terminate(graceSec: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.stopAll(graceSec);
    for (const p of this.probers.values()) p.stop();
    this.probers.clear();
    await removeSandbox(this.uid, this.rec.sandbox, this.d);
    if (this.rec.sandbox) this.d.track(this.rec.sandbox.id, undefined);
    this.rec.sandbox = undefined;
    await tearDownVolumes(this.d.layout, this.uid);
    removePodCgroup(this.d.instance, this.uid);
  }

  /** Containers are gone: the pod object can go (grace 0, this exact pod), then our records. */
  private async finishDeletion(pod: Pod | null): Promise<void> {
    if (pod) {
      try {
        await this.d.client.delete(resources.pods, pod.metadata.name, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (err) {
        if (!isKind(err, 'NotFound') && !isKind(err, 'Conflict')) throw err;
      }
    }
    this.removed = true;
    this.d.status.forget(this.writerKey);
    this.d.layout.remove(this.uid);
    this.d.forgetWorker(this.uid);
  }

  /** Stops probes and timers; containers keep running (agent shutdown). */
  detach(): void {
    this.removed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.probers.values()) p.stop();
    this.probers.clear();
  }

  /** The container record by name (streaming, logs). */
  container(name: string | undefined): { spec: Container; rec: ContainerRecord | undefined } | undefined {
    if (!this.pod) return undefined;
    const inits = this.pod.spec.initContainers ?? [];
    const c = name ? [...this.pod.spec.containers, ...inits].find((x) => x.name === name) : this.pod.spec.containers[0];
    if (!c) return undefined;
    return { spec: c, rec: this.rec.containers[key(c, inits.includes(c))] };
  }
}
