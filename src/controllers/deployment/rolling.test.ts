import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resources } from '../../client/index.js';
import type { KObject } from '../../api/index.js';
import { FakeClient, RecordingEvents } from '../framework/fake.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { rolloutRolling } from './rolling.js';
import { computeHash, POD_TEMPLATE_HASH, REVISION, type Deployment } from './util.js';

const template = (image: string) => ({ metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image }] } });

async function replicaSet(c: FakeClient, d: Deployment, image: string, revision: string, replicas: number, available: number): Promise<ReplicaSet> {
  const t = template(image);
  const hash = computeHash(t);
  const rs = await c.create<ReplicaSet>(resources.replicasets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: `w-${hash}`, namespace: 'default', annotations: { [REVISION]: revision },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'w', uid: d.metadata!.uid!, controller: true, blockOwnerDeletion: true }] },
    spec: { replicas, selector: { matchLabels: { app: 'w', [POD_TEMPLATE_HASH]: hash } },
      template: { ...t, metadata: { labels: { app: 'w', [POD_TEMPLATE_HASH]: hash } } } },
  } as KObject);
  return c.update<ReplicaSet>(resources.replicasets, { ...rs, status: { replicas: available, readyReplicas: available, availableReplicas: available } }, { subresource: 'status' });
}

test('an old ReplicaSet whose status still shows more available pods than it wants is never scaled up', { timeout: 20_000 }, async () => {
  const c = new FakeClient();
  const d = await c.create<Deployment>(resources.deployments, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', namespace: 'default' },
    spec: { replicas: 5, selector: { matchLabels: { app: 'w' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } }, template: template('v2') },
  });
  const fresh = await c.get<Deployment>(resources.deployments, 'w', 'default');
  // Just scaled 4 → 3; its status has not caught up yet.
  const old = await replicaSet(c, fresh, 'v1', '1', 3, 4);
  const cur = await replicaSet(c, fresh, 'v2', '2', 4, 4);
  const events = new RecordingEvents();
  await rolloutRolling({ client: c, events, now: Date.now, requeueAfter: () => undefined }, structuredClone(d), [old, cur]);
  const sizes = Object.fromEntries(c.objects<ReplicaSet>(resources.replicasets, 'default').map((r) => [r.metadata!.annotations![REVISION], r.spec.replicas]));
  assert.ok(sizes['1']! <= 3, `old ReplicaSet grew to ${sizes['1']}`);
  assert.ok(!events.reasons('ScalingReplicaSet').some((m) => m.startsWith(`Scaled up replica set ${old.metadata!.name}`)));
});
