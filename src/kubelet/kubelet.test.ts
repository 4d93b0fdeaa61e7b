/**
 * The node agent against the real runtime (runc + conmon), image store and CNI network, with the
 * in-memory FakeClient standing in for the API server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { FakeClient } from '../controllers/framework/fake.js';
import { resources } from '../client/index.js';
import type { KObject } from '../api/index.js';
import { EngineEvents } from '../engine/events.js';
import { createImageStore } from '../engine/images/index.js';
import { createNetwork, type Network } from '../engine/network/index.js';
import { RuncRuntime } from '../engine/runtime/index.js';
import { teardownEngine } from '../engine/index.js';
import { loadInstance, type Instance } from '../server/instance.js';
import { startKubelet, type RunningKubelet } from './index.js';
import type { KubeletOptions } from './kubelet.js';
import type { Pod } from './types.js';

const NODE = 'node-a';
let dir: string;
let instance: Instance;
let network: Network;
let runtime: RuncRuntime;
let client: FakeClient;
let kubelet: RunningKubelet;
let opts: KubeletOptions;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

const getPod = (name: string) => client.get<Pod>(resources.pods, name, 'default');

async function createPod(name: string, spec: Record<string, unknown>): Promise<Pod> {
  return client.create<Pod>(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, ...spec } as KObject });
}

async function running(name: string): Promise<Pod> {
  return waitFor(`pod ${name} running and ready`, async () => {
    const p = await getPod(name);
    return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
  });
}

async function deletePod(name: string): Promise<void> {
  await client.delete(resources.pods, name, { namespace: 'default' });
  await waitFor(`pod ${name} removed`, async () => {
    try {
      await getPod(name);
      return undefined;
    } catch {
      return true;
    }
  });
}

async function exec(pod: string, container: string, command: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const r = await kubelet.streams.target('default', pod).exec(
    { container, command, stdin: false, stdout: true, stderr: true, tty: false },
    { stdout, stderr: stdout, signal: new AbortController().signal },
  );
  return { code: r.exitCode, out };
}

function httpText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      let s = '';
      res.on('data', (d: Buffer) => { s += d.toString(); });
      res.on('end', () => resolve(s));
    }).on('error', reject);
  });
}

before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-');
  instance = loadInstance(dir);
  const events = new EngineEvents();
  const images = await createImageStore(instance, events);
  network = await createNetwork(instance, events);
  runtime = new RuncRuntime(instance.paths.runcRoot, instance.paths.conmon);
  client = new FakeClient();
  await client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  opts = { instance, client, images, network, runtime, nodeName: NODE, kubeletVersion: 'v1.33.1', backoffInitialSec: 1, log: () => undefined };
  kubelet = await startKubelet(opts);
});

after(async () => {
  await kubelet?.stop();
  runtime?.close();
  await network?.close();
  if (instance) await teardownEngine(instance);
  rmSync(dir, { recursive: true, force: true });
});

test('registers the Node with capacity, addresses, conditions and a Lease', async () => {
  const node = await client.get(resources.nodes, NODE);
  const st = node.status as { capacity: Record<string, string>; addresses: Array<{ type: string; address: string }>; conditions: Array<{ type: string; status: string }>; nodeInfo: Record<string, string> };
  assert.equal(st.capacity.pods, '110');
  assert.match(st.capacity.memory, /^\d+Ki$/);
  assert.deepEqual(st.addresses, [{ type: 'InternalIP', address: kubelet.hostIP }, { type: 'Hostname', address: NODE }]);
  assert.equal(st.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(st.conditions.find((c) => c.type === 'MemoryPressure')?.status, 'False');
  assert.equal(st.nodeInfo.kubeletVersion, 'v1.33.1');
  assert.match(st.nodeInfo.containerRuntimeVersion, /^bosun:\/\//);
  assert.equal((node.spec as { podCIDR: string }).podCIDR, kubelet.podCidr);
  const lease = await client.get(resources.leases, NODE, 'kube-node-lease');
  assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, NODE);
});

test('two containers share localhost; the pod IP answers from the host; ConfigMap env, Secret files, memory limit', async () => {
  await client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { GREETING: 'hello-from-configmap', other: 'x' } });
  await client.create(resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } });
  await createPod('web', {
    containers: [
      {
        name: 'server', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent',
        command: ['httpd', '-f', '-p', '8080', '-h', '/etc'],
        env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'GREETING' } } }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cfg' } }],
        resources: { limits: { memory: '64Mi', cpu: '500m' } },
        volumeMounts: [{ name: 'secret', mountPath: '/secret', readOnly: true }],
        readinessProbe: { httpGet: { path: '/hostname', port: 8080 }, periodSeconds: 1 },
      },
      {
        name: 'client', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'until wget -q -O /tmp/got http://localhost:8080/hostname; do sleep 0.2; done; echo "got $(cat /tmp/got)"; exec sleep 3600'],
      },
    ],
    volumes: [{ name: 'secret', secret: { secretName: 'sec' } }],
    terminationGracePeriodSeconds: 1,
  });
  const pod = await running('web');
  const st = pod.status!;
  assert.ok(st.podIP);
  assert.equal(st.hostIP, kubelet.hostIP);
  assert.equal(st.qosClass, 'Burstable');
  assert.deepEqual(st.containerStatuses!.map((c) => [c.name, c.ready, c.restartCount, Boolean(c.state.running)]), [['server', true, 0, true], ['client', true, 0, true]]);
  assert.match(st.containerStatuses![0].containerID!, /^bosun:\/\/[0-9a-f]{64}$/);
  assert.deepEqual(st.conditions!.map((c) => [c.type, c.status]).sort(), [['ContainersReady', 'True'], ['Initialized', 'True'], ['PodScheduled', 'True'], ['Ready', 'True']]);

  assert.equal((await httpText(`http://${st.podIP}:8080/hostname`)).trim(), 'web');

  const logs = await waitFor('client log', async () => {
    let s = '';
    for await (const b of kubelet.streams.logs('default', 'web', { container: 'client' })) s += b.toString();
    return s.includes('got web') ? s : undefined;
  });
  assert.match(logs, /got web/);

  const r = await exec('web', 'server', ['sh', '-c', 'echo "$GREETING $CM_other $POD_NAME"; cat /secret/password; echo; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; hostname']);
  assert.equal(r.code, 0);
  assert.deepEqual(r.out.trim().split('\n'), ['hello-from-configmap x web', 's3cret', String(64 * 1024 * 1024), 'web']);
  assert.equal((await exec('web', 'server', ['sh', '-c', 'exit 7'])).code, 7);
  const etc = (await exec('web', 'client', ['cat', '/etc/resolv.conf', '/etc/hosts'])).out;
  assert.match(etc, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\nnameserver 10\.\d+\.192\.10\noptions ndots:5\n/);
  assert.ok(etc.includes(`${st.podIP}\tweb\n`));
  await deletePod('web');
});

test('a crashing container goes to CrashLoopBackOff with a growing restartCount', async () => {
  await createPod('crash', {
    containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo boom; echo why > /dev/termination-log; exit 3'] }],
    terminationGracePeriodSeconds: 1,
  });
  const st = await waitFor('CrashLoopBackOff with restartCount >= 2', async () => {
    const cs = (await getPod('crash')).status?.containerStatuses?.[0];
    return cs?.state.waiting?.reason === 'CrashLoopBackOff' && cs.restartCount >= 2 ? cs : undefined;
  });
  assert.equal(st.lastState.terminated?.exitCode, 3);
  assert.equal(st.lastState.terminated?.reason, 'Error');
  assert.equal(st.lastState.terminated?.message, 'why\n');
  assert.equal((await getPod('crash')).status?.phase, 'Running');
  let prev = '';
  for await (const b of kubelet.streams.logs('default', 'crash', { previous: true })) prev += b.toString();
  assert.equal(prev, 'boom\n');
  await deletePod('crash');
});

test('graceful deletion: hooks, SIGTERM first, SIGKILL after the grace period, then the pod object goes', async () => {
  const host = mkdtempSync('/tmp/bosun-test-hooks-');
  await createPod('polite', {
    containers: [
      {
        name: 'trap', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'],
        volumeMounts: [{ name: 'h', mountPath: '/h' }],
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started > /h/post'] } }, preStop: { exec: { command: ['sh', '-c', 'echo stopping > /h/pre'] } } },
      },
      { name: 'stubborn', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'] },
    ],
    volumes: [{ name: 'h', hostPath: { path: host } }],
    terminationGracePeriodSeconds: 2,
  });
  const pod = await running('polite');
  await waitFor('postStart hook', () => { try { return readFileSync(`${host}/post`, 'utf8'); } catch { return undefined; } });
  const ids = pod.status!.containerStatuses!.map((c) => c.containerID!.replace('bosun://', ''));
  await deletePod('polite');
  const left = await runtime.list();
  for (const id of ids) assert.ok(!left.includes(id), `container ${id} still known to runc`);
  assert.equal(readFileSync(`${host}/pre`, 'utf8'), 'stopping\n');
  rmSync(host, { recursive: true, force: true });
});

test('OnFailure/Never: a completed pod reports Succeeded, an init container runs first', async () => {
  await createPod('job', {
    restartPolicy: 'Never',
    initContainers: [{ name: 'init', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo init > /work/x'], volumeMounts: [{ name: 'w', mountPath: '/work' }] }],
    containers: [{ name: 'main', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'cat /work/x; test "$(cat /work/x)" = init'], volumeMounts: [{ name: 'w', mountPath: '/work' }] }],
    volumes: [{ name: 'w', emptyDir: { medium: 'Memory' } }],
  });
  const st = await waitFor('Succeeded', async () => {
    const p = await getPod('job');
    return p.status?.phase === 'Succeeded' ? p.status : undefined;
  });
  assert.equal(st.initContainerStatuses![0].state.terminated?.reason, 'Completed');
  assert.equal(st.containerStatuses![0].state.terminated?.exitCode, 0);
  await deletePod('job');
});

test('imagePullPolicy Always with no registry: ErrImagePull with a clear message', async () => {
  await createPod('pull', { containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'Always' }], terminationGracePeriodSeconds: 0 });
  const cs = await waitFor('ErrImagePull', async () => {
    const c = (await getPod('pull')).status?.containerStatuses?.[0];
    return c?.state.waiting?.reason === 'ErrImagePull' || c?.state.waiting?.reason === 'ImagePullBackOff' ? c : undefined;
  });
  assert.match(cs.state.waiting!.message!, /no registry/);
  await deletePod('pull');
});

test('a new agent re-adopts running pods without recreating them', async () => {
  await createPod('keep', {
    containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    terminationGracePeriodSeconds: 1,
  });
  const before = (await running('keep')).status!;
  await kubelet.stop();
  kubelet = await startKubelet(opts);
  await kubelet.flush();
  const afterStatus = (await running('keep')).status!;
  assert.equal(afterStatus.containerStatuses![0].containerID, before.containerStatuses![0].containerID);
  assert.equal(afterStatus.containerStatuses![0].restartCount, 0);
  assert.equal(afterStatus.podIP, before.podIP);

  // The re-adopted container still takes execs, stdin included.
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const run = kubelet.streams.target('default', 'keep').exec(
    { container: 'c', command: ['sh', '-c', 'read line; echo "got $line"'], stdin: true, stdout: true, stderr: false, tty: false },
    { stdin, stdout, signal: new AbortController().signal },
  );
  stdin.end('ping\n');
  assert.equal((await run).exitCode, 0);
  assert.equal(out, 'got ping\n');
  await deletePod('keep');
  assert.deepEqual(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${dir}/kubelet`)), []);
});

test('a container over its memory limit is reported OOMKilled', async () => {
  await createPod('oom', {
    restartPolicy: 'Never',
    containers: [{
      name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', resources: { limits: { memory: '16Mi' } },
      command: ['sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo ${#x}'],
    }],
    terminationGracePeriodSeconds: 1,
  });
  const st = await waitFor('Failed', async () => {
    const p = await getPod('oom');
    return p.status?.phase === 'Failed' ? p.status : undefined;
  });
  assert.equal(st.containerStatuses![0].state.terminated?.reason, 'OOMKilled');
  assert.equal(st.containerStatuses![0].state.terminated?.exitCode, 137);
  await deletePod('oom');
});

test('a failing liveness probe restarts the container and records Unhealthy', async () => {
  await createPod('live', {
    containers: [{
      name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'],
      livenessProbe: { exec: { command: ['test', '-f', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
      readinessProbe: { tcpSocket: { port: 9 }, periodSeconds: 1 },
    }],
    terminationGracePeriodSeconds: 1,
  });
  const cs = await waitFor('a restart', async () => {
    const c = (await getPod('live')).status?.containerStatuses?.[0];
    return c && c.restartCount >= 1 ? c : undefined;
  });
  assert.equal(cs.ready, false);
  const evs = await waitFor('probe events', async () => {
    const all = (await client.list(resources.events, { namespace: 'default' })).items.filter((e) => (e.involvedObject as { name: string }).name === 'live');
    return all.some((e) => e.reason === 'Killing') ? all : undefined;
  });
  assert.ok(evs.some((e) => e.reason === 'Unhealthy' && /Liveness probe failed/.test(e.message as string)));
  assert.ok(evs.some((e) => e.reason === 'Unhealthy' && /Readiness probe failed: dial tcp/.test(e.message as string)));
  assert.ok(evs.some((e) => e.reason === 'Killing'));
  await deletePod('live');
});

test('port-forward reaches a port inside the pod', async () => {
  await createPod('pf', {
    containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo forwarded > /tmp/i; exec httpd -f -p 8081 -h /tmp'] }],
    terminationGracePeriodSeconds: 1,
  });
  await running('pf');
  // A real socket pair stands in for the streaming module's per-connection duplex.
  const server = createServer({ allowHalfOpen: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const local = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true });
  const remote = await accepted;
  const done = waitFor('port ready', async () => {
    const r = await exec('pf', 'c', ['sh', '-c', 'netstat -ltn | grep -q :8081']);
    return r.code === 0 ? true : undefined;
  }).then(() => kubelet.streams.target('default', 'pf').portForward(8081, remote, new AbortController().signal));
  let body = '';
  local.on('data', (d: Buffer) => { body += d.toString(); });
  const ended = new Promise((r) => local.once('end', r));
  await waitFor('forwarded connection', () => (remote.listenerCount('data') > 0 ? true : undefined));
  local.end('GET /i HTTP/1.0\r\n\r\n');
  await done;
  await ended;
  local.destroy();
  server.close();
  assert.match(body, /200 OK[\s\S]*forwarded/);
  await deletePod('pf');
});

test('securityContext, downwardAPI and hostPath volumes, runAsNonRoot refusal, a changed image restarts the container', async () => {
  const host = mkdtempSync('/tmp/bosun-test-hostpath-');
  try {
    await createPod('sec', {
      containers: [{
        name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], workingDir: '/info',
        securityContext: { runAsUser: 1234, runAsGroup: 5678, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        volumeMounts: [{ name: 'info', mountPath: '/info' }, { name: 'host', mountPath: '/host' }],
      }],
      volumes: [
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'host', hostPath: { path: `${host}/sub`, type: 'DirectoryOrCreate' } },
      ],
      terminationGracePeriodSeconds: 1,
    });
    await running('sec');
    const r = await exec('sec', 'c', ['sh', '-c', 'id -u; id -g; pwd; cat name; echo; touch /x 2>/dev/null || echo ro; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | tr -s "\\t" " "; ls -d /host']);
    assert.deepEqual(r.out.trim().split('\n'), ['1234', '5678', '/info', 'sec', 'ro', 'CapEff: 0000000000000000', 'NoNewPrivs: 1', '/host']);

    const pod = await getPod('sec');
    await client.update(resources.pods, { ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0], image: 'busybox' }] } });
    const cs = await waitFor('restart with the new image', async () => {
      const c = (await getPod('sec')).status?.containerStatuses?.[0];
      return c?.image === 'busybox' && c.state.running && c.ready ? c : undefined;
    });
    assert.equal(cs.restartCount, 1);
    await deletePod('sec');
  } finally {
    rmSync(host, { recursive: true, force: true });
  }

  await createPod('root', {
    containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], securityContext: { runAsNonRoot: true } }],
    terminationGracePeriodSeconds: 1,
  });
  const w = await waitFor('CreateContainerConfigError', async () => (await getPod('root')).status?.containerStatuses?.[0]?.state.waiting);
  assert.equal(w.reason, 'CreateContainerConfigError');
  assert.match(w.message!, /runAsNonRoot and image will run as root/);
  await deletePod('root');
});

test('a dead sandbox is replaced and the containers restart inside the new one', async () => {
  await createPod('phoenix', {
    containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    terminationGracePeriodSeconds: 1,
  });
  const pod = await running('phoenix');
  const rec = JSON.parse(readFileSync(`${dir}/kubelet/pods/${pod.metadata.uid}/pod.json`, 'utf8')) as { sandbox: { id: string } };
  await runtime.kill(rec.sandbox.id, 'SIGKILL');
  const cs = await waitFor('a restart in a new sandbox', async () => {
    const p = await getPod('phoenix');
    const c = p.status?.containerStatuses?.[0];
    return c && c.restartCount >= 1 && c.state.running && c.ready ? c : undefined;
  });
  assert.notEqual(cs.containerID, pod.status!.containerStatuses![0].containerID);
  const now = JSON.parse(readFileSync(`${dir}/kubelet/pods/${pod.metadata.uid}/pod.json`, 'utf8')) as { sandbox: { id: string } };
  assert.notEqual(now.sandbox.id, rec.sandbox.id);
  assert.equal((await exec('phoenix', 'c', ['hostname'])).out, 'phoenix\n');
  await deletePod('phoenix');
});
