/**
 * JSON text of stored objects, computed once per object version. Objects that come out of the
 * Store are frozen snapshots shared by every reader, so a LIST after a LIST, a GET after a watch
 * event, and the same event fanned out to a hundred watchers all reuse one serialisation.
 */
const cache = new WeakMap<object, string>();

export function jsonText(value: unknown): string {
  if (value === null || typeof value !== 'object' || !Object.isFrozen(value)) return JSON.stringify(value);
  let text = cache.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    cache.set(value, text);
  }
  return text;
}

/** A list body: the envelope serialised normally, each item through the cache. */
export function listText(list: { items: unknown[] } & Record<string, unknown>): string {
  const { items, ...envelope } = list;
  const head = JSON.stringify(envelope);
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"items":[${items.map(jsonText).join(',')}]}`;
}
