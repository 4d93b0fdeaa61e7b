import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openapiV3, openapiV3Hash, openapiV3Index } from './openapi.js';
import { unknownFields } from './unknown-fields.js';
import { catalog } from './catalog.js';

type Json = Record<string, any>;

test('the index lists every group-version with a hash that matches its document', () => {
  const idx = openapiV3Index();
  assert.deepEqual(Object.keys(idx.paths), ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1',
    'apis/events.k8s.io/v1', 'apis/networking.k8s.io/v1', 'apis/rbac.authorization.k8s.io/v1']);
  assert.equal(idx.paths['apis/apps/v1']!.serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${openapiV3Hash('apps/v1')}`);
  assert.equal(openapiV3('nope/v9'), undefined);
});

test('PATCH operations carry the GVK, fieldValidation and the four patch content types (what kubectl checks)', () => {
  for (const r of catalog) {
    const doc = openapiV3(r.group === '' ? r.version : `${r.group}/${r.version}`) as Json;
    const patchOps = Object.values(doc.paths as Json).map((p: Json) => p.patch).filter(Boolean)
      .filter((op: Json) => op['x-kubernetes-group-version-kind'].kind === r.kind && op['x-kubernetes-group-version-kind'].group === r.group);
    assert.ok(patchOps.length > 0, r.resource);
    const op = patchOps[0];
    assert.ok(op.parameters.some((p: Json) => p.name === 'fieldValidation'), r.resource);
    assert.ok(op.parameters.some((p: Json) => p.name === 'dryRun'));
    assert.ok(op.parameters.some((p: Json) => p.name === 'force'));
    assert.deepEqual(Object.keys(op.requestBody.content).sort(), ['application/apply-patch+yaml', 'application/json-patch+json',
      'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    assert.equal(op['x-kubernetes-action'], 'patch');
  }
});

test('component schemas: GVK arrays, allOf-wrapped refs, patch metadata, and every $ref resolves', () => {
  const doc = openapiV3('apps/v1') as Json;
  const schemas = doc.components.schemas as Json;
  const dep = schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.deepEqual(dep.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentSpec'].required, ['selector', 'template']);
  assert.equal(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.deepEqual(containers.items.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }]);
  assert.equal(schemas['io.k8s.api.core.v1.Container'].properties.ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(schemas['io.k8s.api.core.v1.Container'].properties.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.ok(schemas['io.k8s.api.apps.v1.DeploymentList']);
  assert.ok(schemas['io.k8s.api.autoscaling.v1.Scale']);
  for (const gv of Object.keys(openapiV3Index().paths)) {
    const d = openapiV3(gv) as Json;
    const refs = JSON.stringify(d).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of refs) assert.ok(d.components.schemas[ref.slice('#/components/schemas/'.length)], `${gv}: ${ref}`);
  }
});

test('inlined Go structs are flattened (Probe has httpGet, Volume has configMap)', () => {
  const schemas = (openapiV3('v1') as Json).components.schemas as Json;
  assert.ok(schemas['io.k8s.api.core.v1.Probe'].properties.httpGet);
  assert.ok(schemas['io.k8s.api.core.v1.Volume'].properties.configMap);
  assert.ok(schemas['io.k8s.api.core.v1.ConfigMapVolumeSource'].properties.name);
});

test('unknownFields lists paths the schema does not declare', () => {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labelz: {} }, spec: { foo: 1, replicas: 1,
    template: { spec: { containers: [{ name: 'c', image: 'i', bogus: true, resources: { limits: { cpu: '1' } } }], volumes: [{ name: 'v', configMap: { name: 'c', nope: 1 } }] } } } };
  assert.deepEqual(unknownFields(d, 'io.k8s.api.apps.v1.Deployment'), ['metadata.labelz', 'spec.foo', 'spec.template.spec.containers[0].bogus', 'spec.template.spec.volumes[0].configMap.nope']);
  assert.deepEqual(unknownFields({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { a: 'b' } }, data: { k: 'v' } }, 'io.k8s.api.core.v1.ConfigMap'), []);
  assert.deepEqual(unknownFields({ spec: { affinity: { nodeAffinity: { anything: 1 } } } }, 'io.k8s.api.core.v1.Pod'), []);
});
