/**
 * Pod startup benchmark: a real `bosun server` on a temp data dir, a Deployment of N replicas of
 * the pre-pulled `busybox:latest` (imagePullPolicy: Never), measured through the Kubernetes API only.
 * Prints one table with the targets of the workloads issue.
 *
 *   node dist/bench/pod-startup.js [--replicas 20,100] [--workload httpd|sleep] [--no-docker]
 *
 * Each replica count is its own Deployment on the same server, one after the other (the previous
 * one deleted and its pods gone first). Per run, ONE watch on the Deployment's pods, opened before
 * the Deployment is created, gives every figure:
 *  - pod startup latency, as the Kubernetes pod-startup SLO defines it: pod creation → the first
 *    watch event where the pod is Running with every container started. creationTimestamp has 1 s
 *    resolution, so the creation instant is taken as the receive time of the pod's ADDED event
 *    (watch delivery is ~10 ms here, see BENCHMARKS.md); the figure against creationTimestamp
 *    itself is printed too (it over-states by the truncated fraction of a second, 0–1 s);
 *  - the breakdown: how the ReplicaSet controller spread the creates (first → last ADDED), then per
 *    pod ADDED → bound to the node (spec.nodeName seen) → Running;
 *  - the time from sending the Deployment create to the watch event in which the last pod is Ready,
 *    and the CPU time spent meanwhile by the server, by the children it reaped (CNI plugins, its
 *    own runc calls), by the per-pod processes with the children they reaped (conmon double-forks
 *    away from the server and reaps `runc create` itself), and by the whole machine (other work on
 *    this shared VM shows there);
 *  - with every pod Ready and 2 s of quiet: VmRSS of the server process (children excluded), and
 *    the host processes per pod besides the pods' own (conmon …: found by the data dir in their
 *    argv, in the host PID namespace so the containers' processes are not counted), with their RSS.
 * For context (no peer runs Kubernetes pods on this machine): the median `docker run -d` of one
 * detached busybox on Bosun's own engine, through the docker CLI.
 *
 * Workload `httpd` (default): `httpd -f -p 8080` with a tcpSocket readinessProbe every second, so
 * Ready means the pod's network answers; `sleep`: `sleep 3600`, no probe (Ready = started).
 *
 *   /tmp/bosun-test-XXXX/        the server's data dir (removed by `bosun teardown --purge`)
 *     kube-cache-XXXX/           (made by the e2e helper; unused here)
 *     docker-config/             a throw-away DOCKER_CONFIG for the docker CLI runs
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { KubeClient, resources as R } from '../src/client/index.js';
import type { KObject } from '../src/api/types.js';
import { startServer, type BosunServer } from '../test/e2e/k8s-helpers.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const REPLICAS = (flag('replicas') ?? '20,100').split(',').map(Number);
if (REPLICAS.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--replicas wants positive integers, comma-separated: ${flag('replicas')}`);
const WORKLOAD = flag('workload') ?? 'httpd';
if (WORKLOAD !== 'httpd' && WORKLOAD !== 'sleep') throw new Error(`--workload is httpd or sleep, not ${WORKLOAD}`);
const DOCKER = !process.argv.includes('--no-docker');
const NAMESPACE = 'default';
/** USER_HZ: the unit of /proc CPU times (`getconf CLK_TCK`), 100 on every Linux architecture Node runs on. */
const HZ = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const log = (s: string) => process.stderr.write(`pod-startup: ${s}\n`);

interface PodStatus {
  phase?: string;
  conditions?: Array<{ type: string; status: string }>;
  containerStatuses?: Array<{ state?: { running?: unknown }; started?: boolean; ready?: boolean }>;
}
type Pod = KObject & { spec?: { nodeName?: string; containers?: unknown[] }; status?: PodStatus };

function deployment(name: string, replicas: number): KObject {
  const container = WORKLOAD === 'httpd'
    ? {
      name: 'web', image: 'busybox:latest', imagePullPolicy: 'Never', command: ['httpd', '-f', '-p', '8080'],
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    }
    : { name: 'sleep', image: 'busybox:latest', imagePullPolicy: 'Never', command: ['sleep', '3600'] };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [container], terminationGracePeriodSeconds: 1 },
      },
    },
  };
}

/** The SLO's "running with all containers started" (a kubelet that omits `started` counts it from state). */
function runningAndStarted(pod: Pod): boolean {
  const want = pod.spec?.containers?.length ?? 1;
  const cs = pod.status?.containerStatuses ?? [];
  return pod.status?.phase === 'Running' && cs.length === want && cs.every((c) => c.state?.running !== undefined && c.started !== false);
}

const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const hostPidNs = readlinkSync('/proc/self/ns/pid');

function vmRssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Parent pid and clock ticks (USER_HZ) of a process: its own, and of the children it has waited for. */
function cpuTicks(pid: number): { ppid: number; own: number; children: number } {
  // Fields after "(comm)": the comm may hold spaces, so split after its closing parenthesis.
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ').map(Number);
  return { ppid: f[1], own: f[11] + f[12], children: f[13] + f[14] };
}

/** Busy ticks of the whole machine (every core): /proc/stat's first line minus idle and iowait. */
function machineBusyTicks(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4];
}

/**
 * Host-namespace processes that name the data dir in their argv, by comm, with their RSS and CPU
 * ticks (their own and their reaped children's: conmon reaps `runc create`). The server's own
 * children (a runc call in flight) are left out: their time lands in the server's children ticks.
 */
function instanceProcesses(dataDir: string, serverPid: number): Map<string, { count: number; rssKb: number; ticks: number }> {
  const out = new Map<string, { count: number; rssKb: number; ticks: number }>();
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === serverPid || Number(n) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${n}/ns/pid`) !== hostPidNs) continue;
      if (!readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(dataDir)) continue;
      const cpu = cpuTicks(Number(n));
      if (cpu.ppid === serverPid) continue;
      const comm = readFileSync(`/proc/${n}/comm`, 'utf8').trim();
      const e = out.get(comm) ?? { count: 0, rssKb: 0, ticks: 0 };
      e.count++;
      e.rssKb += vmRssKb(Number(n));
      e.ticks += cpu.own + cpu.children;
      out.set(comm, e);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

async function waitNodeReady(kc: KubeClient, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  let seen = 'no Node registered';
  while (Date.now() < end) {
    const nodes = await kc.list<Pod>(R.nodes);
    for (const n of nodes.items) {
      if (isReady(n)) return n.metadata!.name!;
      seen = `Node ${n.metadata?.name} not Ready`;
    }
    await sleep(250);
  }
  throw new Error(`no Ready Node after ${timeoutMs / 1000} s (${seen})`);
}

/** Pods are refused until the namespace's default ServiceAccount exists; don't time that wait. */
async function waitServiceAccount(kc: KubeClient, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      await kc.get(R.serviceaccounts, 'default', NAMESPACE);
      return;
    } catch {
      await sleep(250);
    }
  }
  log(`no default ServiceAccount in ${NAMESPACE} after ${timeoutMs / 1000} s; going on`);
}

interface PodTimes {
  added: number;
  created: number;
  bound?: number;
  running?: number;
  ready?: number;
  /** Seen DELETED: a pod replaced mid-run no longer counts towards "all Ready". */
  deleted?: boolean;
}

interface RunResult {
  replicas: number;
  started: number;
  ready: number;
  distinctPods: number;
  startupMs: number[];
  startupByTsMs: number[];
  bindMs: number[];
  bindToRunMs: number[];
  allReadyMs: number;
  /** Create sent → first pod's ADDED, and first → last ADDED: how the ReplicaSet controller spread the creates. */
  firstAddedMs: number;
  addedSpreadMs: number;
  /**
   * CPU seconds from the create to the last Ready: the server's own, its reaped children's (CNI
   * plugins …), the per-pod processes' with theirs (conmon and the runc it reaps), the machine's.
   */
  cpuServer: number;
  cpuChildren: number;
  cpuConmon: number;
  cpuMachine: number;
  cpuWindowS: number;
  cores: number;
  serverRssMb: number;
  perPod: Map<string, { count: number; rssKb: number; ticks: number }>;
  deleteMs: number;
}

async function runOnce(server: BosunServer, kc: KubeClient, replicas: number): Promise<RunResult> {
  const name = `startup-${replicas}`;
  const deadlineMs = 30_000 + replicas * 1000;
  const rv = (await kc.list(R.pods, { namespace: NAMESPACE, labelSelector: `app=${name}`, limit: 1 })).metadata.resourceVersion;
  const watch = kc.watch<Pod>(R.pods, { namespace: NAMESPACE, labelSelector: `app=${name}`, resourceVersion: rv });
  const pods = new Map<string, PodTimes>();
  let applyAt = 0;
  let allReadyAt = 0;
  const pid = server.proc.pid!;
  const snapshot = () => ({
    ...cpuTicks(pid),
    others: [...instanceProcesses(server.dataDir, pid).values()].reduce((a, e) => a + e.ticks, 0),
    machine: machineBusyTicks(),
    at: Date.now(),
  });
  let atApply = snapshot();
  let atReady = atApply;
  let onAllReady: () => void = () => undefined;
  const allReady = new Promise<void>((r) => (onAllReady = r));
  const consumer = (async () => {
    for await (const ev of watch) {
      const now = Date.now();
      if (ev.type === 'BOOKMARK') continue;
      const uid = ev.object.metadata!.uid!;
      let t = pods.get(uid);
      if (!t) {
        t = { added: now, created: Date.parse(ev.object.metadata!.creationTimestamp ?? '') };
        pods.set(uid, t);
      }
      if (ev.type === 'DELETED') {
        t.deleted = true;
        continue;
      }
      if (t.bound === undefined && ev.object.spec?.nodeName) t.bound = now;
      if (t.running === undefined && runningAndStarted(ev.object)) t.running = now;
      if (t.ready === undefined && isReady(ev.object)) t.ready = now;
      if (!allReadyAt && [...pods.values()].filter((p) => p.ready !== undefined && !p.deleted).length >= replicas) {
        allReadyAt = now;
        atReady = snapshot();
        onAllReady();
      }
    }
  })();
  consumer.catch((err: Error) => log(`watch ended: ${err.message}`));
  try {
    // The watch request is sent when iteration starts; give it time to be established so the
    // receive times are those of a live stream, not of a replay.
    await sleep(1000);
    atApply = snapshot();
    applyAt = Date.now();
    await kc.create(R.deployments, deployment(name, replicas), { namespace: NAMESPACE });
    log(`${name}: created; waiting up to ${deadlineMs / 1000} s for ${replicas} Ready pods`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allReady, new Promise((r) => (timer = setTimeout(r, deadlineMs)))]);
    clearTimeout(timer);
    const all = [...pods.values()];
    const readyCount = all.filter((p) => p.ready !== undefined && !p.deleted).length;
    if (!allReadyAt) {
      log(`${name}: only ${readyCount}/${replicas} Ready after ${deadlineMs / 1000} s`);
      atReady = snapshot();
    }
    await sleep(2000);
    const serverRssMb = vmRssKb(server.proc.pid!) / 1024;
    const perPod = instanceProcesses(server.dataDir, server.proc.pid!);
    const startedPods = all.filter((p) => p.running !== undefined);

    const t0 = Date.now();
    await kc.delete(R.deployments, name, { namespace: NAMESPACE, propagationPolicy: 'Background' });
    let left = -1;
    while (Date.now() - t0 < 120_000) {
      left = (await kc.list(R.pods, { namespace: NAMESPACE, labelSelector: `app=${name}` })).items.length;
      if (left === 0) break;
      await sleep(500);
    }
    const deleteMs = Date.now() - t0;
    if (left !== 0) log(`${name}: ${left} pods still there ${deleteMs / 1000} s after deleting the Deployment`);
    return {
      replicas,
      started: startedPods.length,
      ready: readyCount,
      distinctPods: all.length,
      startupMs: startedPods.map((p) => p.running! - p.added),
      startupByTsMs: startedPods.map((p) => p.running! - p.created),
      bindMs: all.filter((p) => p.bound !== undefined).map((p) => p.bound! - p.added),
      bindToRunMs: startedPods.filter((p) => p.bound !== undefined).map((p) => p.running! - p.bound!),
      allReadyMs: allReadyAt ? allReadyAt - applyAt : NaN,
      firstAddedMs: Math.min(...all.map((p) => p.added)) - applyAt,
      addedSpreadMs: Math.max(...all.map((p) => p.added)) - Math.min(...all.map((p) => p.added)),
      cpuServer: (atReady.own - atApply.own) / HZ,
      cpuChildren: (atReady.children - atApply.children) / HZ,
      cpuConmon: (atReady.others - atApply.others) / HZ,
      cpuMachine: (atReady.machine - atApply.machine) / HZ,
      cpuWindowS: (atReady.at - atApply.at) / 1000,
      cores: availableParallelism(),
      serverRssMb,
      perPod,
      deleteMs: left === 0 ? deleteMs : NaN,
    };
  } finally {
    watch.close();
    await consumer.catch(() => undefined);
  }
}

function timeCmd(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim()}`));
      else resolve({ ms, out: out.trim() });
    });
  });
}

/** Median wall time of `docker run -d` of one busybox sleep, after a warm-up; containers removed after. */
async function dockerRunDetached(server: BosunServer): Promise<number> {
  const dockerConfig = join(server.dataDir, 'docker-config');
  mkdirSync(dockerConfig, { recursive: true });
  const env = { ...process.env, DOCKER_HOST: `unix://${join(server.dataDir, 'engine.sock')}`, DOCKER_CONFIG: dockerConfig };
  const ids: string[] = [];
  const samples: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const r = await timeCmd('docker', ['run', '-d', '--network', 'none', '--pull', 'never', 'busybox:latest', 'sleep', '300'], env);
      ids.push(r.out);
      if (i > 0) samples.push(r.ms);
    }
  } finally {
    if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { env, stdio: 'ignore' });
  }
  return pct(samples, 50);
}

async function main(): Promise<void> {
  let server: BosunServer | undefined;
  let kc: KubeClient | undefined;
  const cleanup = async () => {
    kc?.close();
    const s = server;
    server = undefined;
    // `destroy` is SIGTERM, then `bosun teardown --data-dir DIR --purge`.
    if (s) await s.destroy();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));
  const results: RunResult[] = [];
  let dockerMs = NaN;
  const loadBefore = loadavg()[0];
  try {
    server = await startServer();
    log(`server pid ${server.proc.pid}, data dir ${server.dataDir}`);
    kc = KubeClient.fromKubeconfig(server.kubeconfig, undefined, { maxSockets: 8 });
    const t0 = Date.now();
    const node = await waitNodeReady(kc, 90_000);
    log(`Node ${node} Ready ${((Date.now() - t0) / 1000).toFixed(1)} s after the API answered`);
    await waitServiceAccount(kc, 30_000);
    for (const n of REPLICAS) {
      try {
        results.push(await runOnce(server, kc, n));
      } catch (err) {
        // The runs already measured are still worth their table.
        log(`${n} replicas: ${(err as Error).message}`);
        process.exitCode = 1;
        break;
      }
    }
    if (DOCKER) {
      try {
        dockerMs = await dockerRunDetached(server);
      } catch (err) {
        log(`docker run -d for context failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await cleanup();
  }

  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const readyTarget = (n: number) => (n === 20 ? 8000 : n === 100 ? 15000 : NaN);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' OK' : ' MISSED');
  const rows: Array<[string, string, (r: RunResult) => string]> = [
    ['pods started / Ready / seen', '', (r) => `${r.started} / ${r.ready} / ${r.distinctPods}`],
    ['startup p50 / p99 ms (ADDED → Running)', 'p99 <= 1000', (r) => `${f(pct(r.startupMs, 50))} / ${f(pct(r.startupMs, 99))}${verdict(r.started ? pct(r.startupMs, 99) <= 1000 : false)}`],
    ['  same from creationTimestamp (1 s res.)', '', (r) => `${f(pct(r.startupByTsMs, 50))} / ${f(pct(r.startupByTsMs, 99))}`],
    ['create → first pod ADDED / first → last ADDED, ms', '', (r) => `${f(r.firstAddedMs)} / ${f(r.addedSpreadMs)}`],
    ['  ADDED → bound p50 / p99 ms', '', (r) => `${f(pct(r.bindMs, 50))} / ${f(pct(r.bindMs, 99))}`],
    ['  bound → Running p50 / p99 ms', '', (r) => `${f(pct(r.bindToRunMs, 50))} / ${f(pct(r.bindToRunMs, 99))}`],
    ['all Ready, ms after create', '20: <= 8000; 100: <= 15000', (r) => `${f(r.allReadyMs)}${verdict(Number.isFinite(readyTarget(r.replicas)) ? r.allReadyMs <= readyTarget(r.replicas) : undefined)}`],
    ['CPU s to all Ready: server / its children / conmon+runc', '', (r) => `${f(r.cpuServer, 1)} / ${f(r.cpuChildren, 1)} / ${f(r.cpuConmon, 1)}`],
    ['  per pod, ms (all three)', '', (r) => f((1000 * (r.cpuServer + r.cpuChildren + r.cpuConmon)) / r.replicas)],
    ['  whole machine busy (other work included)', '', (r) => `${f(r.cpuMachine, 1)} of ${f(r.cores * r.cpuWindowS, 1)} s`],
    ['server RSS MB, pods running', '<= 300 (100 pods)', (r) => `${f(r.serverRssMb, 1)}${verdict(r.replicas === 100 ? r.serverRssMb <= 300 : undefined)}`],
    ['host processes per pod (besides its own)', '', (r) => [...r.perPod].map(([c, e]) => `${(e.count / r.replicas).toFixed(2)} ${c}`).join(', ') || 'none'],
    ['  their RSS MB total / per pod', '', (r) => {
      const kb = [...r.perPod.values()].reduce((a, e) => a + e.rssKb, 0);
      return `${f(kb / 1024, 1)} / ${f(kb / 1024 / r.replicas, 2)}`;
    }],
    ['delete → all pods gone, ms', '', (r) => f(r.deleteMs)],
  ];
  const table = [['metric', 'target', ...results.map((r) => `${r.replicas} replicas`)], ...rows.map(([m, t, fn]) => [m, t, ...results.map(fn)])];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  console.log(`\nPod startup: Deployment of busybox:latest (${WORKLOAD}), imagePullPolicy Never, one node; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
  for (const [i, r] of table.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c])).join(' | '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  }
  if (DOCKER) console.log(`\nContext: docker run -d busybox sleep on Bosun's engine (docker CLI 28), median of 5: ${f(dockerMs, 1)} ms per container`);
  if (results.some((r) => r.ready < r.replicas)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
