/**
 * Strategic merge patch as the Kubernetes API server applies it
 * (k8s.io/apimachinery/pkg/util/strategicpatch, with MergeParallelList and IgnoreUnmatchedNulls on):
 * maps merge recursively and null deletes; lists are replaced unless the field's strategy is `merge`,
 * then items are merged by the merge key (primitive lists are unioned). Directives:
 *   {"$patch": "replace"}            replace the map (or, as a list item, the whole list)
 *   {"$patch": "delete"}             delete the map (as a list item: the item with that merge key)
 *   "$retainKeys": [...]             drop keys of the original map not listed
 *   "$setElementOrder/<list>": [...] the final order of the list's items
 *   "$deleteFromPrimitiveList/<list>": [...] remove these values from a primitive list
 */
import { BosunError } from '../errors/index.js';
import type { PatchMeta } from './patch-meta.js';
import { NO_PATCH_META } from './patch-meta.js';

type JMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

const isMap = (v: unknown): v is JMap => v !== null && typeof v === 'object' && !Array.isArray(v);
const bad = (message: string) => new BosunError('BadRequest', message);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** Applies `patch` to `original` (neither is modified) and returns the result. */
export function strategicMergePatch(original: JMap, patch: JMap, meta: PatchMeta = NO_PATCH_META): JMap {
  if (!isMap(patch)) throw bad('strategic merge patch must be a JSON object');
  return mergeMap(clone(original) ?? {}, clone(patch), meta);
}

function mergeMap(original: JMap, patch: JMap, meta: PatchMeta): JMap {
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return mergeMap({}, patch, meta);
    }
    if (d === 'delete') return {};
    if (d !== 'merge') throw bad(`Unknown patch type: ${String(d)}`);
    delete patch[DIRECTIVE];
  }
  if (RETAIN_KEYS in patch) {
    const keep = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(keep)) throw bad('$retainKeys must be a list of field names');
    for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
  }
  applyElementOrder(original, patch, meta);
  for (const [key, patchV] of Object.entries(patch)) {
    if (key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const cur = original[field];
      if (!Array.isArray(cur)) continue;
      if (!Array.isArray(patchV)) throw bad(`${key} must be a list`);
      original[field] = cur.filter((v) => !patchV.some((d) => deepEqual(d, v)));
      continue;
    }
    if (patchV === null) { delete original[key]; continue; }
    const fm = meta.field(key);
    const cur = original[key];
    if (!(key in original) || cur === null || kindOf(cur) !== kindOf(patchV)) {
      original[key] = fresh(patchV, fm);
      continue;
    }
    if (isMap(patchV)) {
      original[key] = fm?.strategies.includes('replace') ? fresh(patchV, fm) : mergeMap(cur as JMap, patchV, fm?.elem ?? NO_PATCH_META);
    } else if (Array.isArray(patchV)) {
      original[key] = fm?.strategies.includes('merge') ? mergeList(cur as unknown[], patchV, fm, key) : fresh(patchV, fm);
    } else {
      original[key] = patchV;
    }
  }
  return original;
}

const kindOf = (v: unknown) => (Array.isArray(v) ? 'array' : isMap(v) ? 'map' : 'scalar');

/** A patch value landing where the original has nothing: directives are resolved against emptiness. */
function fresh(v: unknown, fm: { strategies: string[]; mergeKey?: string; elem: PatchMeta } | undefined): unknown {
  if (isMap(v)) return mergeMap({}, v, fm?.elem ?? NO_PATCH_META);
  if (Array.isArray(v)) {
    if (fm?.strategies.includes('merge')) return mergeList([], v, fm, '');
    return v.map((x) => (isMap(x) ? mergeMap({}, x, fm?.elem ?? NO_PATCH_META) : x));
  }
  return v;
}

function mergeList(original: unknown[], patch: unknown[], fm: FieldMeta, field: string): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const mapItems = [...original, ...patch].some(isMap);
  if (!mapItems) {
    const out: unknown[] = [];
    for (const v of [...original, ...patch]) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  const key = fm.mergeKey;
  if (!key) throw bad(`cannot merge lists without merge key for ${field}`);
  let base = original;
  const plain: JMap[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isMap(item)) throw bad(`${field}: list item ${JSON.stringify(item)} is not an object`);
    if (!(DIRECTIVE in item)) { plain.push(item); continue; }
    const d = item[DIRECTIVE];
    if (d === 'delete') {
      if (!(key in item)) throw bad('delete patch type with no merge key defined');
      base = base.filter((o) => !(isMap(o) && deepEqual(o[key], item[key])));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw bad('merging lists cannot yet be specified in the patch');
    } else {
      throw bad(`Unknown patch type: ${String(d)}`);
    }
  }
  if (replace) return plain.map((p) => mergeMap({}, p, fm.elem));
  const merged = base.map((o) => clone(o));
  for (const p of plain) {
    if (!(key in p)) throw bad(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const i = merged.findIndex((o) => isMap(o) && deepEqual(o[key], p[key]));
    if (i >= 0) merged[i] = mergeMap(merged[i] as JMap, p, fm.elem);
    else merged.push(mergeMap({}, p, fm.elem));
  }
  const inPatch = (o: unknown) => plain.some((p) => deepEqual((o as JMap)[key], p[key]));
  return normalizeOrder(merged.filter(inPatch), merged.filter((o) => !inPatch(o)), plain, original, key);
}

type FieldMeta = { strategies: string[]; mergeKey?: string; elem: PatchMeta };

/** Handles `$setElementOrder/<list>` together with the list it orders. */
function applyElementOrder(original: JMap, patch: JMap, meta: PatchMeta): void {
  for (const dkey of Object.keys(patch)) {
    if (!dkey.startsWith(SET_ORDER)) continue;
    const order = patch[dkey];
    const field = dkey.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw bad(`${dkey} must be a list`);
    const fm = meta.field(field) ?? { strategies: [], elem: NO_PATCH_META };
    const hasOrig = Array.isArray(original[field]);
    const hasPatch = Array.isArray(patch[field]);
    let merged: unknown[];
    if (!hasOrig && !hasPatch) continue;
    if (hasOrig && !hasPatch) merged = original[field] as unknown[];
    else if (!hasOrig) merged = fresh(patch[field], fm) as unknown[];
    else merged = fm.strategies.includes('merge') ? mergeList(original[field] as unknown[], patch[field] as unknown[], fm, field) : fresh(patch[field], fm) as unknown[];
    const key = fm.mergeKey;
    const same = (a: unknown, b: unknown) => (key && isMap(a) && isMap(b) ? deepEqual(a[key], b[key]) : deepEqual(a, b));
    const inOrder = (o: unknown) => order.some((x) => same(o, x));
    original[field] = normalizeOrder(merged.filter(inOrder), merged.filter((o) => !inOrder(o)), order, (original[field] as unknown[]) ?? [], key);
    delete patch[field];
  }
}

function indexIn(list: unknown[], item: unknown, key: string | undefined): number {
  return list.findIndex((x) => (key && isMap(x) && isMap(item) ? deepEqual(x[key], item[key]) : deepEqual(x, item)));
}

/**
 * Patch items follow the patch order; items only the server had keep their place relative to the
 * server order (strategicpatch.normalizeElementOrder + mergeSortedSlice).
 */
function normalizeOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], key: string | undefined): unknown[] {
  const sortBy = (items: unknown[], order: unknown[]) => items
    .map((item, i) => ({ item, i, o: indexIn(order, item, key) }))
    .sort((a, b) => (a.o >= 0 && b.o >= 0 ? a.o - b.o : a.i - b.i))
    .map((x) => x.item);
  const left = sortBy(serverOnly, serverOrder);
  const right = sortBy(patchItems, patchOrder);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) { out.push(right[j++]); continue; }
    if (j >= right.length) { out.push(left[i++]); continue; }
    const li = indexIn(serverOrder, left[i], key);
    const ri = indexIn(serverOrder, right[j], key);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ak = Object.keys(a as JMap);
  const bk = Object.keys(b as JMap);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as JMap)[k], (b as JMap)[k]));
}
