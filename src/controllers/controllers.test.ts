/**
 * The controllers and the scheduler against the real API server (in-process, memory store) over
 * the real typed client: the wire details the fake can only imitate — merge patches guarded by
 * resourceVersion, the status subresource, pods/binding, namespaces/finalize, watch resumption.
 * The test plays the node agent: it registers a Node, marks pods ready and finishes graceful
 * deletions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { MemoryStore } from '../store/index.js';
import { loadInstance, purgeDataDir } from '../server/instance.js';
import { KubeClient, resources as R } from '../client/index.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import type { KObject } from '../api/index.js';
import { startControllers, type RunningController } from './index.js';
import { start as startScheduler } from '../scheduler/index.js';

let dir: string;
let server: RunningApiServer;
let kc: KubeClient;
let controllers: RunningController;
let scheduler: RunningController;

before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-');
  const instance = loadInstance(dir);
  server = await startApiServer({ instance, store: new MemoryStore(), port: 0 });
  // Every informer holds a watch connection open (about 20 here): the default 16 sockets would
  // leave no connection for ordinary requests.
  kc = KubeClient.fromKubeconfig(instance.paths.kubeconfig, undefined, { maxSockets: 64 });
  controllers = startControllers(kc, { log: () => undefined });
  scheduler = startScheduler(kc, { log: () => undefined });
  await Promise.all([controllers.ready, scheduler.ready]);
  await kc.create(R.nodes, {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
    status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' } },
  });
});

after(async () => {
  await scheduler.stop();
  await controllers.stop();
  kc.close();
  await server.close();
  purgeDataDir(dir);
});

type Pod = KObject & { spec: { nodeName?: string; containers: Array<{ image: string }> }; status?: { conditions?: Array<{ type: string; status: string }> } };

/** Plays the kubelet for one pass: bound pods become ready, pods being deleted finish. */
async function kubelet(ns = 'default'): Promise<void> {
  for (const p of (await kc.list<Pod>(R.pods, { namespace: ns })).items) {
    if (p.metadata!.deletionTimestamp) {
      await kc.delete(R.pods, p.metadata!.name!, { namespace: ns, gracePeriodSeconds: 0 }).catch(() => undefined);
      continue;
    }
    if (!p.spec.nodeName || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await kc.update(R.pods, {
      ...p, status: { ...p.status, phase: 'Running', conditions: [...(p.status?.conditions ?? []).filter((c) => c.type !== 'Ready'), { type: 'Ready', status: 'True', lastTransitionTime: t }] },
    }, { subresource: 'status' }).catch(() => undefined);
  }
}

/** Runs the kubelet until `done` holds (bounded: fails the test rather than hanging). */
async function until(what: string, done: () => Promise<boolean>, ns = 'default'): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await done()) return;
    await kubelet(ns);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const deployment = (name: string, image: string): KObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: {
    replicas: 3, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image, resources: { requests: { cpu: '100m' } } }] } },
  },
});

test('a Deployment rolls out, rolls forward to a new image, and is deleted in the foreground', { timeout: 60_000 }, async () => {
  await kc.create(R.deployments, deployment('web', 'busybox:1.36'));
  const status = async () => (await kc.get<KObject & { status?: Record<string, any> }>(R.deployments, 'web', 'default')).status ?? {};
  await until('3 available replicas', async () => {
    const st = await status();
    return st.availableReplicas === 3 && st.conditions?.some((c: any) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
  });
  const pods = (await kc.list<Pod>(R.pods, { namespace: 'default', labelSelector: 'app=web' })).items;
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => p.spec.nodeName === 'node-1'));

  await kc.patch(R.deployments, 'web', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } } } }, 'strategic', { namespace: 'default' });
  await until('the new image everywhere', async () => {
    const st = await status();
    const live = (await kc.list<Pod>(R.pods, { namespace: 'default', labelSelector: 'app=web' })).items;
    return st.updatedReplicas === 3 && st.availableReplicas === 3 && st.replicas === 3
      && live.length === 3 && live.every((p) => p.spec.containers[0]!.image === 'busybox:1.37');
  });
  const rss = (await kc.list(R.replicasets, { namespace: 'default' })).items;
  assert.deepEqual(rss.map((r) => r.metadata!.annotations!['deployment.kubernetes.io/revision']).sort(), ['1', '2']);
  const events = (await kc.list(R.events, { namespace: 'default' })).items;
  assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet'));
  assert.ok(events.some((e) => e.reason === 'SuccessfulCreate'));
  assert.ok(events.some((e) => e.reason === 'Scheduled'));

  await kc.delete(R.deployments, 'web', { namespace: 'default', propagationPolicy: 'Foreground' });
  await until('everything gone', async () => {
    const left = (await kc.list(R.deployments, { namespace: 'default' })).items.length
      + (await kc.list(R.replicasets, { namespace: 'default' })).items.length
      + (await kc.list(R.pods, { namespace: 'default', labelSelector: 'app=web' })).items.length;
    return left === 0;
  });
});

test('a pod too big for the node stays Pending with FailedScheduling', { timeout: 60_000 }, async () => {
  await kc.create(R.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '64' } } }] },
  });
  await until('FailedScheduling', async () => (await kc.list(R.events, { namespace: 'default', fieldSelector: 'involvedObject.name=huge,reason=FailedScheduling' })).items.length > 0);
  const ev = (await kc.list(R.events, { namespace: 'default', fieldSelector: 'involvedObject.name=huge,reason=FailedScheduling' })).items[0]!;
  assert.equal(ev.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..');
  const pod = await kc.get<Pod>(R.pods, 'huge', 'default');
  assert.equal(pod.spec.nodeName, undefined);
  await kc.delete(R.pods, 'huge', { namespace: 'default' });
});

test('a new namespace gets its default ServiceAccount; deleting it removes its content', { timeout: 60_000 }, async () => {
  await kc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } });
  await until('default ServiceAccount', async () => (await kc.list(R.serviceaccounts, { namespace: 'scratch' })).items.some((s) => s.metadata!.name === 'default'), 'scratch');
  await kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'scratch' } });
  await kc.delete(R.namespaces, 'scratch');
  await until('namespace gone', async () => {
    try {
      await kc.get(R.namespaces, 'scratch');
      return false;
    } catch (err) {
      return (err as { kind?: string }).kind === 'NotFound';
    }
  }, 'scratch');
});
