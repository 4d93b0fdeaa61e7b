import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import { FakeClient } from '../framework/fake.js';
import { settle } from '../framework/controller.js';
import { start } from './index.js';

test('every namespace gets a default ServiceAccount, recreated when deleted', { timeout: 20_000 }, async () => {
  const client = new FakeClient();
  await client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'early' } });
  const sc = start(client, { log: () => undefined });
  try {
    await sc.ready;
    await client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await settle([sc.controller.queue]);
    for (const ns of ['early', 'team']) assert.deepEqual(client.objects(resources.serviceaccounts, ns).map((s) => s.metadata!.name), ['default']);
    await client.delete(resources.serviceaccounts, 'default', { namespace: 'team' });
    await settle([sc.controller.queue]);
    assert.deepEqual(client.objects(resources.serviceaccounts, 'team').map((s) => s.metadata!.name), ['default']);
    await client.delete(resources.namespaces, 'early');
    await client.delete(resources.serviceaccounts, 'default', { namespace: 'early' });
    await settle([sc.controller.queue]);
    assert.deepEqual(client.objects(resources.serviceaccounts, 'early'), []);
  } finally {
    await sc.stop();
  }
});
