/**
 * Unknown-field detection for fieldValidation=Strict|Warn. The API server decodes into typed
 * structs and reports the JSON fields that found no home; here that is the top level of every
 * kind and ObjectMeta, which is where hand-written manifests go wrong most (misplaced or misspelt
 * sections). Paths are reported as the real server spells them ("spec.foo", "metadata.nmae").
 */
import type { KObject, ResourceInfo } from '../api/types.js';

const OBJECT_META = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']);

const COMMON = ['apiVersion', 'kind', 'metadata'];

/** Top-level fields of each kind beyond apiVersion/kind/metadata. */
const TOP_LEVEL: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Endpoints: ['subsets'],
  EndpointSlice: ['addressType', 'endpoints', 'ports'],
  Event: ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series',
    'action', 'related', 'reportingComponent', 'reportingInstance', 'regarding', 'note', 'reportingController', 'deprecatedSource',
    'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'],
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
  Binding: ['target'],
  Scale: ['spec', 'status'],
};

/** The fields a kind has besides apiVersion, kind and metadata. */
export function topLevelFields(kind: string): string[] {
  return TOP_LEVEL[kind] ?? ['spec', 'status'];
}

export function unknownFields(info: ResourceInfo, obj: KObject): string[] {
  const allowed = new Set([...COMMON, ...topLevelFields(info.kind)]);
  const out: string[] = [];
  for (const k of Object.keys(obj)) if (!allowed.has(k)) out.push(k);
  const meta = obj.metadata;
  if (meta && typeof meta === 'object') for (const k of Object.keys(meta)) if (!OBJECT_META.has(k)) out.push(`metadata.${k}`);
  return out;
}
