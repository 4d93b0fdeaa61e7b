import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import type { KObject } from '../../api/index.js';
import { FakeClient, RecordingEvents, setPodReady } from '../framework/fake.js';
import { settle } from '../framework/controller.js';
import { start } from './index.js';

const rsBody = (name: string, replicas: number, labels = { app: name }): KObject => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
  spec: {
    replicas, selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
  },
});

async function harness() {
  const client = new FakeClient();
  const events = new RecordingEvents();
  const rc = start(client, { events, log: () => undefined });
  await rc.ready;
  const idle = () => settle([rc.controller.queue]);
  const pods = () => client.objects(resources.pods, 'default').filter((p) => !p.metadata?.deletionTimestamp);
  const rs = (name: string) => client.objects(resources.replicasets, 'default').find((r) => r.metadata?.name === name)!;
  return { client, events, rc, idle, pods, rs };
}

test('scales up, replaces a deleted pod, scales down deleting not-ready pods first', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.replicasets, rsBody('web', 3));
    await h.idle();
    assert.equal(h.pods().length, 3);
    for (const p of h.pods()) {
      assert.equal(p.metadata!.ownerReferences![0]!.kind, 'ReplicaSet');
      assert.equal(p.metadata!.ownerReferences![0]!.controller, true);
      assert.match(p.metadata!.name!, /^web-[a-z0-9]{5}$/);
    }
    assert.equal(h.events.reasons('SuccessfulCreate').length, 3);
    assert.equal((h.rs('web').status as { replicas: number }).replicas, 3);

    const [a, b] = h.pods();
    await setPodReady(h.client, 'default', a!.metadata!.name!);
    await setPodReady(h.client, 'default', b!.metadata!.name!);
    await h.idle();
    const st = h.rs('web').status as Record<string, number>;
    assert.deepEqual([st.replicas, st.readyReplicas, st.availableReplicas, st.fullyLabeledReplicas, st.observedGeneration], [3, 2, 2, 3, 1]);

    await h.client.delete(resources.pods, a!.metadata!.name!, { namespace: 'default' });
    await h.idle();
    assert.equal(h.pods().length, 3);
    assert.ok(!h.pods().some((p) => p.metadata!.name === a!.metadata!.name));

    // Down to 1: the two not-ready pods go, the ready one stays.
    const rs = h.rs('web');
    await h.client.update(resources.replicasets, { ...rs, spec: { ...(rs.spec as object), replicas: 1 } });
    await h.idle();
    assert.deepEqual(h.pods().map((p) => p.metadata!.name), [b!.metadata!.name]);
    assert.equal(h.events.reasons('SuccessfulDelete').length, 2);
    const st2 = h.rs('web').status as Record<string, number>;
    assert.deepEqual([st2.replicas, st2.readyReplicas, st2.observedGeneration], [1, 1, 2]);
  } finally {
    await h.rc.stop();
  }
});

test('a failed pod is replaced', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.replicasets, rsBody('job', 1));
    await h.idle();
    const [p] = h.pods();
    await h.client.update(resources.pods, { ...p!, status: { phase: 'Failed' } }, { subresource: 'status' });
    await h.idle();
    const active = h.pods().filter((x) => (x.status as { phase: string }).phase !== 'Failed');
    assert.equal(active.length, 1);
    assert.notEqual(active[0]!.metadata!.name, p!.metadata!.name);
  } finally {
    await h.rc.stop();
  }
});

test('expectations prevent a double create on a stale cache', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    h.client.holdWatches();
    await h.client.create(resources.replicasets, rsBody('stale', 3));
    // The informer never saw the ReplicaSet; feed it by hand, then sync twice on a cache without pods.
    const rs = await h.client.get(resources.replicasets, 'stale', 'default');
    const store = (h.rc.controller as unknown as { rsInformer: { store: { upsert(o: KObject): void } } }).rsInformer.store;
    store.upsert(rs);
    await h.rc.controller.sync('default/stale');
    await h.rc.controller.sync('default/stale');
    assert.equal(h.client.count('create', 'pods'), 3);
    h.client.releaseWatches();
    await h.idle();
    assert.equal(h.pods().length, 3);
    assert.equal(h.client.count('create', 'pods'), 3);
  } finally {
    await h.rc.stop();
  }
});

test('adopts a matching orphan and releases a pod whose labels stop matching', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'adopt' } },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    await h.client.create(resources.replicasets, rsBody('adopt', 2));
    await h.idle();
    assert.equal(h.pods().length, 2);
    const orphan = await h.client.get(resources.pods, 'orphan', 'default');
    assert.equal(orphan.metadata!.ownerReferences![0]!.name, 'adopt');

    await h.client.patch(resources.pods, 'orphan', { metadata: { labels: { app: 'other' } } }, 'merge', { namespace: 'default' });
    await h.idle();
    const released = await h.client.get(resources.pods, 'orphan', 'default');
    assert.equal(released.metadata!.ownerReferences, undefined);
    assert.equal(h.pods().filter((p) => p.metadata!.labels!.app === 'adopt').length, 2);
  } finally {
    await h.rc.stop();
  }
});

test('re-lists after the watch is Gone and still converges', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.replicasets, rsBody('relist', 1));
    await h.idle();
    h.client.breakWatches();
    const [p] = h.pods();
    await h.client.delete(resources.pods, p!.metadata!.name!, { namespace: 'default' });
    await h.idle();
    await new Promise((r) => setTimeout(r, 50));
    await h.idle();
    assert.equal(h.pods().length, 1);
    assert.notEqual(h.pods()[0]!.metadata!.name, p!.metadata!.name);
  } finally {
    await h.rc.stop();
  }
});

test('availableReplicas counts pods ready for at least minReadySeconds', { timeout: 20_000 }, async () => {
  let now = Date.now();
  const client = new FakeClient();
  const rc = start(client, { events: new RecordingEvents(), log: () => undefined, now: () => now });
  try {
    await rc.ready;
    await client.create(resources.replicasets, { ...rsBody('slow', 2), spec: { ...(rsBody('slow', 2).spec as object), minReadySeconds: 30 } });
    await settle([rc.controller.queue]);
    for (const p of client.objects(resources.pods, 'default')) await setPodReady(client, 'default', p.metadata!.name!, true, new Date(now));
    await settle([rc.controller.queue]);
    const status = () => client.objects(resources.replicasets, 'default')[0]!.status as Record<string, number>;
    assert.deepEqual([status().readyReplicas, status().availableReplicas ?? 0], [2, 0]);
    now += 31_000;
    await rc.controller.sync('default/slow');
    assert.deepEqual([status().readyReplicas, status().availableReplicas], [2, 2]);
  } finally {
    await rc.stop();
  }
});
