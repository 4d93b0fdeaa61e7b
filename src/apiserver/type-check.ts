/**
 * The type half of decoding: the real server unmarshals a body into Go structs, so a value of the
 * wrong JSON type (a number where a string belongs, a string for a struct) is a 400 BadRequest
 * before any validation runs, worded as encoding/json words it. Checked against the API layer's
 * type descriptions; `null` is accepted anywhere, as Go decodes it to the zero value.
 */
import { BosunError } from '../errors/index.js';
import { getStruct, jsonFields, type TypeRef } from '../api/schemas.js';
import type { KObject, ResourceInfo } from '../api/index.js';

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Go's spelling of a type in unmarshal errors. */
function goType(t: TypeRef): string {
  switch (t.k) {
    case 'array': return `[]${goType(t.items)}`;
    case 'map': return `map[string]${goType(t.values)}`;
    case 'struct': {
      const parts = t.name.split('.');
      return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
    }
    case 'scalar':
      switch (t.s) {
        case 'int32': return 'int32';
        case 'int64': return 'int64';
        case 'bool': return 'bool';
        case 'double': return 'float64';
        case 'bytes': return '[]uint8';
        case 'Quantity': return 'resource.Quantity';
        case 'IntOrString': return 'intstr.IntOrString';
        case 'Time': case 'MicroTime': return 'v1.Time';
        default: return 'string';
      }
  }
}

function scalarOk(v: unknown, s: Extract<TypeRef, { k: 'scalar' }>['s']): boolean {
  switch (s) {
    case 'string': case 'Time': case 'MicroTime': return typeof v === 'string';
    case 'bytes': return typeof v === 'string';
    case 'int32': case 'int64': return typeof v === 'number' && Number.isInteger(v);
    case 'double': return typeof v === 'number';
    case 'bool': return typeof v === 'boolean';
    case 'Quantity': return typeof v === 'string' || typeof v === 'number';
    case 'IntOrString': return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
    case 'any': return true;
  }
}

interface Mismatch { path: string; got: unknown; want: TypeRef }

function check(v: unknown, t: TypeRef, path: string): Mismatch | undefined {
  if (v === null || v === undefined) return undefined;
  switch (t.k) {
    case 'scalar':
      return scalarOk(v, t.s) ? undefined : { path, got: v, want: t };
    case 'array':
      if (!Array.isArray(v)) return { path, got: v, want: t };
      for (const item of v) {
        const m = check(item, t.items, path);
        if (m) return m;
      }
      return undefined;
    case 'map':
      if (jsonType(v) !== 'object') return { path, got: v, want: t };
      for (const item of Object.values(v as object)) {
        const m = check(item, t.values, path);
        if (m) return m;
      }
      return undefined;
    case 'struct': {
      if (jsonType(v) !== 'object') return { path, got: v, want: t };
      const def = getStruct(t.name);
      if (!def) return undefined;
      const fields = new Map(jsonFields(def).map((f) => [f.name, f]));
      for (const [k, item] of Object.entries(v as object)) {
        const f = fields.get(k);
        if (!f) continue; // unknown fields are fieldValidation's business
        const m = check(item, f.type, `${path}.${k}`);
        if (m) return m;
      }
      return undefined;
    }
  }
}

/** Throws the BadRequest the real server answers when `obj` does not decode into the kind's type. */
export function checkTypes(info: ResourceInfo, obj: KObject): void {
  const m = check(obj, { k: 'struct', name: info.schemaName }, info.kind);
  if (!m) return;
  const got = jsonType(m.got) === 'object' ? 'object' : jsonType(m.got) === 'array' ? 'array' : typeof m.got === 'boolean' ? 'bool' : typeof m.got;
  throw new BosunError('BadRequest',
    `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${got} into Go struct field ${m.path} of type ${goType(m.want)}`);
}
