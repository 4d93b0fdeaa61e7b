/** JSON Patch (RFC 6902) with JSON Pointers (RFC 6901), as `application/json-patch+json` bodies carry. */
import { BosunError, badRequest } from '../../errors/index.js';
import { deepEqual } from './deep-equal.js';

type Json = unknown;
interface Op { op: string; path: string; from?: string; value?: Json }

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badRequest(`invalid JSON pointer "${p}"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The container at pointer[:-1] and the last token, validating every step. */
function locate(doc: Json, tokens: string[], op: string): { parent: any; key: string } {
  let cur: any = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!/^\d+$/.test(t) || i >= cur.length) throw unprocessable(`${op}: index ${t} out of range`);
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && t in cur) {
      cur = cur[t];
    } else {
      throw unprocessable(`${op} operation does not apply: doc is missing path: /${tokens.join('/')}`);
    }
  }
  if (cur === null || typeof cur !== 'object') throw unprocessable(`${op} operation does not apply: doc is missing path: /${tokens.join('/')}`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

// The real server answers an inapplicable JSON patch with 422 Invalid-ish "the server rejected our request".
const unprocessable = (msg: string) => new BosunError('Invalid', msg);

function get(doc: Json, tokens: string[], op: string): Json {
  if (!tokens.length) return doc;
  const { parent, key } = locate(doc, tokens, op);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= parent.length) throw unprocessable(`${op}: index ${key} out of range`);
    return parent[i];
  }
  if (!(key in parent)) throw unprocessable(`${op} operation does not apply: doc is missing key: /${tokens.join('/')}`);
  return parent[key];
}

function add(doc: Json, tokens: string[], value: Json): Json {
  if (!tokens.length) return value;
  const { parent, key } = locate(doc, tokens, 'add');
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(key === '-' || /^\d+$/.test(key)) || i > parent.length) throw unprocessable(`add operation: index ${key} out of range`);
    parent.splice(i, 0, value);
  } else parent[key] = value;
  return doc;
}

function remove(doc: Json, tokens: string[]): Json {
  if (!tokens.length) throw unprocessable('remove operation: cannot remove the whole document');
  const { parent, key } = locate(doc, tokens, 'remove');
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= parent.length) throw unprocessable(`remove operation: index ${key} out of range`);
    parent.splice(i, 1);
  } else {
    if (!(key in parent)) throw unprocessable(`remove operation does not apply: doc is missing path: /${tokens.join('/')}`);
    delete parent[key];
  }
  return doc;
}

export function applyJsonPatch(original: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  let doc: Json = structuredClone(original);
  for (const raw of patch as Op[]) {
    if (raw === null || typeof raw !== 'object' || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('each json patch operation needs "op" and "path"');
    }
    const path = parsePointer(raw.path);
    switch (raw.op) {
      case 'add': doc = add(doc, path, structuredClone(raw.value)); break;
      case 'remove': doc = remove(doc, path); break;
      case 'replace':
        get(doc, path, 'replace');
        doc = path.length ? add(remove(doc, path), path, structuredClone(raw.value)) : structuredClone(raw.value);
        break;
      case 'move': {
        const from = parsePointer(raw.from ?? '');
        const v = get(doc, from, 'move');
        doc = add(remove(doc, from), path, v);
        break;
      }
      case 'copy': doc = add(doc, path, structuredClone(get(doc, parsePointer(raw.from ?? ''), 'copy'))); break;
      case 'test':
        if (!deepEqual(get(doc, path, 'test'), raw.value)) throw unprocessable(`testing value ${raw.path} failed`);
        break;
      default: throw badRequest(`unexpected json patch operation "${raw.op}"`);
    }
  }
  return doc;
}
