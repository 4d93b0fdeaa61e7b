import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import { isKind } from '../../errors/index.js';
import { FakeClient } from '../framework/fake.js';
import { settle } from '../framework/controller.js';
import { start } from './index.js';

test('a Terminating namespace is emptied, waits for held objects, then loses its kubernetes finalizer and goes', { timeout: 20_000 }, async () => {
  const client = new FakeClient();
  const nc = start(client, { log: () => undefined, recheckMs: 20, gracePeriodMs: 0 });
  try {
    await nc.ready;
    await client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kept' } });
    for (const ns of ['doomed', 'kept']) {
      await client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: ns } });
      await client.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    }
    await client.create(resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'held', namespace: 'doomed', finalizers: ['example.com/hold'] } });
    await client.delete(resources.namespaces, 'doomed');
    await assert.rejects(client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'doomed' } }), (e) => isKind(e, 'Forbidden'));
    // The held secret keeps the controller re-checking, so the queue never goes idle: poll instead.
    for (let i = 0; i < 200 && client.objects(resources.pods, 'doomed').length + client.objects(resources.configmaps, 'doomed').length > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(client.objects(resources.configmaps, 'doomed'), []);
    assert.deepEqual(client.objects(resources.pods, 'doomed'), []);
    const ns = await client.get(resources.namespaces, 'doomed');
    assert.equal((ns.status as { phase: string }).phase, 'Terminating');
    assert.deepEqual((ns.spec as { finalizers: string[] }).finalizers, ['kubernetes']);

    await client.patch(resources.secrets, 'held', { metadata: { finalizers: null } }, 'merge', { namespace: 'doomed' });
    await settle([nc.controller.queue]);
    await assert.rejects(client.get(resources.namespaces, 'doomed'), (e) => isKind(e, 'NotFound'));
    assert.equal(client.objects(resources.configmaps, 'kept').length, 1);
    assert.equal(client.objects(resources.pods, 'kept').length, 1);
  } finally {
    await nc.stop();
  }
});
