/**
 * API server benchmark: a `bosun server` on SQLite and one on etcd, side by side, driven over
 * keep-alive HTTPS by the Bosun client. Prints one table.
 *
 *   node dist/bench/api.js [--creates N] [--pods N] [--watchers N] [--steady-seconds S]
 *
 * Measures: create throughput (16 parallel clients), p50/p99 latency of get / update / patch at a
 * steady 50 req/s, the time to LIST N pods (one request, no paging), watch delivery latency
 * (create sent → event received) to W watchers, and the server's RSS idle after start.
 * Targets (from the issue): ≥ 1,000 creates/s, p99 mutating ≤ 25 ms, LIST 10k ≤ 0.5 s, watch p99
 * ≤ 50 ms, idle RSS ≤ 120 MB.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, resources as R } from '../src/client/index.js';
import { startEtcd, type EtcdProcess } from '../src/store/index.js';
import type { KObject } from '../src/api/types.js';

const BOSUN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin', 'bosun');

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const CREATES = flag('creates', 5000);
const PODS = flag('pods', 10000);
const WATCHERS = flag('watchers', 100);
const STEADY_SECONDS = flag('steady-seconds', 10);

interface Server {
  proc: ChildProcess;
  dataDir: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

async function startServer(endpoint?: string): Promise<Server> {
  const dataDir = mkdtempSync('/tmp/bosun-bench-');
  const args = ['server', '--data-dir', dataDir, '--api-port', '0', '--registry-port', '0', '--ingress-http-port', '0', '--ingress-https-port', '0'];
  if (endpoint) args.push('--datastore-endpoint', endpoint);
  const proc = spawn(BOSUN, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      if (/Kubernetes API on https/.test(out)) ok();
    });
    proc.on('exit', (code) => fail(new Error(`bosun server exited (${code}):\n${out}`)));
  });
  proc.stdout!.resume();
  return {
    proc, dataDir, kubeconfig: join(dataDir, 'kubeconfig'),
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      spawnSync(BOSUN, ['teardown', '--data-dir', dataDir, '--purge'], { stdio: 'ignore' });
    },
  };
}

function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function parallel(n: number, workers: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < n) await fn(next++);
  }));
  return performance.now() - t0;
}

function pod(name: string): KObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { app: 'bench', 'pod-template-hash': '5d4f8c7b9' }, annotations: { 'bench/index': name } },
    spec: {
      containers: [{
        name: 'app', image: 'registry.local/bench/app:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'bench' }, { name: 'LEVEL', value: 'info' }],
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30,
    },
  };
}

interface Result {
  createsPerSec: number;
  lat: Record<'get' | 'update' | 'patch', { p50: number; p99: number }>;
  listMs: number;
  watchP50: number;
  watchP99: number;
  idleRss: number;
}

async function bench(label: string, endpoint?: string): Promise<Result> {
  const server = await startServer(endpoint);
  try {
    await sleep(3000);
    const idleRss = rssMb(server.proc.pid!);
    const kc = KubeClient.fromKubeconfig(server.kubeconfig, undefined, { maxSockets: 16 });
    await kc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    await kc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pods' } });

    // 1. Create throughput.
    const cm = (i: number): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'bench' }, data: { i: String(i), payload: 'x'.repeat(256) } });
    const createMs = await parallel(CREATES, 16, async (i) => {
      await kc.create(R.configmaps, cm(i));
    });
    const createsPerSec = CREATES / (createMs / 1000);
    process.stderr.write(`${label}: ${CREATES} creates in ${createMs.toFixed(0)} ms\n`);

    // 2. Steady 50 req/s of get, update and patch.
    const lat = { get: [] as number[], update: [] as number[], patch: [] as number[] };
    const verbs = ['get', 'update', 'patch'] as const;
    const total = STEADY_SECONDS * 50;
    const inflight: Array<Promise<void>> = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * 20;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const verb = verbs[i % 3];
      const name = `cm-${i % 100}`;
      inflight.push((async () => {
        const t0 = performance.now();
        if (verb === 'get') await kc.get(R.configmaps, name, 'bench');
        else if (verb === 'update') {
          const cur = await kc.get(R.configmaps, name, 'bench');
          const t1 = performance.now();
          await kc.update(R.configmaps, { ...cur, data: { ...(cur.data as object), n: String(i) } });
          lat.update.push(performance.now() - t1);
          return;
        } else await kc.patch(R.configmaps, name, { data: { p: String(i) } }, 'merge', { namespace: 'bench' });
        lat[verb].push(performance.now() - t0);
      })().catch((err: Error) => {
        // Two updates of one object may race: a Conflict is the protocol working, not a sample.
        if ((err as { kind?: string }).kind !== 'Conflict') throw err;
      }));
    }
    await Promise.all(inflight);
    const latency = Object.fromEntries(verbs.map((v) => [v, { p50: pct(lat[v], 50), p99: pct(lat[v], 99) }])) as Result['lat'];

    // 3. LIST of N pods.
    await parallel(PODS, 16, async (i) => {
      await kc.create(R.pods, pod(`pod-${i}`), { namespace: 'pods' });
    });
    const listTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const list = await kc.list(R.pods, { namespace: 'pods' });
      listTimes.push(performance.now() - t0);
      if (list.items.length !== PODS) throw new Error(`LIST returned ${list.items.length} pods, expected ${PODS}`);
    }
    const listMs = pct(listTimes, 50);

    // 4. Watch delivery latency to many watchers.
    const wkc = KubeClient.fromKubeconfig(server.kubeconfig, undefined, { maxSockets: WATCHERS + 4 });
    const rv = (await kc.list(R.configmaps, { namespace: 'bench', limit: 1 })).metadata.resourceVersion;
    const sent = new Map<string, number>();
    const delays: number[] = [];
    const EVENTS = 20;
    const watches = Array.from({ length: WATCHERS }, () => wkc.watch(R.configmaps, { namespace: 'bench', labelSelector: 'watched=yes', resourceVersion: rv }));
    const consumers = watches.map(async (w) => {
      let seen = 0;
      for await (const ev of w) {
        if (ev.type !== 'ADDED') continue;
        const t = sent.get(ev.object.metadata!.name!);
        if (t !== undefined) delays.push(performance.now() - t);
        if (++seen === EVENTS) break;
      }
    });
    await sleep(1000);
    for (let i = 0; i < EVENTS; i++) {
      const name = `watched-${i}`;
      sent.set(name, performance.now());
      await kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'bench', labels: { watched: 'yes' } } });
      await sleep(50);
    }
    await Promise.all(consumers);
    for (const w of watches) w.close();
    wkc.close();
    kc.close();
    return { createsPerSec, lat: latency, listMs, watchP50: pct(delays, 50), watchP99: pct(delays, 99), idleRss };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const sqlite = await bench('sqlite');
  let etcd: EtcdProcess | undefined;
  let onEtcd: Result;
  try {
    etcd = await startEtcd();
    onEtcd = await bench('etcd', etcd.endpoint);
  } finally {
    await etcd?.stop();
  }
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const rows: Array<[string, string, (r: Result) => string]> = [
    ['creates/s (16 clients)', '>= 1000', (r) => f(r.createsPerSec, 0)],
    ['get p50 / p99 ms @50rps', '', (r) => `${f(r.lat.get.p50)} / ${f(r.lat.get.p99)}`],
    ['update p50 / p99 ms @50rps', 'p99 <= 25', (r) => `${f(r.lat.update.p50)} / ${f(r.lat.update.p99)}`],
    ['patch p50 / p99 ms @50rps', 'p99 <= 25', (r) => `${f(r.lat.patch.p50)} / ${f(r.lat.patch.p99)}`],
    [`LIST ${PODS} pods ms`, '<= 500', (r) => f(r.listMs, 0)],
    [`watch p50 / p99 ms (${WATCHERS} watchers)`, 'p99 <= 50', (r) => `${f(r.watchP50)} / ${f(r.watchP99)}`],
    ['idle RSS MB', '<= 120', (r) => f(r.idleRss)],
  ];
  const table = [['metric', 'target', 'SQLite', 'etcd'], ...rows.map(([m, t, fn]) => [m, t, fn(sqlite), fn(onEtcd)])];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c])).join(' | '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
