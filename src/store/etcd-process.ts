/**
 * Starts a private etcd (Debian's etcd 3.4) for tests and benchmarks: client and peer URLs on
 * 127.0.0.1 only, on free ports, with its data in a temp dir (or one the caller gives, to restart
 * on the same data). `stop()` kills it and removes the temp dir it made.
 *
 *   /tmp/bosun-etcd-XXXXXX/      (when no dataDir is given)
 *     member/                    etcd's WAL and snapshots
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface EtcdProcess {
  /** http://127.0.0.1:PORT, for --datastore-endpoint and EtcdStore. */
  endpoint: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Reuse this data dir (kept on stop); a fresh temp dir (removed on stop) otherwise. */
  dataDir?: string;
  binary?: string;
}

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdProcess> {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync('/tmp/bosun-etcd-');
  let lastErr: unknown;
  // A free port can be taken by someone else between our probe and etcd's bind: retry then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawn(
      opts.binary ?? 'etcd',
      [
        '--name', 'bosun',
        '--data-dir', dataDir,
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `bosun=${peer}`,
        '--initial-cluster-state', 'new',
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    // Neither etcd nor its stderr pipe keeps the caller alive: a test that forgets stop() still
    // exits, and the exit hook below takes etcd and its temp dir with it.
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
    // If the test or benchmark process dies without calling stop(), etcd must not outlive it.
    const onExit = () => {
      child.kill('SIGKILL');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    };
    process.once('exit', onExit);
    try {
      await waitReady(child, client, () => stderr);
      const stop = async () => {
        await kill(child);
        process.off('exit', onExit);
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      };
      return { endpoint: client, dataDir, pid: child.pid!, stop };
    } catch (err) {
      lastErr = err;
      process.off('exit', onExit);
      await kill(child);
    }
  }
  if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  throw lastErr;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(child: ChildProcess, endpoint: string, stderr: () => string): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`etcd exited: ${stderr()}`);
    if (await healthy(endpoint)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd at ${endpoint} not ready after 10s: ${stderr()}`);
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 && (JSON.parse(body) as { health?: string }).health === 'true');
        } catch {
          resolve(false);
        }
      });
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  // Referenced again so the caller's process lives until etcd is really gone.
  child.ref();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
