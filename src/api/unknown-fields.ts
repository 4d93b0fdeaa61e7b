/**
 * Unknown-field detection for fieldValidation=Strict|Warn: every JSON path in an object that its
 * schema does not declare, in the form the real server reports (`spec.foo`,
 * `spec.template.spec.containers[0].foo`); kubectl prints them as `unknown field "spec.foo"`.
 */
import { getStruct, jsonFields, type TypeRef } from './schemas.js';

export function unknownFields(obj: unknown, schemaName: string): string[] {
  const def = getStruct(schemaName);
  if (!def) return [];
  const out: string[] = [];
  walkStruct(obj, schemaName, '', out);
  return out;
}

function walkStruct(value: unknown, structName: string, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const def = getStruct(structName);
  if (!def) return;
  const fields = new Map(jsonFields(def).map((f) => [f.name, f]));
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
