/**
 * Unknown-field detection for fieldValidation=Strict|Warn: every JSON path in an object that its
 * schema does not declare, in the form the real server reports (`spec.foo`,
 * `spec.template.spec.containers[0].foo`); kubectl prints them as `unknown field "spec.foo"`.
 */
import { getStruct, jsonFields, type FieldDef, type TypeRef } from './schemas.js';

/** JSON field tables per struct, built once: this runs on every write the API server accepts. */
const FIELD_TABLES = new Map<string, Map<string, FieldDef> | null>();

function fieldTable(structName: string): Map<string, FieldDef> | null {
  let t = FIELD_TABLES.get(structName);
  if (t === undefined) {
    const def = getStruct(structName);
    t = def ? new Map(jsonFields(def).map((f) => [f.name, f])) : null;
    FIELD_TABLES.set(structName, t);
  }
  return t;
}

export function unknownFields(obj: unknown, schemaName: string): string[] {
  if (!fieldTable(schemaName)) return [];
  const out: string[] = [];
  walkStruct(obj, schemaName, '', out);
  return out;
}

function walkStruct(value: unknown, structName: string, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const fields = fieldTable(structName);
  if (!fields) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const p = path ? `${path}.${key}` : key;
    const f = fields.get(key);
    if (!f) { out.push(p); continue; }
    walkType(v, f.type, p, out);
  }
}

function walkType(value: unknown, t: TypeRef, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  switch (t.k) {
    case 'scalar': return;
    case 'struct': walkStruct(value, t.name, path, out); return;
    case 'array':
      if (Array.isArray(value)) value.forEach((item, i) => walkType(item, t.items, `${path}[${i}]`, out));
      return;
    case 'map':
      if (typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) walkType(v, t.values, `${path}.${k}`, out);
      }
      return;
  }
}
