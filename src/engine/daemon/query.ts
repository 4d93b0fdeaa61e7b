/**
 * Query-string rules of the engine: its boolean spelling, the two encodings of `filters`, and
 * timestamps given as Unix seconds (fractional) or RFC 3339.
 */
import { badRequest } from '../../errors/index.js';

const FALSE = new Set(['', '0', 'no', 'false', 'none']);

/** `""`, `0`, `no`, `false`, `none` (any case, trimmed) are false; anything else is true. */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null) return dflt;
  return !FALSE.has(v.trim().toLowerCase());
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Math.trunc(n);
}

/**
 * `filters` as the Go CLI sends it (`{"label":{"a=b":true}}`) or as docker-py, compose and
 * dockerode send it (`{"label":["a=b"]}`); both become key → values.
 */
export function filtersParam(q: URLSearchParams): Record<string, string[]> {
  const raw = q.get('filters');
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest(`invalid filter: ${raw}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`invalid filter: ${raw}`);
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (typeof value === 'string') out[key] = [value];
    else if (value && typeof value === 'object') out[key] = Object.entries(value).filter(([, on]) => on).map(([k]) => k);
    else throw badRequest(`invalid filter: ${raw}`);
  }
  return out;
}

/** Unix seconds (possibly fractional) or an RFC 3339 time; undefined when absent. */
export function timeParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return ms / 1000;
}

/** Docker's label filter rule: `key` means present, `key=value` an exact match; all must hold. */
export function labelsMatch(labels: Record<string, string> | null | undefined, wanted: string[] | undefined): boolean {
  if (!wanted?.length) return true;
  const l = labels ?? {};
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? w in l : l[w.slice(0, eq)] === w.slice(eq + 1);
  });
}
