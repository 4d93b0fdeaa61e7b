/**
 * The node agent against the real API server over HTTPS (field-selected pod watch, pods/status
 * patches, graceful deletion, TokenRequest for projected service-account tokens).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '../store/index.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, resources } from '../client/index.js';
import { EngineEvents } from '../engine/events.js';
import { createImageStore } from '../engine/images/index.js';
import { createNetwork, type Network } from '../engine/network/index.js';
import { RuncRuntime } from '../engine/runtime/index.js';
import type { ImageStore } from '../engine/images/index.js';
import { teardownEngine } from '../engine/index.js';
import { loadInstance, type Instance } from '../server/instance.js';
import { startKubelet, type RunningKubelet } from './index.js';
import type { Pod } from './types.js';

let dir: string;
let instance: Instance;
let server: RunningApiServer;
let client: KubeClient;
let network: Network;
let kubelet: RunningKubelet | undefined;
let images: ImageStore;

before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-');
  instance = loadInstance(dir);
  server = await startApiServer({ instance, store: new MemoryStore(), port: 0 });
  client = KubeClient.fromKubeconfig(instance.paths.kubeconfig);
  const events = new EngineEvents();
  images = await createImageStore(instance, events);
  network = await createNetwork(instance, events);
  kubelet = await startKubelet({ instance, client, images, network, nodeName: 'node-1', log: () => undefined });
});

after(async () => {
  await kubelet?.stop();
  await network?.close();
  client?.close();
  await server?.close();
  if (instance) await teardownEngine(instance);
  rmSync(dir, { recursive: true, force: true });
});

test('runs a pod the API server binds to the node, with a projected token, and deletes it gracefully', async () => {
  const node = await client.get(resources.nodes, 'node-1');
  const version = await client.request<{ gitVersion: string }>('GET', '/version');
  assert.equal((node.status as { nodeInfo: { kubeletVersion: string } }).nodeInfo.kubeletVersion, version.gitVersion);

  await client.create(resources.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } }).catch(() => undefined);
  await client.create(resources.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
    spec: {
      nodeName: 'node-1', terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'],
        volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
      }],
      volumes: [{ name: 'sa', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }],
    },
  });
  let pod: Pod | undefined;
  for (let i = 0; i < 200 && pod?.status?.phase !== 'Running'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    pod = await client.get<Pod>(resources.pods, 'p', 'default');
  }
  assert.equal(pod?.status?.phase, 'Running');
  assert.match(pod!.status!.podIP!, /^10\.\d+\.128\.\d+$/);

  const out: Buffer[] = [];
  const { PassThrough } = await import('node:stream');
  const stdout = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d));
  const r = await kubelet!.streams.target('default', 'p').exec(
    { container: 'c', command: ['head', '-c', '3', '/var/run/secrets/kubernetes.io/serviceaccount/token'], stdin: false, stdout: true, stderr: true, tty: false },
    { stdout, stderr: stdout, signal: new AbortController().signal },
  );
  assert.equal(r.exitCode, 0);
  assert.equal(Buffer.concat(out).toString(), 'eyJ');

  await client.delete(resources.pods, 'p', { namespace: 'default' });
  let gone = false;
  for (let i = 0; i < 200 && !gone; i++) {
    await new Promise((res) => setTimeout(res, 100));
    gone = await client.get(resources.pods, 'p', 'default').then(() => false, () => true);
  }
  assert.ok(gone, 'the pod object was removed once its containers were gone');
});

async function waitPod(name: string, ok: (p: Pod) => boolean): Promise<Pod> {
  for (let i = 0; i < 300; i++) {
    const p = await client.get<Pod>(resources.pods, name, 'default').catch(() => undefined);
    if (p && ok(p)) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pod ${name} never reached the expected state`);
}

test('an agent killed with SIGKILL leaves its pods running; the next agent re-adopts them', async () => {
  await kubelet!.stop();
  kubelet = undefined;
  await network.close();
  const child = spawn(process.execPath, [fileURLToPath(new URL('./testing/agent-process.js', import.meta.url)), dir, 'node-1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
      child.once('exit', (code) => reject(new Error(`agent process exited with ${code}`)));
    });
    await client.create(resources.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'survivor', namespace: 'default' },
      spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
    });
    const before = await waitPod('survivor', (p) => p.status?.containerStatuses?.[0]?.state.running !== undefined);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const id = before.status!.containerStatuses![0].containerID!.replace('bosun://', '');
    const runtime = new RuncRuntime(instance.paths.runcRoot, instance.paths.conmon);
    assert.equal((await runtime.state(id))?.status, 'running', 'the container outlived its agent');
    runtime.close();

    network = await createNetwork(instance, new EngineEvents());
    kubelet = await startKubelet({ instance, client, images, network, nodeName: 'node-1', log: () => undefined });
    await kubelet.flush();
    const after = await waitPod('survivor', (p) => p.status?.phase === 'Running');
    assert.equal(after.status!.containerStatuses![0].containerID, before.status!.containerStatuses![0].containerID);
    assert.equal(after.status!.containerStatuses![0].restartCount, 0);
    assert.equal(after.status!.podIP, before.status!.podIP);
    await client.delete(resources.pods, 'survivor', { namespace: 'default' });
    let gone = false;
    for (let i = 0; i < 300 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = await client.get(resources.pods, 'survivor', 'default').then(() => false, () => true);
    }
    assert.ok(gone);
  } finally {
    child.kill('SIGKILL');
  }
});
