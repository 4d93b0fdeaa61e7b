/**
 * Starts and stops a real `bin/bosun server` for e2e tests, on a temp data dir with every port
 * chosen by the server (0), and gives the environment real clients need.
 *
 *   /tmp/bosun-e2e-XXXX/
 *     data/            the instance's data dir (--data-dir)
 *     server.log       the server's stdout and stderr, appended across restarts
 *     docker-config/   a throw-away DOCKER_CONFIG for the docker CLI
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import https from 'node:https';
import { parse as parseYaml } from 'yaml';

/** The repo root: the nearest parent of this file holding package.json. */
export const repoRoot = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && d !== '/') d = dirname(d);
  return d;
})();

export const bosunBin = join(repoRoot, 'bin', 'bosun');

export interface ClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop; never throws on a non-zero exit. */
export function runCmd(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number; cwd?: string } = {}): Promise<ClientResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.stdin.on('error', () => undefined);
    p.stdin.end(opts.input);
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    p.on('error', (err) => { clearTimeout(timer); resolve({ code: null, stdout, stderr: stderr + err.message }); });
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users: Array<{ user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }>;
}

function readyz(kubeconfig: string): Promise<boolean> {
  return new Promise((resolve) => {
    let kc: Kubeconfig;
    try {
      kc = parseYaml(readFileSync(kubeconfig, 'utf8')) as Kubeconfig;
    } catch {
      return resolve(false);
    }
    const cluster = kc.clusters?.[0]?.cluster;
    const user = kc.users?.[0]?.user ?? {};
    if (!cluster?.server) return resolve(false);
    const b64 = (s?: string) => (s ? Buffer.from(s, 'base64') : undefined);
    const url = new URL('/readyz', cluster.server);
    const req = https.request(url, {
      ca: b64(cluster['certificate-authority-data']),
      cert: b64(user['client-certificate-data']),
      key: b64(user['client-key-data']),
      headers: user.token ? { Authorization: `Bearer ${user.token}` } : {},
      timeout: 2000,
    }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'ok'));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

export class TestServer {
  readonly root: string;
  readonly dataDir: string;
  readonly socketPath: string;
  readonly kubeconfig: string;
  readonly logFile: string;
  readonly dockerConfig: string;
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor() {
    this.root = mkdtempSync('/tmp/bosun-e2e-');
    this.dataDir = join(this.root, 'data');
    this.socketPath = join(this.dataDir, 'engine.sock');
    this.kubeconfig = join(this.dataDir, 'kubeconfig');
    this.logFile = join(this.root, 'server.log');
    this.dockerConfig = join(this.root, 'docker-config');
    mkdirSync(this.dockerConfig);
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Environment for real clients: DOCKER_HOST, KUBECONFIG and a private DOCKER_CONFIG. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: `unix://${this.socketPath}`, KUBECONFIG: this.kubeconfig, DOCKER_CONFIG: this.dockerConfig };
  }

  /** Spawns the server (on the same data dir when restarted) and waits for the engine socket. */
  async start(opts: { waitApi?: boolean } = {}): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const proc = spawn(bosunBin, ['server', '--data-dir', this.dataDir, '--api-port', '0', '--registry-port', '0', '--ingress-http-port', '0', '--ingress-https-port', '0'], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.proc = proc;
    this.exited = new Promise((r) => proc.once('exit', () => r()));
    await this.waitEngine();
    if (opts.waitApi) await this.waitApi();
  }

  private alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  private failure(what: string): Error {
    const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-4000) : '';
    return new Error(`${what}; server log:\n${log}`);
  }

  async waitEngine(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!this.alive()) throw this.failure('bosun server exited before the engine socket answered');
      if (await ping(this.socketPath)) return;
      await sleep(100);
    }
    throw this.failure(`engine socket ${this.socketPath} did not answer /_ping in ${timeoutMs} ms`);
  }

  async waitApi(timeoutMs = 90_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!this.alive()) throw this.failure('bosun server exited before /readyz answered ok');
      if (existsSync(this.kubeconfig) && (await readyz(this.kubeconfig))) return;
      await sleep(200);
    }
    throw this.failure(`/readyz did not answer ok in ${timeoutMs} ms`);
  }

  /** Signals the server and waits for it to be gone (SIGKILL leaves containers to conmon). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive()) return;
    this.proc!.kill(signal);
    await this.exited;
  }

  async restart(opts: { signal?: NodeJS.Signals; waitApi?: boolean } = {}): Promise<void> {
    await this.kill(opts.signal ?? 'SIGTERM');
    await this.start({ waitApi: opts.waitApi });
  }

  /** The docker CLI against this server. */
  docker(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ClientResult> {
    return runCmd('docker', args, { env: this.env, ...opts });
  }

  /** `bin/bosun` against this server. */
  bosun(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ClientResult> {
    return runCmd(bosunBin, args, { env: this.env, ...opts });
  }

  /** A python3 script with docker-py, DOCKER_HOST pointing here. */
  python(script: string, opts: { timeoutMs?: number } = {}): Promise<ClientResult> {
    return runCmd('python3', ['-c', script], { env: this.env, ...opts });
  }

  /** Stops the server, then `bosun teardown --purge` removes everything the instance made. */
  async teardown(): Promise<void> {
    await this.kill('SIGTERM');
    const r = spawnSync(bosunBin, ['teardown', '--data-dir', this.dataDir, '--purge'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`bosun teardown --purge failed (${r.status}): ${r.stderr}`);
    const left = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(this.root + '/'));
    if (left.length) throw new Error(`bosun teardown --purge left mounts behind: ${left.join(', ')}`);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A started server; call `teardown()` in `after()`. */
export async function startServer(opts: { waitApi?: boolean } = {}): Promise<TestServer> {
  const s = new TestServer();
  try {
    await s.start(opts);
  } catch (err) {
    await s.teardown();
    throw err;
  }
  return s;
}
