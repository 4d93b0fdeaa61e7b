/**
 * Strategic-merge-patch metadata (patch strategy and merge key per field), read from the same type
 * descriptions that produce the OpenAPI x-kubernetes-patch-* extensions, so server and kubectl agree.
 */
import { getStruct, jsonFields, type TypeRef } from './schemas.js';

export interface FieldPatchMeta {
  /** "merge", "retainKeys", "replace" (a field may carry several, e.g. merge + retainKeys). */
  strategies: string[];
  mergeKey?: string;
  /** Metadata for what the field holds: the struct itself, list items or map values. */
  elem: PatchMeta;
}

export interface PatchMeta {
  /** undefined for fields the schema does not know: maps then merge, lists are replaced. */
  field(name: string): FieldPatchMeta | undefined;
}

/** Metadata for untyped data (custom resources, free-form fields): nothing is merged by key. */
export const NO_PATCH_META: PatchMeta = { field: () => undefined };

const cache = new Map<string, PatchMeta>();

function elemMeta(t: TypeRef): PatchMeta {
  switch (t.k) {
    case 'struct': return patchMetaFor(t.name);
    case 'array': return elemMeta(t.items);
    case 'map': return elemMeta(t.values);
    case 'scalar': return NO_PATCH_META;
  }
}

/** Patch metadata of a schema (e.g. "io.k8s.api.apps.v1.Deployment"); NO_PATCH_META when unknown. */
export function patchMetaFor(schemaName: string): PatchMeta {
  const hit = cache.get(schemaName);
  if (hit) return hit;
  const def = getStruct(schemaName);
  if (!def) return NO_PATCH_META;
  let fields: Map<string, FieldPatchMeta> | undefined;
  const meta: PatchMeta = {
    field(name) {
      // Built lazily: schemas are recursive through PodTemplateSpec/JobTemplateSpec references.
      fields ??= new Map(jsonFields(def).map((f) => [f.name, {
        strategies: f.patchStrategy ? f.patchStrategy.split(',') : [],
        ...(f.patchMergeKey ? { mergeKey: f.patchMergeKey } : {}),
        elem: elemMeta(f.type),
      }]));
      return fields.get(name);
    },
  };
  cache.set(schemaName, meta);
  return meta;
}
