import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { builtinPatchMeta } from './patch-meta.js';

const deployment = () => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    replicas: 3,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: { spec: { containers: [
      { name: 'c', image: 'nginx:1.27', env: [{ name: 'MODE', value: 'one' }, { name: 'KEEP', value: 'x' }], args: ['a', 'b'] },
      { name: 'side', image: 'busybox' },
    ] } },
  },
});

test('kubectl apply patch: merge by key, $patch delete, $setElementOrder, new list items', () => {
  const patch = {
    metadata: { labels: { tier: 'frontend' } },
    spec: { replicas: 2, template: { spec: {
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'c' }, { name: 'side' }],
      containers: [
        { '$setElementOrder/env': [{ name: 'MODE' }], env: [{ name: 'MODE', value: 'two' }, { $patch: 'delete', name: 'KEEP' }], image: 'nginx:1.28', name: 'c' },
        { command: ['sleep', 'infinity'], image: 'busybox:1.36', name: 'sidecar' },
      ],
    } } },
  };
  const out = applyStrategicMergePatch(deployment(), patch, 'Deployment', builtinPatchMeta) as any;
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'frontend' });
  assert.equal(out.spec.replicas, 2);
  const cs = out.spec.template.spec.containers;
  assert.deepEqual(cs.map((c: any) => c.name), ['sidecar', 'c', 'side']);
  assert.equal(cs[1].image, 'nginx:1.28');
  assert.deepEqual(cs[1].env, [{ name: 'MODE', value: 'two' }]);
  assert.deepEqual(cs[1].args, ['a', 'b'], 'fields the patch does not name stay');
  assert.deepEqual(cs[0], { command: ['sleep', 'infinity'], image: 'busybox:1.36', name: 'sidecar' });
});

test('lists without a strategy are replaced; primitive merge lists union; $deleteFromPrimitiveList', () => {
  const out = applyStrategicMergePatch(deployment(), {
    metadata: { finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a'] },
    spec: { template: { spec: { containers: [{ name: 'c', args: ['z'] }] } } },
  }, 'Deployment', builtinPatchMeta) as any;
  assert.deepEqual(out.metadata.finalizers, ['b']);
  assert.deepEqual(out.spec.template.spec.containers[0].args, ['z']);
  assert.equal(out.spec.template.spec.containers.length, 2);
});

test('$retainKeys drops keys not listed (RollingUpdate → Recreate); $patch replace and null delete', () => {
  const out = applyStrategicMergePatch(deployment(), {
    spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    metadata: { labels: { $patch: 'replace', only: 'this' } },
  }, 'Deployment', builtinPatchMeta) as any;
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  assert.deepEqual(out.metadata.labels, { only: 'this' });
  const out2 = applyStrategicMergePatch(deployment(), { spec: { strategy: null } }, 'Deployment', builtinPatchMeta) as any;
  assert.equal(out2.spec.strategy, undefined);
});

test('a list item missing its merge key is a BadRequest', () => {
  assert.throws(() => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'Deployment', builtinPatchMeta),
    (err: any) => err.kind === 'BadRequest');
});

test('JSON patch: add/replace/remove/move/copy/test, failures are errors and leave the input alone', () => {
  const doc = { a: { b: [1, 2] }, c: 'x' };
  const out = applyJsonPatch(doc, [
    { op: 'add', path: '/a/b/-', value: 3 }, { op: 'replace', path: '/c', value: 'y' }, { op: 'copy', from: '/c', path: '/d' },
    { op: 'move', from: '/d', path: '/e' }, { op: 'remove', path: '/a/b/0' }, { op: 'test', path: '/e', value: 'y' },
  ]);
  assert.deepEqual(out, { a: { b: [2, 3] }, c: 'y', e: 'y' });
  assert.deepEqual(doc, { a: { b: [1, 2] }, c: 'x' });
  assert.throws(() => applyJsonPatch(doc, [{ op: 'test', path: '/c', value: 'nope' }]), (e: any) => e.kind === 'Invalid');
  assert.throws(() => applyJsonPatch(doc, [{ op: 'remove', path: '/zzz' }]), (e: any) => e.kind === 'Invalid');
  assert.throws(() => applyJsonPatch(doc, { op: 'add' }), (e: any) => e.kind === 'BadRequest');
});

test('merge patch (RFC 7386)', () => {
  assert.deepEqual(applyMergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1] }, { a: null, b: { c: 9 }, l: [2] }), { b: { c: 9, d: 3 }, l: [2] });
});
