import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import { isKind } from '../../errors/index.js';
import { FakeClient } from './fake.js';

test('the fake honours resourceVersion preconditions, generation and the status subresource', { timeout: 20_000 }, async () => {
  const c = new FakeClient();
  const rs = await c.create(resources.replicasets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
  });
  assert.equal(rs.metadata!.generation, 1);
  const scaled = await c.update(resources.replicasets, { ...rs, spec: { ...(rs.spec as object), replicas: 2 } });
  assert.equal(scaled.metadata!.generation, 2);
  await assert.rejects(c.update(resources.replicasets, { ...rs, spec: { ...(rs.spec as object), replicas: 3 } }), (e) => isKind(e, 'Conflict'));
  const st = await c.update(resources.replicasets, { ...scaled, spec: { ...(scaled.spec as object), replicas: 9 }, status: { replicas: 2 } }, { subresource: 'status' });
  assert.deepEqual([(st.spec as { replicas: number }).replicas, (st.status as { replicas: number }).replicas, st.metadata!.generation], [2, 2, 2]);
  await assert.rejects(c.patch(resources.replicasets, 'r', { metadata: { resourceVersion: '1' } }, 'merge', { namespace: 'default' }), (e) => isKind(e, 'Conflict'));
  await assert.rejects(c.create(resources.replicasets, { ...rs, metadata: { name: 'r', namespace: 'default' } }), (e) => isKind(e, 'AlreadyExists'));
  await assert.rejects(c.create(resources.replicasets, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'bad', namespace: 'default' }, spec: {} }), (e) => isKind(e, 'Invalid'));
});

test('the fake lists by label and field selector and binds pods once', { timeout: 20_000 }, async () => {
  const c = new FakeClient();
  for (const [name, app] of [['a', 'web'], ['b', 'db']] as const) {
    await c.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
  }
  assert.deepEqual((await c.list(resources.pods, { labelSelector: 'app in (web)' })).items.map((p) => p.metadata!.name), ['a']);
  await c.request('POST', c.path(resources.pods, 'default', 'b', 'binding'), { target: { name: 'n1' } });
  await assert.rejects(c.request('POST', c.path(resources.pods, 'default', 'b', 'binding'), { target: { name: 'n2' } }), (e) => isKind(e, 'Conflict'));
  assert.deepEqual((await c.list(resources.pods, { fieldSelector: 'spec.nodeName=n1' })).items.map((p) => p.metadata!.name), ['b']);
  // Bound pods are deleted gracefully: the node agent finishes them.
  const marked = await c.delete(resources.pods, 'b', { namespace: 'default' });
  assert.ok(marked.metadata!.deletionTimestamp);
  await c.delete(resources.pods, 'b', { namespace: 'default', gracePeriodSeconds: 0 });
  assert.deepEqual(c.objects(resources.pods).map((p) => p.metadata!.name), ['a']);
});
