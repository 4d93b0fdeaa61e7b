/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the server half of what
 * kubectl apply/edit/patch/set compute: maps merge, lists replace unless the field's patch strategy
 * is `merge` (by merge key, or as a set of primitives), and the directives `$patch`
 * (replace|delete|merge), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` steer the merge.
 */
import { badRequest } from '../../errors/index.js';
import { deepEqual } from './deep-equal.js';
import type { PatchMetaLookup } from './patch-meta.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string, meta: PatchMetaLookup): unknown {
  if (!isObj(patch)) throw badRequest('strategic merge patch must be a JSON object');
  const merged = mergeMap(isObj(original) ? original : {}, patch, [], kind, meta);
  return merged ?? {};
}

/** Merges `patch` into a copy of `orig`; undefined means "delete this map" ($patch: delete). */
function mergeMap(orig: Obj, patch: Obj, path: string[], kind: string, meta: PatchMetaLookup): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch, path, kind, meta);
  if (directive !== undefined && directive !== 'merge') throw badRequest(`unknown patch directive "${String(directive)}"`);

  const out: Obj = structuredClone(orig);
  const orders = new Map<string, unknown[]>();
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (!Array.isArray(v)) throw badRequest(`${k} must be a list`);
      orders.set(k.slice('$setElementOrder/'.length), v);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(v)) throw badRequest(`${k} must be a list`);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    const fieldPath = [...path, k];
    if (v === null) {
      delete out[k];
    } else if (isObj(v)) {
      const m = mergeMap(isObj(out[k]) ? (out[k] as Obj) : {}, v, fieldPath, kind, meta);
      if (m === undefined) delete out[k];
      else out[k] = m;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, fieldPath, kind, meta);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], order, meta(kind, [...path, field])?.mergeKey);
  }
  if (patch.$retainKeys !== undefined) {
    if (!Array.isArray(patch.$retainKeys)) throw badRequest('$retainKeys must be a list');
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeList(orig: unknown[], patch: unknown[], path: string[], kind: string, meta: PatchMetaLookup): unknown[] {
  const m = meta(kind, path);
  const strategic = m?.strategies.includes('merge');
  // A list item {"$patch": "replace"} means "this list replaces the live one", whatever the strategy.
  if (patch.some((p) => isObj(p) && p.$patch === 'replace' && Object.keys(p).length === 1)) {
    return patch.filter((p) => !(isObj(p) && p.$patch === 'replace')).map((p) => strip(p, path, kind, meta));
  }
  if (!strategic) return patch.map((p) => strip(p, path, kind, meta));
  const key = m?.mergeKey;
  if (!key) {
    // A set of primitives (finalizers): union, keeping the live order first.
    const out = [...orig];
    for (const p of patch) if (!out.some((o) => deepEqual(o, p))) out.push(p);
    return out;
  }
  const out = orig.map((o) => structuredClone(o));
  for (const p of patch) {
    if (!isObj(p)) throw badRequest(`list ${path.join('.')} merges by "${key}": every item must be an object`);
    if (!(key in p)) throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((o) => isObj(o) && deepEqual(o[key], p[key]));
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(out[i] as Obj, p, path, kind, meta);
      if (merged === undefined) out.splice(i, 1);
      else out[i] = merged;
    } else {
      out.push(stripDirectives(p, path, kind, meta));
    }
  }
  return out;
}

/** A fresh value from the patch, with directives applied against nothing. */
function strip(v: unknown, path: string[], kind: string, meta: PatchMetaLookup): unknown {
  return isObj(v) ? stripDirectives(v, path, kind, meta) : v;
}

function stripDirectives(p: Obj, path: string[], kind: string, meta: PatchMetaLookup): Obj {
  const { $patch: _ignored, ...rest } = p;
  return mergeMap({}, rest, path, kind, meta) ?? {};
}

/**
 * $setElementOrder: items named in `order` take that order; items the patch did not mention keep
 * their place relative to each other after them (the apimachinery behaviour for server-only items).
 */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const idOf = (v: unknown) => (key && isObj(v) ? v[key] : v);
  const orderIds = order.map((o) => idOf(o));
  const pos = (v: unknown) => orderIds.findIndex((o) => deepEqual(o, idOf(v)));
  const named = list.filter((v) => pos(v) >= 0).sort((a, b) => pos(a) - pos(b));
  const rest = list.filter((v) => pos(v) < 0);
  return [...named, ...rest];
}
