import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { patchMetaFor, NO_PATCH_META } from './patch-meta.js';
import { isKind } from '../errors/index.js';

const DEPLOY = patchMetaFor('io.k8s.api.apps.v1.Deployment');
const POD = patchMetaFor('io.k8s.api.core.v1.Pod');
const SVC = patchMetaFor('io.k8s.api.core.v1.Service');

function deployment(containers: unknown[], extra: Record<string, unknown> = {}) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 1, template: { spec: { containers, ...extra } } } };
}

test('maps merge recursively and null deletes a key', () => {
  const out = strategicMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null, c: '3' } } }, DEPLOY);
  assert.deepEqual(out, { metadata: { labels: { b: '2', c: '3' } } });
});

test('inputs are not modified', () => {
  const orig = { metadata: { labels: { a: '1' } } };
  const patch = { metadata: { labels: { a: null } } };
  strategicMergePatch(orig, patch, DEPLOY);
  assert.deepEqual(orig, { metadata: { labels: { a: '1' } } });
  assert.deepEqual(patch, { metadata: { labels: { a: null } } });
});

test('containers merge by name; other fields of the matched container are kept', () => {
  const orig = deployment([{ name: 'app', image: 'nginx:1', ports: [{ containerPort: 80 }] }, { name: 'side', image: 'busybox' }]);
  const out = strategicMergePatch(orig, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } }, DEPLOY);
  assert.deepEqual((out.spec as any).template.spec.containers, [
    { name: 'app', image: 'nginx:2', ports: [{ containerPort: 80 }] },
    { name: 'side', image: 'busybox' },
  ]);
});

test('without metadata lists are replaced wholesale', () => {
  const orig = deployment([{ name: 'app', image: 'a' }, { name: 'b', image: 'b' }]);
  const out = strategicMergePatch(orig, { spec: { template: { spec: { containers: [{ name: 'app', image: 'x' }] } } } }, NO_PATCH_META);
  assert.deepEqual((out.spec as any).template.spec.containers, [{ name: 'app', image: 'x' }]);
});

test('tolerations and args are atomic: replaced, not merged', () => {
  const orig = { spec: { tolerations: [{ key: 'a', operator: 'Exists' }], containers: [{ name: 'c', args: ['1', '2'] }] } };
  const out = strategicMergePatch(orig, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', args: ['3'] }] } }, POD);
  assert.deepEqual(out, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', args: ['3'] }] } });
});

test('$patch: delete inside a list removes the item with that key', () => {
  const orig = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }]);
  const out = strategicMergePatch(orig, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } }, DEPLOY);
  assert.deepEqual((out.spec as any).template.spec.containers, [{ name: 'b', image: 'b' }]);
});

test('$patch: replace in a list replaces the whole list', () => {
  const orig = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }]);
  const out = strategicMergePatch(orig, { spec: { template: { spec: { containers: [{ name: 'c', image: 'c' }, { $patch: 'replace' }] } } } }, DEPLOY);
  assert.deepEqual((out.spec as any).template.spec.containers, [{ name: 'c', image: 'c' }]);
});

test('$patch: replace on a map replaces it; $patch: delete on a map empties it', () => {
  const orig = { metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } } };
  const out = strategicMergePatch(orig, { metadata: { labels: { c: '3', $patch: 'replace' }, annotations: { $patch: 'delete' } } }, DEPLOY);
  assert.deepEqual(out, { metadata: { labels: { c: '3' }, annotations: {} } });
});

test('$retainKeys drops keys not listed (RollingUpdate → Recreate)', () => {
  const orig = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } };
  const out = strategicMergePatch(orig, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DEPLOY);
  assert.deepEqual(out, { spec: { strategy: { type: 'Recreate' } } });
});

test('$setElementOrder orders merged items; server-only items keep their relative place', () => {
  const orig = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }, { name: 'c', image: 'c' }]);
  const patch = { spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
    containers: [{ name: 'c', image: 'c2' }],
  } } } };
  const out = strategicMergePatch(orig, patch, DEPLOY);
  assert.deepEqual((out.spec as any).template.spec.containers.map((c: any) => `${c.name}:${c.image}`), ['c:c2', 'a:a', 'b:b']);
  assert.equal(JSON.stringify(out).includes('$setElementOrder'), false);
});

test('$setElementOrder with a new item adds it at the ordered position', () => {
  const orig = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }]);
  const patch = { spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'a' }, { name: 'new' }, { name: 'b' }],
    containers: [{ name: 'new', image: 'n' }],
  } } } };
  const out = strategicMergePatch(orig, patch, DEPLOY);
  assert.deepEqual((out.spec as any).template.spec.containers.map((c: any) => c.name), ['a', 'new', 'b']);
});

test('finalizers merge as a set and $deleteFromPrimitiveList removes values', () => {
  const orig = { metadata: { finalizers: ['a', 'b'] } };
  const out = strategicMergePatch(orig, { metadata: { finalizers: ['b', 'c'] } }, DEPLOY);
  assert.deepEqual(out, { metadata: { finalizers: ['a', 'b', 'c'] } });
  const out2 = strategicMergePatch(orig, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, DEPLOY);
  assert.deepEqual(out2, { metadata: { finalizers: ['b'] } });
});

test('env merges by name, volumeMounts by mountPath, container ports by containerPort', () => {
  const orig = { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
    volumeMounts: [{ name: 'v', mountPath: '/a' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }] } };
  const patch = { spec: { containers: [{ name: 'c', env: [{ name: 'B', value: '3' }],
    volumeMounts: [{ name: 'w', mountPath: '/b' }], ports: [{ containerPort: 81 }] }] } };
  const out = strategicMergePatch(orig, patch, POD) as any;
  const c = out.spec.containers[0];
  assert.deepEqual(c.env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }]);
  // Without $setElementOrder the real server puts items new to the list first (mergeSortedSlice
  // only orders items it finds in the server's list).
  assert.deepEqual(c.volumeMounts.map((m: any) => m.mountPath), ['/b', '/a']);
  assert.deepEqual(c.ports.map((p: any) => p.containerPort), [81, 80]);
});

test('service ports merge by port; selector is replaced as an atomic map only through null deletes', () => {
  const orig = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }], selector: { app: 'a' } } };
  const out = strategicMergePatch(orig, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, SVC) as any;
  assert.deepEqual(out.spec.ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);
});

test('status conditions merge by type', () => {
  const orig = { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } };
  const out = strategicMergePatch(orig, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, POD) as any;
  assert.deepEqual(out.status.conditions, [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
});

test('a merge-by-key item without the key is a BadRequest', () => {
  assert.throws(() => strategicMergePatch(deployment([{ name: 'a' }]), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, DEPLOY),
    (e) => isKind(e, 'BadRequest'));
});

test('an unknown $patch value is a BadRequest', () => {
  assert.throws(() => strategicMergePatch({ a: {} }, { a: { $patch: 'explode' } }), (e) => isKind(e, 'BadRequest'));
});

test('kubectl rollout restart patch adds an annotation to the template', () => {
  const orig = deployment([{ name: 'a', image: 'a' }]);
  const out = strategicMergePatch(orig, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } } } }, DEPLOY) as any;
  assert.equal(out.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], '2026-01-01T00:00:00Z');
  assert.equal(out.spec.template.spec.containers[0].image, 'a');
});

test('a new list under a merge field resolves directives inside it', () => {
  const out = strategicMergePatch({ spec: {} }, { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'emptyDir'], emptyDir: {} }] } }, POD) as any;
  assert.deepEqual(out.spec.volumes, [{ name: 'v', emptyDir: {} }]);
});

test('$setElementOrder on a primitive list orders the merged values', () => {
  const out = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } },
    { metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'], finalizers: ['c'] } }, DEPLOY);
  assert.deepEqual(out, { metadata: { finalizers: ['c', 'b', 'a'] } });
});
