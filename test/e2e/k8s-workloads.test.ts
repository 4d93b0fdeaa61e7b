/**
 * Workloads end to end: the real kubectl (1.33, and 1.27 for the SPDY exec and port-forward paths)
 * against a real `bosun server`, whose scheduler, controllers and node agent run real pods on
 * runc. Everything uses the locally present busybox:latest; nothing is pulled.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, writeTemp, kubectlPath, type BosunServer, type Run } from './k8s-helpers.js';

let server: BosunServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.destroy();
});

interface PodJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: Array<{ name: string; image: string }> };
  status: {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number; state: { waiting?: { reason?: string }; running?: object } }>;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function k(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(33, args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function json<T>(args: string[]): Promise<T> {
  return JSON.parse(await k([...args, '-o', 'json'])) as T;
}

/** Polls `probe` until it returns a value; the bound is generous, it only keeps a broken run from hanging. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, tries = 600, everyMs = 250): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Pods of the selector that are not being deleted. */
async function livePods(selector: string): Promise<PodJson[]> {
  const list = await json<{ items: PodJson[] }>(['get', 'pods', '-l', selector]);
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

/** Exactly `n` pods of the selector, all Running with every container ready, and no others left. */
function allReady(selector: string, n: number): Promise<PodJson[]> {
  return until(`${n} ready pods of ${selector}`, async () => {
    const all = (await json<{ items: PodJson[] }>(['get', 'pods', '-l', selector])).items;
    const ready = all.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running' &&
      (p.status.containerStatuses ?? []).length === p.spec.containers.length && p.status.containerStatuses!.every((c) => c.ready));
    return all.length === n && ready.length === n && ready;
  });
}

function httpText(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

const WEB = `apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {GREETING: hello-from-configmap}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret}
stringData: {password: s3cr3t}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: server
        image: busybox:latest
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "mkdir -p /www && echo \\"pod $HOSTNAME $GREETING\\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
        envFrom: [{configMapRef: {name: web-config}}]
        ports: [{containerPort: 8080}]
        resources: {limits: {memory: 64Mi}}
        volumeMounts: [{name: secret, mountPath: /etc/secret, readOnly: true}]
      - name: client
        image: busybox:latest
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "while true; do wget -q -O - http://127.0.0.1:8080/ && echo fetched-over-localhost; sleep 1; done"]
      volumes:
      - name: secret
        secret: {secretName: web-secret}
`;

test('a 3-replica Deployment of a two-container pod runs: localhost between containers, pod IPs, ConfigMap env, Secret files, memory limit', async () => {
  await until('the node to be Ready', async () => {
    const nodes = await json<{ items: Array<{ status: { conditions?: Array<{ type: string; status: string }> } }> }>(['get', 'nodes']);
    return nodes.items.some((n) => n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  });
  await k(['apply', '-f', writeTemp(server, 'web.yaml', WEB)]);
  const pods = await allReady('app=web', 3);

  for (const p of pods) {
    // Each pod's own IP answers from the host, with the page its server container wrote.
    assert.equal((await httpText(p.status.podIP!, 8080)).trim(), `pod ${p.metadata.name} hello-from-configmap`);
  }
  const pod = pods[0]!.metadata.name;
  // The client container reaches the server container of its pod on 127.0.0.1.
  const clientLog = await until('the client container to fetch over localhost', async () => {
    const out = await k(['logs', pod, '-c', 'client']);
    return out.includes('fetched-over-localhost') && out;
  });
  assert.match(clientLog, new RegExp(`pod ${pod} hello-from-configmap`));

  assert.equal((await k(['exec', pod, '-c', 'server', '--', 'sh', '-c', 'echo $GREETING'])).trim(), 'hello-from-configmap');
  assert.equal(await k(['exec', pod, '-c', 'server', '--', 'cat', '/etc/secret/password']), 's3cr3t');
  assert.equal((await k(['exec', pod, '-c', 'server', '--', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes'])).trim(), String(64 * 1024 * 1024));
});

test('kubectl logs, exec (1.33 and 1.27), port-forward (1.33 and 1.27) and cp reach a pod', async () => {
  const [pod] = await allReady('app=web', 3);
  const name = pod!.metadata.name;

  // logs: container defaulting (kubectl picks the first container), --tail, --timestamps, -l.
  const logs = await server.kubectl(33, ['logs', name]);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stderr, /Defaulted container "server" out of: server, client/);
  const tail = await k(['logs', name, '-c', 'client', '--tail', '1', '--timestamps']);
  assert.match(tail, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \S/);
  assert.equal(tail.trim().split('\n').length, 1);
  assert.match(await k(['logs', '-l', 'app=web', '-c', 'client', '--tail', '1']), /fetched-over-localhost|hello-from-configmap/);
  // The API server's own answer when no container is named, as the real one words it.
  const raw = await server.kubectl(33, ['get', '--raw', `/api/v1/namespaces/default/pods/${name}/log`]);
  assert.notEqual(raw.code, 0);
  assert.match(raw.stderr, new RegExp(`a container name must be specified for pod ${name}, choose one of: \\[server client\\]`));

  // logs -f follows: a line printed after the request started still arrives.
  const follow = spawn(kubectlPath(33), ['--kubeconfig', server.kubeconfig, 'logs', '-f', name, '-c', 'client', '--since', '1s']);
  let followed = '';
  follow.stdout.on('data', (d) => (followed += d));
  await until('kubectl logs -f to show new lines', async () => followed.split('\n').filter((l) => l.includes('fetched-over-localhost')).length >= 2);
  follow.kill();

  for (const minor of [33, 27]) {
    const r: Run = await server.kubectl(minor, ['exec', name, '-c', 'server', '--', 'hostname']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), name);
    const failing = await server.kubectl(minor, ['exec', name, '-c', 'server', '--', 'sh', '-c', 'exit 7']);
    assert.equal(failing.code, 7);
    const stdin = await server.kubectl(minor, ['exec', '-i', name, '-c', 'server', '--', 'tr', 'a-z', 'A-Z'], { input: 'shout\n' });
    assert.equal(stdin.stdout, 'SHOUT\n');
  }

  for (const minor of [33, 27]) {
    const pf = spawn(kubectlPath(minor), ['--kubeconfig', server.kubeconfig, 'port-forward', `pod/${name}`, ':8080']);
    let out = '';
    pf.stdout.on('data', (d) => (out += d));
    try {
      const port = await until(`kubectl 1.${minor} port-forward to listen`, async () => Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1]));
      assert.equal((await httpText('127.0.0.1', port)).trim(), `pod ${name} hello-from-configmap`);
    } finally {
      pf.kill();
    }
  }

  const local = join(server.dataDir, 'cp-source.txt');
  writeFileSync(local, 'copied with kubectl cp\n');
  await k(['cp', local, `${name}:/tmp/copied.txt`, '-c', 'server']);
  assert.equal(await k(['exec', name, '-c', 'server', '--', 'cat', '/tmp/copied.txt']), 'copied with kubectl cp\n');
  const back = join(server.dataDir, 'cp-back.txt');
  await k(['cp', `${name}:/tmp/copied.txt`, back, '-c', 'server']);
  assert.equal(readFileSync(back, 'utf8'), 'copied with kubectl cp\n');
});

test('a deleted pod is replaced; scale to 5 and to 1', async () => {
  const before = await allReady('app=web', 3);
  const victim = before[0]!.metadata.uid;
  await k(['delete', 'pod', before[0]!.metadata.name, '--wait=false']);
  const after = await until('a replacement pod', async () => {
    const pods = await livePods('app=web');
    return pods.length === 3 && !pods.some((p) => p.metadata.uid === victim) && pods;
  });
  assert.equal(after.filter((p) => before.some((b) => b.metadata.uid === p.metadata.uid)).length, 2);
  await allReady('app=web', 3);

  await k(['scale', 'deployment/web', '--replicas=5']);
  await allReady('app=web', 5);
  await k(['scale', 'deployment/web', '--replicas=1']);
  await allReady('app=web', 1);
  const dep = await json<{ status: { replicas?: number; readyReplicas?: number } }>(['get', 'deployment', 'web']);
  assert.equal(dep.status.replicas, 1);
});

test('set image rolls out, rollout history lists revisions, rollout undo restores the old template', async () => {
  await k(['scale', 'deployment/web', '--replicas=2']);
  await allReady('app=web', 2);
  // Another name of the same local image: a new template (and ReplicaSet) without any pull.
  await k(['set', 'image', 'deployment/web', 'server=docker.io/library/busybox:latest']);
  assert.match(await k(['rollout', 'status', 'deployment/web', '--timeout=120s']), /successfully rolled out/);
  let pods = await allReady('app=web', 2);
  assert.ok(pods.every((p) => p.spec.containers[0]!.image === 'docker.io/library/busybox:latest'));

  const history = await k(['rollout', 'history', 'deployment/web']);
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  const rs = await json<{ items: unknown[] }>(['get', 'replicasets', '-l', 'app=web']);
  assert.equal(rs.items.length, 2);

  await k(['rollout', 'undo', 'deployment/web']);
  assert.match(await k(['rollout', 'status', 'deployment/web', '--timeout=120s']), /successfully rolled out/);
  pods = await allReady('app=web', 2);
  assert.ok(pods.every((p) => p.spec.containers[0]!.image === 'busybox:latest'));
  // Undo re-uses revision 1's ReplicaSet as revision 3.
  assert.match(await k(['rollout', 'history', 'deployment/web']), /^3\s/m);
  assert.equal((await json<{ items: unknown[] }>(['get', 'replicasets', '-l', 'app=web'])).items.length, 2);
});

test('a crashing container goes to CrashLoopBackOff with a growing restartCount', async () => {
  await k(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "echo crashing; exit 3"]
`);
  const status = (p: PodJson) => p.status.containerStatuses?.[0];
  const first = await until('CrashLoopBackOff', async () => {
    const p = await json<PodJson>(['get', 'pod', 'crasher']);
    const s = status(p);
    return s?.state.waiting?.reason === 'CrashLoopBackOff' && s.restartCount >= 1 && s.restartCount;
  }, 1200);
  const grown = await until('a growing restartCount', async () => {
    const s = status(await json<PodJson>(['get', 'pod', 'crasher']));
    return s && s.restartCount > first && s.restartCount;
  }, 1200);
  assert.ok(grown > first);
  assert.equal((await k(['logs', 'crasher', '--previous'])).trim(), 'crashing');
  const events = await k(['get', 'events', '--field-selector', 'involvedObject.name=crasher']);
  assert.match(events, /BackOff/);
  await k(['delete', 'pod', 'crasher', '--wait=true', '--timeout=60s']);
});

test('a pod asking for more CPU than the node has stays Pending with a FailedScheduling event', async () => {
  await k(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  containers:
  - name: c
    image: busybox:latest
    imagePullPolicy: Never
    command: ["sleep", "3600"]
    resources: {requests: {cpu: "1000"}}
`);
  const message = await until('a FailedScheduling event', async () => {
    const list = await json<{ items: Array<{ reason: string; message: string }> }>(['get', 'events', '--field-selector', 'involvedObject.name=greedy']);
    return list.items.find((e) => e.reason === 'FailedScheduling')?.message;
  });
  assert.match(message, /Insufficient cpu/);
  const pod = await json<PodJson & { spec: { nodeName?: string } }>(['get', 'pod', 'greedy']);
  assert.equal(pod.status.phase, 'Pending');
  assert.equal(pod.spec.nodeName, undefined);
  assert.match(await k(['describe', 'pod', 'greedy']), /FailedScheduling/);
  await k(['delete', 'pod', 'greedy']);
});

test('kill -9 of the server leaves pods running; the restarted server re-adopts them', async () => {
  await k(['scale', 'deployment/web', '--replicas=2']);
  const before = await allReady('app=web', 2);
  // A mark inside each container: finding it again later proves the same container, not a new one.
  for (const p of before) await k(['exec', p.metadata.name, '-c', 'server', '--', 'touch', '/tmp/before-kill']);
  await server.kill9();
  // With no server at all, the pods still serve.
  for (const p of before) assert.equal((await httpText(p.status.podIP!, 8080)).trim(), `pod ${p.metadata.name} hello-from-configmap`);
  await server.restart();
  for (const p of before) {
    // The API server is up before the node agent has re-adopted its pods and connected.
    const out = await until(`exec into ${p.metadata.name} after the restart`, async () => {
      const r = await server.kubectl(33, ['exec', p.metadata.name, '-c', 'server', '--', 'ls', '/tmp/before-kill']);
      return r.code === 0 && r.stdout;
    });
    assert.equal(out.trim(), '/tmp/before-kill');
  }
  const after = await allReady('app=web', 2);
  assert.deepEqual(after.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort());
  // Re-adopted, not restarted: the same containers, still on their first run.
  for (const p of after) assert.ok(p.status.containerStatuses!.every((c) => c.restartCount === 0 && c.state.running));
});

test('deleting the Deployment removes its ReplicaSets and pods', async () => {
  await k(['delete', 'deployment', 'web']);
  await until('the ReplicaSets and pods to go', async () => {
    const rs = await json<{ items: unknown[] }>(['get', 'replicasets', '-l', 'app=web']);
    const pods = await json<{ items: unknown[] }>(['get', 'pods', '-l', 'app=web']);
    return rs.items.length === 0 && pods.items.length === 0;
  });
});
