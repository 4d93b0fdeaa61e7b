import { test } from 'node:test';
import assert from 'node:assert/strict';
// The generated models only (the package root pulls in an HTTP stack that needs Node >= 22).
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';
import { allStructs, jsonFields, type TypeRef } from './schemas.js';

/**
 * Cross-checks the type descriptions against the generated models of @kubernetes/client-node (built
 * from the upstream OpenAPI): no invented fields, no missing ones, same shapes. Fields that only
 * exist in Kubernetes releases newer than the 1.33 Bosun reports are listed here on purpose.
 */
const NEWER_THAN_SERVED = new Set([
  'ListMeta.shardInfo', 'PodSpec.hostnameOverride', 'PodSpec.schedulingGroup', 'Container.restartPolicyRules',
  'EphemeralContainer.restartPolicyRules', 'EnvVarSource.fileKeyRef', 'PodStatus.allocatedResources',
  'PodStatus.extendedResourceClaimStatus', 'PodStatus.nodeAllocatableResourceClaimStatuses', 'PodStatus.resources',
  'NodeStatus.declaredFeatures',
]);
const PREFIX: Record<string, string> = {
  'io.k8s.api.core.v1': 'CoreV1', 'io.k8s.api.discovery.v1': 'DiscoveryV1', 'io.k8s.api.events.v1': 'EventsV1',
  'io.k8s.api.rbac.v1': 'RbacV1', 'io.k8s.api.networking.v1': 'NetworkingV1', 'io.k8s.api.apps.v1': 'AppsV1',
  'io.k8s.api.batch.v1': 'BatchV1', 'io.k8s.api.policy.v1': 'PolicyV1', 'io.k8s.api.autoscaling.v1': 'AutoscalingV1',
  'io.k8s.api.authentication.v1': 'AuthenticationV1',
};
/** Go-embedded structs have no model of their own upstream (their fields live in the embedding struct). */
const EMBEDDED_ONLY = new Set(['ProbeHandler', 'VolumeSource', 'IngressRuleValue']);

type Model = { attributeTypeMap: Array<{ baseName: string; type: string }> };

function shape(t: TypeRef): string {
  if (t.k === 'array') return 'Array';
  if (t.k === 'map') return 'map';
  if (t.k === 'struct') return 'struct';
  return ({ string: 'string', bytes: 'string', Quantity: 'string', int32: 'number', int64: 'number', double: 'number', bool: 'boolean',
    IntOrString: 'IntOrString', Time: 'Date', MicroTime: 'V1MicroTime', any: 'any' } as Record<string, string>)[t.s]!;
}

function upstreamShape(type: string): string {
  if (type.startsWith('Array<')) return 'Array';
  if (type.startsWith('{ [key: string]')) return 'map';
  return ['string', 'number', 'boolean', 'Date', 'IntOrString', 'V1MicroTime'].includes(type) ? type : 'struct';
}

test('every described struct matches the upstream model field for field', () => {
  const problems: string[] = [];
  for (const s of allStructs()) {
    const pkg = s.name.slice(0, s.name.lastIndexOf('.'));
    const short = s.name.slice(s.name.lastIndexOf('.') + 1);
    if (EMBEDDED_ONLY.has(short)) continue;
    const m = ((models as unknown as Record<string, Model>)[`${PREFIX[pkg] ?? ''}${short}`] ?? (models as unknown as Record<string, Model>)[`V1${short}`]);
    if (!m) { problems.push(`${s.name}: no upstream model`); continue; }
    const upstream = new Map(m.attributeTypeMap.map((a) => [a.baseName, a.type]));
    const mine = jsonFields(s);
    for (const f of mine) {
      const u = upstream.get(f.name);
      if (u === undefined) { problems.push(`${s.name}.${f.name}: not an upstream field`); continue; }
      const ms = shape(f.type);
      if (ms !== 'any' && ms !== upstreamShape(u)) problems.push(`${s.name}.${f.name}: ${ms} vs upstream ${u}`);
    }
    for (const name of upstream.keys()) {
      if (!mine.some((f) => f.name === name) && !NEWER_THAN_SERVED.has(`${short}.${name}`)) problems.push(`${s.name}.${name}: missing`);
    }
  }
  assert.deepEqual(problems, []);
});
