import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import type { KObject } from '../../api/index.js';
import { FakeClient } from './fake.js';
import { Informer } from './informer.js';

const cm = (name: string, labels: Record<string, string> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels } });
const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

test('lists, then watches; a re-list after Gone delivers what the broken watch missed', { timeout: 20_000 }, async () => {
  const client = new FakeClient();
  await client.create(resources.configmaps, cm('a'));
  const inf = new Informer(client, resources.configmaps, { log: () => undefined });
  const seen: string[] = [];
  inf.addHandlers({
    add: (o) => seen.push(`add ${o.metadata!.name}`),
    update: (_old, o) => seen.push(`update ${o.metadata!.name}`),
    delete: (o) => seen.push(`delete ${o.metadata!.name}`),
  });
  inf.start();
  await inf.waitForSync();
  await client.create(resources.configmaps, cm('b'));
  await client.patch(resources.configmaps, 'b', { data: { k: 'v' } }, 'merge', { namespace: 'default' });
  await tick();
  assert.deepEqual(seen, ['add a', 'add b', 'update b']);

  // Changes made while the watch is held are lost to it; the Gone forces a re-list that finds them.
  client.holdWatches();
  await client.delete(resources.configmaps, 'a', { namespace: 'default' });
  await client.create(resources.configmaps, cm('c'));
  client.breakWatches();
  client.releaseWatches();
  await tick();
  assert.deepEqual(seen.slice(3).sort(), ['add c', 'delete a']);
  assert.deepEqual(inf.store.keys().sort(), ['default/b', 'default/c']);
  await inf.stop();
});

test('a label-selected informer sees objects leave and enter its selection', { timeout: 20_000 }, async () => {
  const client = new FakeClient();
  const inf = new Informer(client, resources.configmaps, { labelSelector: 'tier=web' });
  const seen: string[] = [];
  inf.addHandlers({ add: (o) => seen.push(`add ${o.metadata!.name}`), delete: (o) => seen.push(`delete ${o.metadata!.name}`) });
  inf.start();
  await inf.waitForSync();
  await client.create(resources.configmaps, cm('x', { tier: 'web' }));
  await client.patch(resources.configmaps, 'x', { metadata: { labels: { tier: 'db' } } }, 'merge', { namespace: 'default' });
  await client.patch(resources.configmaps, 'x', { metadata: { labels: { tier: 'web' } } }, 'merge', { namespace: 'default' });
  await tick();
  assert.deepEqual(seen, ['add x', 'delete x', 'add x']);
  await inf.stop();
});

test('a collection the server does not serve counts as listed (empty), so controllers still start', { timeout: 20_000 }, async () => {
  const client = new FakeClient();
  const inf = new Informer(client, { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true }, { log: () => undefined });
  inf.start();
  await inf.waitForSync();
  assert.deepEqual(inf.store.list(), []);
  await inf.stop();
});
