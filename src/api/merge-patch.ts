/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, everything else replaces. */
type JMap = Record<string, unknown>;
const isMap = (v: unknown): v is JMap => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: JMap = isMap(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
