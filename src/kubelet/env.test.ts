import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClient } from '../controllers/framework/fake.js';
import { resources } from '../client/index.js';
import { isKind } from '../errors/index.js';
import { containerEnv, expand, ObjectSource } from './env.js';
import type { Pod } from './types.js';

test('$(VAR) expansion: known names, $$ escapes, unknown references kept', () => {
  const vars = new Map([['A', 'x'], ['B', 'y']]);
  assert.equal(expand('$(A)-$(B)-$(C)-$$(A)-$', vars), 'x-y-$(C)-$(A)-$');
});

test('env from ConfigMaps, Secrets, pod fields and resources, envFrom first', async () => {
  const client = new FakeClient();
  await client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  await client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, data: { A: '1', B: '2' } });
  await client.create(resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { pw: Buffer.from('hunter2').toString('base64') } });
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } } }] },
  };
  const c = {
    name: 'c',
    resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
    envFrom: [{ configMapRef: { name: 'cm' } }, { prefix: 'S_', secretRef: { name: 's' } }],
    env: [
      { name: 'A', value: 'override-$(B)' },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
    ],
  };
  const env = await containerEnv(pod, c, new ObjectSource(client, 'ns'), { podIP: '10.0.0.5', hostIP: '10.0.0.1' }, { cpu: '2' });
  assert.deepEqual(Object.fromEntries(env), {
    A: 'override-2', B: '2', S_pw: 'hunter2', PW: 'hunter2', APP: 'web', IP: '10.0.0.5', NODE: 'n1', MEM_MI: '64', CPU_M: '250', CPU_LIMIT: '2',
  });
  await assert.rejects(
    containerEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'nope' } } }] }, new ObjectSource(client, 'ns'), { podIP: '', hostIP: '' }, {}),
    (err) => isKind(err, 'Invalid') && /couldn't find key nope in ConfigMap ns\/cm/.test((err as Error).message),
  );
});
