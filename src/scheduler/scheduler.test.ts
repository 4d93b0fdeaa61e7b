import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../client/index.js';
import type { KObject } from '../api/index.js';
import { settle, type OwnerReference } from '../controllers/framework/index.js';
import { FakeClient, RecordingEvents } from '../controllers/framework/fake.js';
import { start } from './index.js';

const node = (name: string, cpu = '2'): KObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu, memory: '4Gi', pods: '110' }, capacity: { cpu, memory: '4Gi', pods: '110' } },
});
const pod = (name: string, cpu?: string, owner?: OwnerReference): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { containers: [{ name: 'c', image: 'x:1', ...(cpu ? { resources: { requests: { cpu } } } : {}) }] },
});
const nodeOf = async (c: FakeClient, name: string) => ((await c.get(resources.pods, name, 'default')).spec as { nodeName?: string }).nodeName;

async function harness() {
  const client = new FakeClient();
  const events = new RecordingEvents();
  const s = start(client, { events, log: () => undefined });
  await s.ready;
  return { client, events, s, idle: () => settle([s.scheduler.queue]) };
}

test('binds pods through pods/binding, spreading a controller\'s replicas across nodes', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.nodes, node('n1'));
    await h.client.create(resources.nodes, node('n2'));
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-1', controller: true };
    for (const n of ['a', 'b']) {
      await h.client.create(resources.pods, pod(n, '100m', owner));
      await h.idle();
    }
    const placed = [await nodeOf(h.client, 'a'), await nodeOf(h.client, 'b')].sort();
    assert.deepEqual(placed, ['n1', 'n2']);
    assert.equal(h.client.count('bind', 'pods'), 2);
    assert.ok(h.events.reasons('Scheduled').includes(`Successfully assigned default/a to ${await nodeOf(h.client, 'a')}`));
    const a = await h.client.get(resources.pods, 'a', 'default');
    assert.equal((a.status as { conditions: Array<{ type: string; status: string }> }).conditions.find((c) => c.type === 'PodScheduled')!.status, 'True');
  } finally {
    await h.s.stop();
  }
});

test('a pod that fits nowhere stays Pending with FailedScheduling and PodScheduled=False, and binds once a node fits', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.nodes, node('small', '1'));
    await h.client.create(resources.pods, pod('big', '4'));
    await h.idle();
    const msg = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..';
    assert.deepEqual(h.events.reasons('FailedScheduling'), [msg]);
    const p = await h.client.get(resources.pods, 'big', 'default');
    assert.equal((p.spec as { nodeName?: string }).nodeName, undefined);
    const cond = (p.status as { conditions: Array<Record<string, string>> }).conditions.find((c) => c.type === 'PodScheduled')!;
    assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'Unschedulable', msg]);
    await h.client.create(resources.nodes, node('large', '8'));
    await h.idle();
    assert.equal(await nodeOf(h.client, 'big'), 'large');
  } finally {
    await h.s.stop();
  }
});

test('pods scheduled back to back count each other before the cache shows the bindings', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.nodes, node('n1', '1'));
    await h.idle();
    h.client.holdWatches();
    await h.client.create(resources.pods, pod('x', '600m'));
    await h.client.create(resources.pods, pod('y', '600m'));
    h.client.releaseWatches();
    await h.idle();
    const bound = [await nodeOf(h.client, 'x'), await nodeOf(h.client, 'y')].filter(Boolean);
    assert.equal(bound.length, 1);
    assert.equal(h.events.reasons('FailedScheduling').length, 1);
  } finally {
    await h.s.stop();
  }
});

test('no nodes at all', { timeout: 20_000 }, async () => {
  const h = await harness();
  try {
    await h.client.create(resources.pods, pod('lonely'));
    await h.idle();
    assert.deepEqual(h.events.reasons('FailedScheduling'), ['no nodes available to schedule pods']);
  } finally {
    await h.s.stop();
  }
});
