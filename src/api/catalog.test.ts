import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog, findKind, findResource } from './catalog.js';
import { getStruct } from './schemas.js';

const byRes = (group: string, resource: string) => catalog.find((r) => r.group === group && r.resource === resource)!;

test('every brief resource is served with Kubernetes discovery values', () => {
  const want: Array<[string, string, string[], string[], boolean]> = [
    ['', 'namespaces', ['ns'], [], false], ['', 'pods', ['po'], ['all'], true], ['', 'services', ['svc'], ['all'], true],
    ['', 'endpoints', ['ep'], [], true], ['', 'configmaps', ['cm'], [], true], ['', 'secrets', [], [], true],
    ['', 'serviceaccounts', ['sa'], [], true], ['', 'nodes', ['no'], [], false], ['', 'events', ['ev'], [], true],
    ['', 'persistentvolumes', ['pv'], [], false], ['', 'persistentvolumeclaims', ['pvc'], [], true],
    ['', 'resourcequotas', ['quota'], [], true], ['', 'limitranges', ['limits'], [], true],
    ['apps', 'deployments', ['deploy'], ['all'], true], ['apps', 'replicasets', ['rs'], ['all'], true],
    ['apps', 'statefulsets', ['sts'], ['all'], true], ['apps', 'daemonsets', ['ds'], ['all'], true],
    ['batch', 'jobs', [], ['all'], true], ['batch', 'cronjobs', ['cj'], ['all'], true],
    ['networking.k8s.io', 'ingresses', ['ing'], [], true], ['networking.k8s.io', 'ingressclasses', [], [], false],
    ['networking.k8s.io', 'networkpolicies', ['netpol'], [], true], ['discovery.k8s.io', 'endpointslices', [], [], true],
    ['coordination.k8s.io', 'leases', [], [], true], ['events.k8s.io', 'events', ['ev'], [], true],
    ['rbac.authorization.k8s.io', 'roles', [], [], true], ['rbac.authorization.k8s.io', 'rolebindings', [], [], true],
    ['rbac.authorization.k8s.io', 'clusterroles', [], [], false], ['rbac.authorization.k8s.io', 'clusterrolebindings', [], [], false],
  ];
  assert.equal(catalog.length, want.length);
  for (const [group, resource, shortNames, categories, namespaced] of want) {
    const r = byRes(group, resource);
    assert.ok(r, resource);
    assert.deepEqual(r.shortNames, shortNames, resource);
    assert.deepEqual(r.categories, categories, resource);
    assert.equal(r.namespaced, namespaced, resource);
    assert.ok(getStruct(r.schemaName), r.schemaName);
    assert.equal(r.listKind, `${r.kind}List`);
  }
});

test('subresources: scale answers autoscaling/v1 Scale, pods have their streaming subresources', () => {
  const d = byRes('apps', 'deployments');
  assert.deepEqual(d.subresources.map((s) => `${s.name}:${s.group}/${s.version}/${s.kind}`), ['scale:autoscaling/v1/Scale', 'status:apps/v1/Deployment']);
  assert.deepEqual(byRes('', 'pods').subresources.map((s) => s.name), ['attach', 'binding', 'eviction', 'exec', 'log', 'portforward', 'status']);
  assert.deepEqual(byRes('', 'serviceaccounts').subresources.map((s) => `${s.name}:${s.kind}`), ['token:TokenRequest']);
  assert.deepEqual(byRes('', 'namespaces').verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  assert.equal(byRes('apps', 'deployments').hasStatus, true);
  assert.equal(byRes('', 'configmaps').hasStatus, false);
});

test('lookups by URL segments and by apiVersion/kind', () => {
  assert.equal(findResource('apps', 'v1', 'deployments')?.kind, 'Deployment');
  assert.equal(findKind('apps/v1', 'Deployment')?.resource, 'deployments');
  assert.equal(findKind('v1', 'Event')?.group, '');
  assert.equal(findKind('events.k8s.io/v1', 'Event')?.group, 'events.k8s.io');
  assert.equal(findKind('apps/v1beta1', 'Deployment'), undefined);
});
