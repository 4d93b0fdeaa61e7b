/**
 * RFC 6902 JSON Patch (add, remove, replace, move, copy, test) with RFC 6901 pointers.
 * A malformed patch is BadRequest; a patch that cannot apply (missing path, failed test) is Invalid,
 * matching the 422 the Kubernetes API server answers.
 */
import { BosunError } from '../errors/index.js';
import { deepEqual } from './strategic-merge-patch.js';

interface Op { op: string; path: string; value?: unknown; from?: string }

const bad = (m: string) => new BosunError('BadRequest', m);
const fail = (m: string) => new BosunError('Invalid', m);

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw bad(`invalid JSON pointer ${JSON.stringify(p)}: must start with "/"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length - 1, path);
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && t in (cur as object)) {
      cur = (cur as Record<string, unknown>)[t];
    } else {
      throw fail(`doc is missing path: "${path}"`);
    }
  }
  if (cur === null || typeof cur !== 'object') throw fail(`doc is missing path: "${path}"`);
  return { parent: cur as Container, key: tokens[tokens.length - 1]! };
}

function arrayIndex(t: string, max: number, path: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(t)) throw fail(`invalid array index ${JSON.stringify(t)} in "${path}"`);
  const i = Number(t);
  if (i > max) throw fail(`unable to access invalid index: ${i} in "${path}"`);
  return i;
}

function get(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length - 1, path)];
    else if (cur !== null && typeof cur === 'object' && t in (cur as object)) cur = (cur as Record<string, unknown>)[t];
    else throw fail(`doc is missing path: "${path}"`);
  }
  return cur;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : arrayIndex(key, parent.length, path);
    parent.splice(i, 0, value);
  } else {
    parent[key] = value;
  }
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw fail('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length - 1, path), 1);
  else if (key in parent) delete parent[key];
  else throw fail(`Unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

/** Applies an RFC 6902 patch to a copy of `doc`. */
export function jsonPatch<T = unknown>(doc: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw bad('json patch must be a JSON array of operations');
  let out: unknown = structuredClone(doc);
  for (const raw of patch) {
    if (raw === null || typeof raw !== 'object' || typeof (raw as Op).op !== 'string' || typeof (raw as Op).path !== 'string') {
      throw bad(`invalid JSON patch operation ${JSON.stringify(raw)}`);
    }
    const op = raw as Op;
    const needsValue = op.op === 'add' || op.op === 'replace' || op.op === 'test';
    if (needsValue && !('value' in op)) throw bad(`missing value for ${op.op} operation at "${op.path}"`);
    switch (op.op) {
      case 'add': out = add(out, op.path, structuredClone(op.value)); break;
      case 'remove': out = remove(out, op.path); break;
      case 'replace':
        get(out, op.path);
        if (op.path === '') { out = structuredClone(op.value); break; }
        out = remove(out, op.path);
        out = add(out, op.path, structuredClone(op.value));
        break;
      case 'move': {
        if (typeof op.from !== 'string') throw bad('missing from for move operation');
        if (op.path.startsWith(`${op.from}/`)) throw fail(`cannot move "${op.from}" into its own child "${op.path}"`);
        const v = get(out, op.from);
        out = remove(out, op.from);
        out = add(out, op.path, v);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw bad('missing from for copy operation');
        out = add(out, op.path, structuredClone(get(out, op.from)));
        break;
      }
      case 'test':
        if (!deepEqual(get(out, op.path), op.value)) throw fail(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw bad(`Unexpected kind: ${op.op}`);
    }
  }
  return out as T;
}
