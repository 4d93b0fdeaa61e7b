/** Shared validation pieces: object metadata, label selectors, the small value checks every kind uses. */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { dns1123LabelErrors, labelValueErrors, qualifiedNameErrors } from './name-rules.js';
import { deepEqual } from './strategic-merge-patch.js';

export type Any = Record<string, any>;
type NameRule = (name: string) => string[];

export const isObj = (v: unknown): v is Any => v !== null && typeof v === 'object' && !Array.isArray(v);
export const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Path segment names (RBAC objects): anything but ".", ".." and names containing "/" or "%". */
export const pathSegmentName: NameRule = (name) => {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const bad = ['/', '%'].filter((c) => name.includes(c));
  return bad.map((c) => `may not contain '${c}'`);
};

const MAX_ANNOTATIONS = 256 * 1024;
export const MAX_DATA = 1024 * 1024;

export function validateLabels(e: FieldErrors, labels: unknown, path: string): void {
  if (labels === undefined || labels === null) return;
  if (!isObj(labels)) { e.invalid(path, labels, 'must be a map of string keys and values'); return; }
  for (const [k, v] of Object.entries(labels)) {
    e.invalidAll(path, k, qualifiedNameErrors(k));
    if (typeof v !== 'string') e.invalid(path, v, 'label values must be strings');
    else e.invalidAll(path, v, labelValueErrors(v));
  }
}

export function validateMeta(e: FieldErrors, o: KObject, nameRule: NameRule, namespaced: boolean): void {
  const m = o.metadata;
  if (!isObj(m)) { e.required('metadata', ''); return; }
  if (typeof m.generateName === 'string' && m.generateName !== '') {
    // The prefix is checked as a name with its trailing dash masked (ValidateObjectMeta's maskTrailingDash).
    const masked = m.generateName.length > 1 && m.generateName.endsWith('-') ? `${m.generateName.slice(0, -1)}a` : m.generateName;
    e.invalidAll('metadata.generateName', m.generateName, nameRule(masked));
  }
  if (!m.name) {
    if (!m.generateName) e.required('metadata.name', 'name or generateName is required');
  } else if (typeof m.name !== 'string') {
    e.invalid('metadata.name', m.name, 'must be a string');
  } else {
    e.invalidAll('metadata.name', m.name, nameRule(m.name));
  }
  if (namespaced) {
    if (typeof m.namespace === 'string' && m.namespace !== '') e.invalidAll('metadata.namespace', m.namespace, dns1123LabelErrors(m.namespace));
  } else if (m.namespace) {
    e.forbidden('metadata.namespace', 'not allowed on this type');
  }
  validateLabels(e, m.labels, 'metadata.labels');
  if (isObj(m.annotations)) {
    let size = 0;
    for (const [k, v] of Object.entries(m.annotations)) {
      e.invalidAll('metadata.annotations', k, qualifiedNameErrors(k.toLowerCase()));
      size += k.length + (typeof v === 'string' ? v.length : 0);
    }
    if (size > MAX_ANNOTATIONS) e.tooLong('metadata.annotations', MAX_ANNOTATIONS);
  }
  arr(m.finalizers).forEach((f, i) => {
    if (typeof f !== 'string') { e.invalid(`metadata.finalizers[${i}]`, f, 'must be a string'); return; }
    e.invalidAll(`metadata.finalizers[${i}]`, f, qualifiedNameErrors(f));
  });
  arr(m.ownerReferences).forEach((r, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!isObj(r)) { e.invalid(p, r, 'must be an object'); return; }
    if (!r.apiVersion) e.invalid(`${p}.apiVersion`, r.apiVersion ?? '', 'version must not be empty');
    if (!r.kind) e.invalid(`${p}.kind`, r.kind ?? '', 'must not be empty');
    if (!r.name) e.invalid(`${p}.name`, r.name ?? '', 'must not be empty');
    if (!r.uid) e.invalid(`${p}.uid`, r.uid ?? '', 'must not be empty');
  });
  if (m.generation !== undefined && isInt(m.generation) && m.generation < 0) e.invalid('metadata.generation', m.generation, 'must be greater than or equal to 0');
}

export function validateMetaUpdate(e: FieldErrors, o: KObject, old: KObject): void {
  const m = o.metadata ?? {};
  const om = old.metadata ?? {};
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    if (m[f] !== undefined && om[f] !== undefined && m[f] !== om[f]) e.invalid(`metadata.${f}`, m[f], 'field is immutable');
  }
}

export function metaOnly(nameRule: NameRule, namespaced: boolean) {
  return (o: KObject, old?: KObject): FieldCause[] => {
    const e = new FieldErrors();
    validateMeta(e, o, nameRule, namespaced);
    if (old) validateMetaUpdate(e, o, old);
    return e.list;
  };
}

export function validateSelector(e: FieldErrors, sel: unknown, path: string): boolean {
  if (!isObj(sel)) return false;
  validateLabels(e, sel.matchLabels, `${path}.matchLabels`);
  arr(sel.matchExpressions).forEach((x, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!isObj(x)) return;
    e.invalidAll(`${p}.key`, x.key ?? '', qualifiedNameErrors(String(x.key ?? '')));
    const values = arr(x.values);
    switch (x.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) e.required(`${p}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\'');
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) e.forbidden(`${p}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
        break;
      default:
        e.invalid(`${p}.operator`, x.operator ?? '', 'not a valid selector operator');
    }
  });
  return true;
}

export function selectorMatches(sel: Any, labels: Any): boolean {
  for (const [k, v] of Object.entries(isObj(sel.matchLabels) ? sel.matchLabels : {})) if (labels[k] !== v) return false;
  for (const x of arr(sel.matchExpressions)) {
    if (!isObj(x)) continue;
    const has = Object.prototype.hasOwnProperty.call(labels, x.key);
    const vals = arr(x.values);
    if (x.operator === 'In' && !(has && vals.includes(labels[x.key]))) return false;
    if (x.operator === 'NotIn' && has && vals.includes(labels[x.key])) return false;
    if (x.operator === 'Exists' && !has) return false;
    if (x.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export function nonNegative(e: FieldErrors, v: unknown, path: string): void {
  if (v === undefined || v === null) return;
  if (!isInt(v)) e.invalid(path, v, 'must be an integer');
  else if (v < 0) e.invalid(path, v, 'must be greater than or equal to 0');
}

/** "25%" or a non-negative integer (ValidatePositiveIntOrPercent). */
export function intOrPercent(e: FieldErrors, v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    if (v < 0) e.invalid(path, v, 'must be greater than or equal to 0');
    return v;
  }
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (!m) { e.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"); return undefined; }
    const n = Number(m[1]);
    if (n > 100) e.invalid(path, v, 'must not be greater than 100%');
    return n;
  }
  e.invalid(path, v, 'must be an integer or percentage (e.g \'5%\')');
  return undefined;
}

export function immutable(e: FieldErrors, o: Any, old: Any, path: string): void {
  const get = (x: Any) => path.split('.').reduce<any>((a, k) => (a === undefined || a === null ? undefined : a[k]), x);
  const a = get(o);
  const b = get(old);
  if (!deepEqual(a, b)) e.invalid(path, a ?? null, 'field is immutable');
}

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const isIP = (s: string) => IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
