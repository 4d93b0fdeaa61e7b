/**
 * RuncRuntime: runc 1.1 as the OCI runtime, conmon 2.1 as the per-container monitor.
 *
 * conmon double-forks, so it is not our child: containers outlive the server, even `kill -9`.
 * It reports back through a sync pipe (fd 3, `_OCI_SYNCPIPE`): one JSON line `{"data": pid}`
 * after `runc create` (or `{"data": -1, "message": …}` when create failed) and, for execs, a
 * second line with the exit code. For the main process the exit code lands in an exit file,
 * which we learn about from an inotify watch on the exit directory, with a slow rescan behind it
 * for events inotify dropped.
 *
 * Files (instance.paths.conmon):
 *   run/conmon/
 *     <id>.pid            conmon's pid for container <id>
 *     exits/<id>          exit code of container <id>, written by conmon
 *     <id[0:12]>/         symlink conmon makes to the bundle (or exec dir), so the attach
 *       attach            socket path stays under the 108-byte sun_path limit
 *       ctl               control fifo ("1 <h> <w>" resizes the terminal)
 *   run/runc/<id>/        runc --root state; exec.fifo lives here until start
 */
import { execFile, spawn } from 'node:child_process';
import { constants as fsc, openSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BosunError, internal, notFound } from '../../errors/index.js';
import type { CreateOptions, ExecHandle, ExecOptions, Runtime, RuntimeStatus } from './types.js';

function findBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/bin'])) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw internal(`${name} is not installed`);
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve(String(stdout));
    });
  });
}

/** runc prints `time="…" level=error msg="…"`; the msg is what a user needs. */
export function runcMessage(stderr: string): string {
  const msgs = [...stderr.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
  return (msgs.length ? msgs[msgs.length - 1] : stderr).trim();
}

/** Whether the freezer cgroup (v1) at `path` holds its tasks frozen (or is freezing them). */
function frozen(path: string | undefined): boolean {
  if (!path) return false;
  try {
    return readFileSync(join(path, 'freezer.state'), 'utf8').trim() !== 'THAWED';
  } catch {
    return false;
  }
}

/** Reads the sync pipe until `count` JSON messages arrived or it closed. */
class SyncPipe {
  private buf = '';
  private readonly messages: Array<{ data: number; message?: string }> = [];
  private waiters: Array<() => void> = [];
  private ended = false;

  constructor(readonly stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      // conmon writes one JSON object per write, newline-terminated.
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (line) {
          try { this.messages.push(JSON.parse(line)); } catch { /* not JSON: ignore */ }
        }
      }
      this.wake();
    });
    stream.on('error', () => { this.ended = true; this.wake(); });
    stream.on('close', () => { this.ended = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async next(): Promise<{ data: number; message?: string } | undefined> {
    while (!this.messages.length && !this.ended) await new Promise<void>((r) => this.waiters.push(r));
    return this.messages.shift();
  }
}

export class RuncRuntime implements Runtime {
  private readonly runc = findBinary('runc');
  private readonly conmon = findBinary('conmon');
  private readonly exitDir: string;
  private readonly listeners: Array<(id: string, code: number) => void> = [];
  private readonly reported = new Set<string>();
  private watcher?: FSWatcher;
  private readonly rescan: NodeJS.Timeout;

  constructor(private readonly runcRoot: string, private readonly conmonDir: string) {
    this.exitDir = join(conmonDir, 'exits');
    mkdirSync(this.exitDir, { recursive: true });
    mkdirSync(runcRoot, { recursive: true });
    this.watcher = watch(this.exitDir, (_ev, file) => { if (file) this.checkExit(String(file)); });
    // inotify can drop events (a full queue, a watch that failed): a slow rescan finds exits it
    // missed. Only files written since we started: older ones are the owners' to read at open.
    const since = Date.now() - 1000;
    this.rescan = setInterval(() => this.rescanExits(since), 5000);
    this.rescan.unref();
  }

  private rescanExits(sinceMs: number): void {
    let names: string[];
    try {
      names = readdirSync(this.exitDir);
    } catch {
      return;
    }
    for (const id of names) {
      if (this.reported.has(id)) continue;
      try {
        if (statSync(join(this.exitDir, id)).mtimeMs < sinceMs) continue;
      } catch {
        continue;
      }
      this.checkExit(id);
    }
  }

  private checkExit(id: string): void {
    if (this.reported.has(id)) return;
    const code = this.exitCode(id);
    if (code === undefined) return;
    this.reported.add(id);
    for (const l of this.listeners) l(id, code);
  }

  onExit(listener: (id: string, code: number) => void): void {
    this.listeners.push(listener);
  }

  exitCode(id: string): number | undefined {
    try {
      const text = readFileSync(join(this.exitDir, id), 'utf8').trim();
      // conmon may be caught between creating and writing the file; the next event has it.
      return text === '' ? undefined : Number(text);
    } catch {
      return undefined;
    }
  }

  clearExit(id: string): void {
    rmSync(join(this.exitDir, id), { force: true });
    this.reported.delete(id);
  }

  private cuuid(id: string): string {
    return id.slice(0, 12);
  }

  private async spawnConmon(args: string[]): Promise<{ sync: SyncPipe; stderr: () => string }> {
    const child = spawn(this.conmon, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      detached: true,
    });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => { if (err.length < 8192) err += d; });
    child.on('error', (e) => { err += e.message; });
    child.unref();
    const sync = new SyncPipe(child.stdio[3] as Readable);
    return { sync, stderr: () => err };
  }

  private conmonBase(id: string, cuuid: string, bundle: string, logPath: string, exitDir: string, o: { stdin: boolean; stdinOnce: boolean; terminal: boolean }): string[] {
    const args = [
      '--api-version', '1', '-c', id, '-u', cuuid, '-n', id, '-r', this.runc, '-b', bundle,
      '-l', `k8s-file:${logPath}`, '--exit-dir', exitDir, '--socket-dir-path', this.conmonDir,
      '--runtime-arg', `--root=${this.runcRoot}`, '--no-sync-log', '--log-level', 'error',
    ];
    if (o.stdin) args.push('-i');
    if (o.stdin && !o.stdinOnce) args.push('--leave-stdin-open');
    if (o.terminal) args.push('-t');
    return args;
  }

  async create(opts: CreateOptions): Promise<{ pid: number }> {
    this.clearExit(opts.id);
    const args = this.conmonBase(opts.id, this.cuuid(opts.id), opts.bundle, opts.logPath, this.exitDir, opts);
    args.push('-p', join(opts.bundle, 'pidfile'), '-P', join(this.conmonDir, `${opts.id}.pid`));
    const { sync, stderr } = await this.spawnConmon(args);
    const msg = await sync.next();
    sync.stream.destroy();
    if (!msg || msg.data <= 0) {
      await this.delete(opts.id, true).catch(() => undefined);
      this.clearExit(opts.id);
      rmSync(join(this.conmonDir, `${opts.id}.pid`), { force: true });
      rmSync(join(this.conmonDir, this.cuuid(opts.id)), { force: true });
      throw new BosunError('Invalid', runcMessage(msg?.message ?? stderr()) || 'container create failed');
    }
    return { pid: msg.data };
  }

  /**
   * What `runc start` does, without a process: runc init blocks writing to exec.fifo until a
   * reader opens it. Opening non-blocking means a container that died meanwhile cannot hang us:
   * the read then sees EOF instead of the "0" byte.
   */
  async start(id: string): Promise<void> {
    const fifo = join(this.runcRoot, id, 'exec.fifo');
    let fd: number;
    try {
      // A FIFO opened O_NONBLOCK for reading never blocks; the socket then owns (and closes) the fd.
      fd = openSync(fifo, fsc.O_RDONLY | fsc.O_NONBLOCK);
    } catch {
      throw new BosunError('Conflict', `container ${id} is not in the created state`);
    }
    const sock = new Socket({ fd, readable: true, writable: false });
    const got = await new Promise<boolean>((resolve) => {
      sock.once('data', () => resolve(true));
      sock.once('end', () => resolve(false));
      sock.once('error', () => resolve(false));
    });
    sock.destroy();
    rmSync(fifo, { force: true });
    if (!got) throw new BosunError('Conflict', `container ${id} exited before it started`);
  }

  async state(id: string): Promise<{ status: RuntimeStatus; pid: number; bundle?: string } | undefined> {
    try {
      const st = JSON.parse(await run(this.runc, ['--root', this.runcRoot, 'state', id])) as { status: RuntimeStatus; pid: number; bundle?: string };
      return { status: st.status, pid: st.pid, bundle: st.bundle };
    } catch {
      return undefined;
    }
  }

  private async runc_(args: string[], what: string, id: string): Promise<string> {
    try {
      return await run(this.runc, ['--root', this.runcRoot, ...args]);
    } catch (err) {
      const msg = runcMessage((err as { stderr?: string }).stderr ?? '');
      if (/does not exist|not exist/.test(msg)) throw notFound(`No such container: ${id}`);
      throw new BosunError('Conflict', `${what} ${id}: ${msg}`);
    }
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    if (this.signalInit(id, signal, all)) return;
    await this.runc_(all ? ['kill', '--all', id, signal] : ['kill', id, signal], 'cannot kill container', id);
  }

  /**
   * What `runc kill [--all] ID SIG` does, without a process (stops and removals sit on the pod and
   * container deletion paths): signal the init runc recorded, once /proc says it is still that
   * process (same start time, so a recycled PID is never hit). `--all` is the same as SIGKILL to
   * an init that is pid 1 of its own pid namespace: the kernel then kills everything in it.
   * Anything else is left to runc, which also words the errors.
   */
  private signalInit(id: string, signal: string, all: boolean): boolean {
    const name = signal.toUpperCase().replace(/^SIG/, '');
    const signo = /^\d+$/.test(name) ? Number(name) : (osConstants.signals as Record<string, number>)[`SIG${name}`];
    if (!signo) return false;
    const init = this.liveInit(id);
    // A frozen (paused) process keeps even SIGKILL pending: runc thaws it after signalling.
    if (!init || init.frozen || (all && (signo !== osConstants.signals.SIGKILL || !init.ownPidNs))) return false;
    try {
      process.kill(init.pid, signo);
      return true;
    } catch {
      return false;
    }
  }

  /** The container's init from runc's state, if that very process still runs (not a zombie). */
  private liveInit(id: string): { pid: number; ownPidNs: boolean; frozen: boolean } | undefined {
    try {
      const st = JSON.parse(readFileSync(join(this.runcRoot, id, 'state.json'), 'utf8')) as {
        init_process_pid: number; init_process_start: number; config?: { namespaces?: Array<{ type: string; path?: string }> };
        cgroup_paths?: Record<string, string>;
      };
      const stat = readFileSync(`/proc/${st.init_process_pid}/stat`, 'utf8');
      // Field 22 (after the parenthesised comm) is the start time runc recorded: same process.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[19]) !== st.init_process_start || fields[0] === 'Z') return undefined;
      const ownPidNs = (st.config?.namespaces ?? []).some((n) => n.type === 'NEWPID' && !n.path);
      return { pid: st.init_process_pid, ownPidNs, frozen: frozen(st.cgroup_paths?.freezer) };
    } catch {
      return undefined;
    }
  }

  /** SIGKILL to a live init that owns its pid namespace, then up to `ms` for it to be gone. */
  private async killAndReap(id: string, ms: number): Promise<void> {
    if (!this.signalInit(id, 'KILL', true)) return;
    for (const end = Date.now() + ms; Date.now() < end && this.liveInit(id);) await new Promise((r) => setTimeout(r, 5));
  }

  async pause(id: string): Promise<void> {
    await this.runc_(['pause', id], 'cannot pause container', id);
  }

  async resume(id: string): Promise<void> {
    await this.runc_(['resume', id], 'cannot unpause container', id);
  }

  /**
   * What `runc delete` does for a container whose init is dead, without a process (it sits on
   * the `--rm` hot path): the init was pid 1 of its pid namespace, so the kernel has killed
   * everything else in it, and what remains is empty cgroup directories and the state dir.
   * Anything unexpected (init alive, a cgroup still busy) falls back to runc itself.
   */
  private deleteStopped(id: string): boolean {
    const dir = join(this.runcRoot, id);
    let st: { init_process_pid: number; init_process_start: number; cgroup_paths?: Record<string, string> };
    try {
      st = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    } catch {
      return false;
    }
    if (this.liveInit(id)) return false;
    for (const path of new Set(Object.values(st.cgroup_paths ?? {}))) {
      try {
        rmdirSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    return true;
  }

  async delete(id: string, force = false): Promise<void> {
    if (force && this.liveInit(id)) await this.killAndReap(id, 1000);
    if (existsSync(join(this.runcRoot, id)) && !this.deleteStopped(id)) {
      try {
        await run(this.runc, ['--root', this.runcRoot, 'delete', ...(force ? ['--force'] : []), id]);
      } catch (err) {
        const msg = runcMessage((err as { stderr?: string }).stderr ?? '');
        if (!/does not exist/.test(msg)) throw internal(`cannot delete container ${id}: ${msg}`);
      }
    }
    rmSync(join(this.conmonDir, `${id}.pid`), { force: true });
    rmSync(join(this.conmonDir, this.cuuid(id)), { force: true });
  }

  monitorPid(id: string): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.conmonDir, `${id}.pid`), 'utf8').trim());
      if (!pid) return undefined;
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'conmon' ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  attachStdin(id: string, stdin: Readable): Promise<void> {
    const sock = join(this.conmonDir, this.cuuid(id), 'attach');
    // conmon's attach socket is SOCK_SEQPACKET (type=5), which Node cannot open; socat bridges
    // it only while a client is attached. Output is followed in the log, not here, but socat
    // must still read (and drop) what conmon echoes back: with a one-way `socat -u`, the close
    // with unread data races conmon's EOF handling and the process's stdin sometimes stays open.
    const child = spawn('socat', ['STDIO', `UNIX-CONNECT:${sock},type=5`], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin!.on('error', () => undefined);
    stdin.pipe(child.stdin!);
    return new Promise((resolve) => {
      const done = () => { stdin.unpipe(child.stdin!); resolve(); };
      child.once('exit', done);
      child.once('error', done);
    });
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    const ctl = join(this.conmonDir, this.cuuid(id), 'ctl');
    let fh;
    try {
      fh = await open(ctl, fsc.O_WRONLY | fsc.O_NONBLOCK);
    } catch {
      return; // no monitor listening (not running or no terminal): nothing to resize
    }
    try {
      await fh.write(`1 ${Math.max(0, Math.floor(height))} ${Math.max(0, Math.floor(width))}\n`);
    } finally {
      await fh.close();
    }
  }

  async exec(opts: ExecOptions): Promise<ExecHandle> {
    const exitDir = join(opts.dir, 'exit');
    mkdirSync(exitDir, { recursive: true });
    const specPath = join(opts.dir, 'process.json');
    await writeFile(specPath, JSON.stringify(opts.process));
    const logPath = join(opts.dir, 'log');
    const args = this.conmonBase(opts.containerId, this.cuuid(opts.execId), opts.dir, logPath, exitDir, { stdin: opts.stdin, stdinOnce: true, terminal: opts.terminal });
    args.push('-p', join(opts.dir, 'pid'), '--exec', '--exec-process-spec', specPath);
    const { sync, stderr } = await this.spawnConmon(args);
    const first = await sync.next();
    if (!first || first.data <= 0) {
      sync.stream.destroy();
      rmSync(join(this.conmonDir, this.cuuid(opts.execId)), { force: true });
      throw new BosunError('Invalid', runcMessage(first?.message ?? stderr()) || 'exec failed');
    }
    const exited = (async () => {
      const second = await sync.next();
      sync.stream.destroy();
      rmSync(join(this.conmonDir, this.cuuid(opts.execId)), { force: true });
      if (second) return second.data;
      try {
        return Number((await readFile(join(exitDir, opts.containerId), 'utf8')).trim());
      } catch {
        return -1;
      }
    })();
    return { pid: first.data, logPath, exited };
  }

  async pids(id: string): Promise<number[]> {
    const out = await this.runc_(['ps', '--format', 'json', id], 'cannot list processes of', id);
    return (JSON.parse(out) as number[] | null) ?? [];
  }

  async list(): Promise<string[]> {
    try {
      return readdirSync(this.runcRoot);
    } catch {
      return [];
    }
  }

  close(): void {
    clearInterval(this.rescan);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
