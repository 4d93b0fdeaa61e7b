import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import type { KObject } from '../../api/index.js';
import { FakeClient } from '../framework/fake.js';
import type { OwnerReference } from '../framework/owner-refs.js';
import { settle } from '../framework/controller.js';
import { start } from './index.js';

const ownerRef = (o: KObject, block = true) => ({
  apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, uid: o.metadata!.uid!, controller: true, blockOwnerDeletion: block,
});

const rsBody = (name: string, owners: OwnerReference[] = []): KObject => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', ownerReferences: owners },
  spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
});
const podBody = (name: string, owners: OwnerReference[]): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ownerReferences: owners },
  spec: { containers: [{ name: 'c', image: 'x:1' }] },
});

async function harness() {
  const client = new FakeClient();
  const gc = start(client, { log: () => undefined });
  await gc.ready;
  const idle = () => settle([gc.controller.queue]);
  const names = (ref: typeof resources.pods) => client.objects(ref, 'default').map((o) => o.metadata!.name).sort();
  return { client, gc, idle, names };
}

async function tree(h: Awaited<ReturnType<typeof harness>>) {
  const d = await h.client.create(resources.deployments, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
  });
  const rs = await h.client.create(resources.replicasets, rsBody('d-1', [ownerRef(d)]));
  await h.client.create(resources.pods, podBody('d-1-a', [ownerRef(rs)]));
  await h.client.create(resources.pods, podBody('d-1-b', [ownerRef(rs)]));
  await h.idle();
  return { d, rs };
}

test('background deletion removes dependents after their owner is gone', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await tree(h);
    await h.client.delete(resources.deployments, 'd', { namespace: 'default', propagationPolicy: 'Background' });
    await h.idle();
    assert.deepEqual(h.names(resources.replicasets), []);
    assert.deepEqual(h.names(resources.pods), []);
  } finally {
    await h.gc.stop();
  }
});

test('foreground deletion deletes dependents first and the owner last', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await tree(h);
    await h.client.delete(resources.deployments, 'd', { namespace: 'default', propagationPolicy: 'Foreground' });
    const marked = await h.client.get(resources.deployments, 'd', 'default');
    assert.ok(marked.metadata!.deletionTimestamp);
    assert.deepEqual(marked.metadata!.finalizers, ['foregroundDeletion']);
    await h.idle();
    assert.deepEqual(h.names(resources.pods), []);
    assert.deepEqual(h.names(resources.replicasets), []);
    assert.deepEqual(h.names(resources.deployments), []);
    // The order the real GC guarantees: pods, then the ReplicaSet, then the Deployment.
    const finals = h.client.actions.filter((a) => (a.verb === 'delete' && a.resource === 'pods') || (a.verb === 'patch' && a.resource !== 'pods'));
    assert.deepEqual(finals.map((a) => `${a.verb} ${a.resource}`), ['delete pods', 'delete pods', 'patch replicasets', 'patch deployments']);
  } finally {
    await h.gc.stop();
  }
});

test('orphan deletion keeps dependents and strips the owner reference', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await tree(h);
    await h.client.delete(resources.replicasets, 'd-1', { namespace: 'default', propagationPolicy: 'Orphan' });
    await h.idle();
    assert.deepEqual(h.names(resources.replicasets), []);
    assert.deepEqual(h.names(resources.pods), ['d-1-a', 'd-1-b']);
    for (const p of h.client.objects(resources.pods, 'default')) assert.equal(p.metadata!.ownerReferences, undefined);
  } finally {
    await h.gc.stop();
  }
});

test('a dependent with another live owner only loses the dead reference', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    const a = await h.client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
    const b = await h.client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } });
    await h.client.create(resources.secrets, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', ownerReferences: [{ ...ownerRef(a), controller: false }, { ...ownerRef(b), controller: false }] },
    });
    await h.idle();
    await h.client.delete(resources.configmaps, 'a', { namespace: 'default' });
    await h.idle();
    const s = await h.client.get(resources.secrets, 's', 'default');
    assert.deepEqual(s.metadata!.ownerReferences!.map((r) => r.name), ['b']);
    await h.client.delete(resources.configmaps, 'b', { namespace: 'default' });
    await h.idle();
    assert.deepEqual(h.client.objects(resources.secrets, 'default'), []);
  } finally {
    await h.gc.stop();
  }
});

test('an owner outside the caches is looked up live before a dependent is deleted', { timeout: 20_000 }, async () => {
  const client = new FakeClient();
  const gc = start(client, { log: () => undefined, monitored: [resources.secrets] });
  try {
    await gc.ready;
    const cm = await client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } });
    await client.create(resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dep', namespace: 'default', ownerReferences: [ownerRef(cm)] } });
    await settle([gc.controller.queue]);
    assert.equal(client.objects(resources.secrets, 'default').length, 1);
    assert.ok(client.actions.some((a) => a.verb === 'get' && a.resource === 'configmaps' && a.name === 'owner'));
    await client.delete(resources.configmaps, 'owner', { namespace: 'default' });
    // Nothing tells the collector (configmaps are not watched here): a resync of the dependent does.
    gc.controller.queue.add('/v1/secrets|default/dep');
    await settle([gc.controller.queue]);
    assert.deepEqual(client.objects(resources.secrets, 'default'), []);
  } finally {
    await gc.stop();
  }
});
