/**
 * Helpers for the Kubernetes e2e tests: a real `bin/bosun server` in a temp data dir (optionally on
 * a private etcd), the real versioned kubectl binaries, and cleanup through `bosun teardown --purge`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BOSUN = join(ROOT, 'bin', 'bosun');

/** kubectl.1.<minor> beside the real path of the `kubectl` wrapper on PATH. */
export function kubectlPath(minor: 27 | 33 | number): string {
  const which = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  let real = which;
  try {
    real = realpathSync(which);
  } catch {
    real = readlinkSync(which);
  }
  return join(dirname(real), `kubectl.1.${minor}`);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BosunServer {
  dataDir: string;
  kubeconfig: string;
  port: number;
  proc: ChildProcess;
  /** kubectl of one version against this server, in its own cache dir. */
  kubectl(minor: number, args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<Run>;
  /** SIGKILL, as a crash: nothing gets to flush. */
  kill9(): Promise<void>;
  /** Starts the server again on the same data dir (and datastore). */
  restart(): Promise<void>;
  /** Stops the server and removes everything the instance made, data dir included. */
  destroy(): Promise<void>;
}

export function run(cmd: string, args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

function launch(dataDir: string, datastoreEndpoint: string | undefined): Promise<{ proc: ChildProcess; port: number }> {
  const args = ['server', '--data-dir', dataDir, '--api-port', '0', '--registry-port', '0', '--ingress-http-port', '0', '--ingress-https-port', '0'];
  if (datastoreEndpoint) args.push('--datastore-endpoint', datastoreEndpoint);
  const proc = spawn(BOSUN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/Kubernetes API on https:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        proc.stdout!.off('data', onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        proc.stdout!.resume();
        resolvePromise({ proc, port: Number(m[1]) });
      }
    };
    proc.stdout!.on('data', onData);
    // The server's complaints show up in the test output (node:test prints child stderr as diagnostics).
    proc.stderr!.on('data', (d) => {
      out += d.toString();
      process.stderr.write(d);
    });
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0) process.stderr.write(`bosun server (${dataDir}) exited: code ${code} signal ${signal}\n`);
      reject(new Error(`bosun server exited (${code}) before it was ready:\n${out}`));
    });
  });
}

export async function startServer(opts: { datastoreEndpoint?: string } = {}): Promise<BosunServer> {
  const dataDir = mkdtempSync('/tmp/bosun-test-');
  const cacheDir = mkdtempSync(join(dataDir, 'kube-cache-'));
  let proc: ChildProcess;
  let port: number;
  try {
    ({ proc, port } = await launch(dataDir, opts.datastoreEndpoint));
  } catch (err) {
    // Nothing else will clean up after a server that never became ready.
    await run(BOSUN, ['teardown', '--data-dir', dataDir, '--purge']);
    throw err;
  }
  const kubeconfig = join(dataDir, 'kubeconfig');
  const server: BosunServer = {
    dataDir, kubeconfig, port, proc,
    kubectl(minor, args, o = {}) {
      return run(kubectlPath(minor), ['--kubeconfig', kubeconfig, '--cache-dir', join(cacheDir, String(minor)), ...args], o);
    },
    async kill9() {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`bosun server had already exited (${proc.exitCode ?? proc.signalCode})`);
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    },
    async restart() {
      ({ proc, port } = await launch(dataDir, opts.datastoreEndpoint));
      server.proc = proc;
      server.port = port;
    },
    async destroy() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      await run(BOSUN, ['teardown', '--data-dir', dataDir, '--purge']);
    },
  };
  return server;
}

/** Writes a file into the server's data dir (removed with it) and returns its path. */
export function writeTemp(server: BosunServer, name: string, text: string | Buffer): string {
  const p = join(server.dataDir, name);
  writeFileSync(p, text, { mode: 0o755 });
  return p;
}
