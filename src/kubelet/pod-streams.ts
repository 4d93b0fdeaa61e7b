/**
 * What `kubectl exec | attach | port-forward | logs` reach on this node: a StreamTarget (the
 * streaming module's contract, src/streaming/types.ts) for one pod, and the pod's container logs
 * read from the CRI-format files conmon writes. Output of exec and attach is followed in those
 * files (the runtime's design: stdout/stderr always go to the log), stdin goes through the
 * monitor's attach socket, port-forward connects from the host to the pod IP.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Duplex, Writable } from 'node:stream';
import { BosunError, notFound } from '../errors/index.js';
import { logSize, readLog, type Runtime } from '../engine/runtime/index.js';
import type { AttachOptions, ExecOptions, ExecResult, PodLogOptions, StreamIO, StreamTarget } from '../streaming/types.js';
import type { KubeletLayout } from './layout.js';
import type { PodWorker } from './pod-worker.js';
import { newId } from './sandbox.js';

/** The node's side of pods/log: `container` may be left out for single-container pods. */
export type LogOptions = Omit<PodLogOptions, 'container'> & { container?: string };

export interface PodStreams {
  /** NotFound when the pod does not run on this node; BadRequest when the container is unknown. */
  target(namespace: string, name: string): StreamTarget;
  /** Throws at the call (not on the first read) when the pod, container or instance is not there. */
  logs(namespace: string, name: string, opts: LogOptions): AsyncIterable<Buffer>;
}

export interface StreamDeps {
  runtime: Runtime;
  layout: KubeletLayout;
  worker(namespace: string, name: string): PodWorker | undefined;
}

/**
 * A CRI log time (conmon writes the local offset, e.g. `+00:00`) as kubelet prints it for
 * `--timestamps`: Go's RFC3339Nano in UTC, trailing zeros of the fraction dropped.
 */
export function rfc3339Nano(time: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return time;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const utc = new Date(Date.parse(`${m[1]}${m[3]}`)).toISOString().slice(0, 19);
  return `${utc}${frac ? `.${frac}` : ''}Z`;
}

function pick(w: PodWorker, container: string | undefined) {
  const c = w.container(container);
  if (!c) throw new BosunError('BadRequest', `container ${container} is not valid for pod ${w.rec.name}`);
  return c;
}

function running(w: PodWorker, container: string | undefined): string {
  const c = pick(w, container);
  if (c.rec?.phase !== 'running' || !c.rec.id) throw new BosunError('BadRequest', `container ${c.spec.name} is not running in pod ${w.rec.name}`);
  return c.rec.id;
}

/** Streams a log's records into writers until `done` resolves (then drains). */
async function pump(path: string, from: number, io: { stdout?: Writable; stderr?: Writable }, done: Promise<unknown>, signal: AbortSignal): Promise<void> {
  for await (const r of readLog(path, { follow: true, fromOffset: from, done, signal })) {
    // A stream the client did not ask for is dropped (with a TTY everything arrives as stdout).
    (r.stream === 'stderr' ? io.stderr : io.stdout)?.write(r.data);
  }
}

async function resizeLoop(runtime: Runtime, id: string, io: StreamIO): Promise<void> {
  if (!io.resize) return;
  for await (const s of io.resize) await runtime.resize(id, s.height, s.width).catch(() => undefined);
}

export function podStreams(d: StreamDeps): PodStreams {
  const find = (namespace: string, name: string) => {
    const w = d.worker(namespace, name);
    if (!w) throw notFound(`pod ${name} is not running on this node`);
    return w;
  };
  return {
    target(namespace, name): StreamTarget {
      const w = find(namespace, name);
      return {
        async exec(o: ExecOptions, io: StreamIO): Promise<ExecResult> {
          const id = running(w, o.container);
          const bundle = d.layout.containerBundle(w.uid, id);
          const proc = (JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { process: Record<string, unknown> }).process;
          const execId = newId();
          const dir = join(bundle, 'exec', execId);
          mkdirSync(dir, { recursive: true });
          try {
            const env = [...(proc.env as string[]), ...(o.tty ? ['TERM=xterm'] : [])];
            const h = await d.runtime.exec({ containerId: id, execId, dir, process: { ...proc, args: o.command, env, terminal: o.tty }, stdin: o.stdin, terminal: o.tty });
            const onAbort = () => { try { process.kill(h.pid, 'SIGKILL'); } catch { /* already gone */ } };
            io.signal.addEventListener('abort', onAbort);
            if (o.stdin && io.stdin) void d.runtime.attachStdin(execId, io.stdin);
            if (o.tty) void resizeLoop(d.runtime, execId, io);
            const [code] = await Promise.all([h.exited, pump(h.logPath, 0, io, h.exited, io.signal)]);
            io.signal.removeEventListener('abort', onAbort);
            return { exitCode: code < 0 ? 1 : code };
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
        async attach(o: AttachOptions, io: StreamIO): Promise<ExecResult> {
          const c = pick(w, o.container);
          const id = running(w, o.container);
          if (o.stdin && !c.spec.stdin) throw new BosunError('BadRequest', `stdin is not enabled for container ${c.spec.name}; set stdin: true in the pod spec`);
          const log = d.layout.log(w.uid, c.spec.name, c.rec!.restartCount);
          const exited = w.whenExited(id);
          const stop = new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve()));
          if (o.stdin && io.stdin) void d.runtime.attachStdin(id, io.stdin);
          if (o.tty) void resizeLoop(d.runtime, id, io);
          await pump(log, logSize(log), io, Promise.race([exited, stop]), io.signal);
          return { exitCode: c.rec?.id === id ? 0 : c.rec?.last?.exitCode ?? c.rec?.exitCode ?? 0 };
        },
        portForward(port: number, stream: Duplex, signal: AbortSignal): Promise<void> {
          const ip = w.rec.sandbox?.ip;
          if (!ip) return Promise.reject(new BosunError('BadRequest', `pod ${w.rec.name} has no network`));
          return new Promise((resolve, reject) => {
            const sock = connect({ host: ip, port });
            let connected = false;
            const done = (err?: Error) => {
              sock.destroy();
              if (err && !connected) reject(new BosunError('Unavailable', `error forwarding port ${port} to pod ${w.rec.name}: ${err.message}`));
              else resolve();
            };
            signal.addEventListener('abort', () => done());
            sock.once('connect', () => {
              connected = true;
              stream.pipe(sock);
              sock.pipe(stream);
            });
            sock.once('error', done);
            sock.once('close', () => done());
          });
        },
      };
    },
    // Not a generator itself: refusals throw at the call, so the API server can still answer a Status.
    logs(namespace, name, o): AsyncIterable<Buffer> {
      const w = find(namespace, name);
      const c = pick(w, o.container);
      if (!c.rec) throw new BosunError('BadRequest', `container "${c.spec.name}" in pod "${name}" is waiting to start: ContainerCreating`);
      // Instance n logs to n.log; while a container waits in back-off its newest log is its last run's.
      const r = c.rec;
      const n = !o.previous ? r.restartCount : r.phase === 'waiting' && r.last ? r.restartCount : r.restartCount - 1;
      if (n < 0) throw new BosunError('BadRequest', `previous terminated container "${c.spec.name}" in pod "${name}" not found`);
      const path = d.layout.log(w.uid, c.spec.name, n);
      const id = c.rec.id;
      const since = o.sinceTime ? Date.parse(o.sinceTime) / 1000 : o.sinceSeconds ? Date.now() / 1000 - o.sinceSeconds : undefined;
      const follow = Boolean(o.follow) && !o.previous && c.rec.phase === 'running';
      const done = follow && id ? w.whenExited(id) : Promise.resolve();
      return (async function* () {
        let sent = 0;
        for await (const rec of readLog(path, { follow, since, tail: o.tailLines, done, signal: o.signal })) {
          let chunk = o.timestamps ? Buffer.concat([Buffer.from(`${rfc3339Nano(rec.time ?? '')} `), rec.data]) : rec.data;
          if (o.limitBytes !== undefined) {
            if (sent >= o.limitBytes) return;
            chunk = chunk.subarray(0, o.limitBytes - sent);
          }
          sent += chunk.length;
          yield chunk;
        }
      })();
    },
  };
}
