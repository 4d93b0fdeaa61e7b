import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import type { KObject } from '../../api/index.js';
import { FakeClient, RecordingEvents, setPodReady } from '../framework/fake.js';
import { settle } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import { start as startReplicaSets } from '../replicaset/index.js';
import { start as startDeployments, REVISION, REVISION_HISTORY, POD_TEMPLATE_HASH, type Deployment } from './index.js';
import type { ReplicaSet } from '../replicaset/index.js';

const deployment = (name: string, replicas: number, image: string, strategy?: object, extra: object = {}): KObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: {
    replicas, selector: { matchLabels: { app: name } }, ...(strategy ? { strategy } : {}), ...extra,
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

async function harness() {
  const client = new FakeClient();
  const events = new RecordingEvents();
  const informers = new SharedInformerFactory(client, { log: () => undefined });
  const rsc = startReplicaSets(client, { informers, events, log: () => undefined });
  const dc = startDeployments(client, { informers, events, log: () => undefined });
  await Promise.all([rsc.ready, dc.ready]);
  const idle = () => settle([rsc.controller.queue, dc.controller.queue]);
  const pods = () => client.objects(resources.pods, 'default').filter((p) => !p.metadata?.deletionTimestamp);
  const rss = () => client.objects<ReplicaSet>(resources.replicasets, 'default');
  const get = (name: string) => client.get<Deployment>(resources.deployments, name, 'default');
  /** Plays the kubelet: every pod not yet ready becomes ready. */
  const readyAll = async () => {
    for (const p of pods()) {
      const ready = (p.status as { conditions?: Array<{ type: string; status: string }> }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (!ready) await setPodReady(client, 'default', p.metadata!.name!);
    }
  };
  const stop = async () => {
    await dc.stop();
    await rsc.stop();
    await informers.stop();
  };
  return { client, events, idle, pods, rss, get, readyAll, stop };
}

const imageOf = (p: KObject) => (p.spec as { containers: Array<{ image: string }> }).containers[0]!.image;
const isReady = (p: KObject) => (p.status as { conditions?: Array<{ type: string; status: string }> }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function setImage(h: Awaited<ReturnType<typeof harness>>, name: string, image: string) {
  await h.client.patch(resources.deployments, name, { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }, 'strategic', { namespace: 'default' });
}

test('a new Deployment gets a pod-template-hash ReplicaSet, revision 1, and a complete status', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.deployments, deployment('web', 3, 'nginx:1'));
    await h.idle();
    const [rs] = h.rss();
    const hash = rs!.metadata!.labels![POD_TEMPLATE_HASH]!;
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata!.name, `web-${hash}`);
    assert.equal(rs!.spec.selector.matchLabels![POD_TEMPLATE_HASH], hash);
    assert.equal(rs!.spec.template.metadata!.labels![POD_TEMPLATE_HASH], hash);
    assert.equal(rs!.metadata!.annotations![REVISION], '1');
    assert.equal(h.pods().length, 3);
    assert.ok(h.events.reasons('ScalingReplicaSet').includes(`Scaled up replica set web-${hash} to 3 from 0`));
    await h.readyAll();
    await h.idle();
    const d = await h.get('web');
    assert.equal(d.metadata!.annotations![REVISION], '1');
    const st = d.status!;
    assert.deepEqual([st.observedGeneration, st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas], [1, 3, 3, 3, 3]);
    assert.ok(!('unavailableReplicas' in st), 'zero counts are omitted, as on the real wire');
    const progressing = st.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(progressing.reason, 'NewReplicaSetAvailable');
    assert.equal(st.conditions!.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasAvailable');
  } finally {
    await h.stop();
  }
});

test('RollingUpdate rolls a template change through a new ReplicaSet within maxSurge and maxUnavailable', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.deployments, deployment('roll', 4, 'nginx:1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } }));
    await h.idle();
    await h.readyAll();
    await h.idle();
    await setImage(h, 'roll', 'nginx:2');
    await h.idle();
    let steps = 0;
    for (;;) {
      const pods = h.pods();
      // Within the surge: at most replicas + maxSurge pods; within unavailability: at least replicas - 1 ready.
      assert.ok(pods.length <= 5, `${pods.length} pods exceed replicas + maxSurge`);
      assert.ok(pods.filter(isReady).length >= 3, 'availability dropped below replicas - maxUnavailable');
      const specTotal = h.rss().reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      assert.ok(specTotal <= 5);
      const d = await h.get('roll');
      if (d.status?.updatedReplicas === 4 && d.status.availableReplicas === 4 && pods.length === 4 && pods.every((p) => imageOf(p) === 'nginx:2')) break;
      assert.ok(++steps < 30, 'rollout did not finish');
      await h.readyAll();
      await h.idle();
    }
    assert.ok(steps > 1, 'the rollout must take several steps');
    const rss = h.rss().sort((a, b) => Number(a.metadata!.annotations![REVISION]) - Number(b.metadata!.annotations![REVISION]));
    assert.equal(rss.length, 2);
    assert.deepEqual(rss.map((r) => [r.metadata!.annotations![REVISION], r.spec.replicas]), [['1', 0], ['2', 4]]);
    const d = await h.get('roll');
    assert.equal(d.metadata!.annotations![REVISION], '2');
    assert.equal(d.status!.conditions!.find((c) => c.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');
  } finally {
    await h.stop();
  }
});

test('Recreate removes every old pod before the new ReplicaSet scales up', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.deployments, deployment('rec', 2, 'nginx:1', { type: 'Recreate' }));
    await h.idle();
    await h.readyAll();
    await h.idle();
    await setImage(h, 'rec', 'nginx:2');
    await h.idle();
    assert.equal(h.client.count('create', 'pods'), 4);
    assert.ok(h.pods().every((p) => imageOf(p) === 'nginx:2'));
    assert.equal(h.pods().length, 2);
    // Order: both deletes of old pods happened before the first create of a new one.
    const acts = h.client.actions.filter((a) => a.resource === 'pods' && (a.verb === 'create' || a.verb === 'delete'));
    const firstNewCreate = acts.findIndex((a, i) => a.verb === 'create' && i >= 2);
    assert.deepEqual(acts.slice(2, firstNewCreate).map((a) => a.verb), ['delete', 'delete']);
  } finally {
    await h.stop();
  }
});

test('rollback to an older template reuses the old ReplicaSet and bumps its revision', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.deployments, deployment('undo', 2, 'nginx:1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }));
    await h.idle();
    const converge = async () => {
      for (let i = 0; i < 20; i++) {
        await h.readyAll();
        await h.idle();
      }
    };
    await converge();
    await setImage(h, 'undo', 'nginx:2');
    await converge();
    // What `kubectl rollout undo` sends: revision 1's template without its hash label, as a Go
    // client serialises it (creationTimestamp: null included), replacing the Deployment's template.
    const rev1 = h.rss().find((r) => r.metadata!.annotations![REVISION] === '1')!;
    const template = structuredClone(rev1.spec.template) as { metadata: Record<string, unknown> & { labels: Record<string, string> } };
    delete template.metadata.labels[POD_TEMPLATE_HASH];
    template.metadata.creationTimestamp = null;
    await h.client.patch(resources.deployments, 'undo', [{ op: 'replace', path: '/spec/template', value: template }], 'json', { namespace: 'default' });
    await converge();
    const rss = h.rss();
    assert.equal(rss.length, 2, 'no third ReplicaSet for a template that already has one');
    const v1 = rss.find((r) => (r.spec.template.spec as { containers: Array<{ image: string }> }).containers[0]!.image === 'nginx:1')!;
    assert.equal(v1.metadata!.annotations![REVISION], '3');
    assert.equal(v1.metadata!.annotations![REVISION_HISTORY], '1');
    assert.equal(v1.spec.replicas, 2);
    assert.equal((await h.get('undo')).metadata!.annotations![REVISION], '3');
    assert.ok(h.pods().every((p) => imageOf(p) === 'nginx:1'));
  } finally {
    await h.stop();
  }
});

test('revisionHistoryLimit deletes the oldest scaled-down ReplicaSets', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.deployments, deployment('hist', 1, 'nginx:1', { type: 'Recreate' }, { revisionHistoryLimit: 1 }));
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await h.idle();
      await h.readyAll();
      await h.idle();
      await setImage(h, 'hist', image);
    }
    for (let i = 0; i < 5; i++) {
      await h.readyAll();
      await h.idle();
    }
    const revs = h.rss().map((r) => r.metadata!.annotations![REVISION]).sort();
    assert.deepEqual(revs, ['3', '4']);
  } finally {
    await h.stop();
  }
});

test('scaling mid-way and pausing: a paused Deployment scales but does not roll', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.deployments, deployment('pause', 2, 'nginx:1'));
    await h.idle();
    await h.readyAll();
    await h.idle();
    await h.client.patch(resources.deployments, 'pause', { spec: { paused: true } }, 'merge', { namespace: 'default' });
    await setImage(h, 'pause', 'nginx:2');
    await h.idle();
    assert.equal(h.rss().length, 1);
    let d = await h.get('pause');
    assert.equal(d.status!.conditions!.find((c) => c.type === 'Progressing')!.reason, 'DeploymentPaused');
    await h.client.patch(resources.deployments, 'pause', { spec: { replicas: 5 } }, 'merge', { namespace: 'default' });
    await h.idle();
    assert.equal(h.pods().length, 5);
    assert.ok(h.pods().every((p) => imageOf(p) === 'nginx:1'));
    await h.client.patch(resources.deployments, 'pause', { spec: { paused: false } }, 'merge', { namespace: 'default' });
    for (let i = 0; i < 20; i++) {
      await h.readyAll();
      await h.idle();
    }
    d = await h.get('pause');
    assert.ok(h.pods().every((p) => imageOf(p) === 'nginx:2'));
    assert.equal(h.pods().length, 5);
    assert.equal(d.status!.updatedReplicas, 5);
  } finally {
    await h.stop();
  }
});

test('a stalled rollout reports ProgressDeadlineExceeded once the deadline passes', { timeout: 20_000 }, async () => {
  let now = Date.now();
  const client = new FakeClient();
  const informers = new SharedInformerFactory(client, { log: () => undefined });
  const events = new RecordingEvents();
  const rsc = startReplicaSets(client, { informers, events, log: () => undefined });
  const dc = startDeployments(client, { informers, events, log: () => undefined, now: () => now });
  try {
    await Promise.all([rsc.ready, dc.ready]);
    const idle = () => settle([rsc.controller.queue]);
    await client.create(resources.deployments, deployment('slow', 1, 'nginx:1', undefined, { progressDeadlineSeconds: 5 }));
    await idle();
    now += 10_000;
    await dc.controller.sync('default/slow');
    const d = await client.get<Deployment>(resources.deployments, 'slow', 'default');
    const c = d.status!.conditions!.find((x) => x.type === 'Progressing')!;
    assert.deepEqual([c.status, c.reason], ['False', 'ProgressDeadlineExceeded']);
    assert.equal(d.status!.conditions!.find((x) => x.type === 'Available')!.status, 'False');
  } finally {
    await dc.stop();
    await rsc.stop();
    await informers.stop();
  }
});
