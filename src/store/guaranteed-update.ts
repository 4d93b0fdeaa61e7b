/**
 * Read-modify-write with optimistic concurrency, the same for every backend: read, let `fn`
 * compute the new value, write only if the key is still at the revision read; on Conflict read
 * again. No locks are held, so a slow `fn` never blocks other writers (it only retries).
 */
import { isKind } from '../errors/index.js';
import type { KV, Store } from './types.js';

export async function guaranteedUpdate(
  store: Pick<Store, 'get' | 'update'>,
  key: string,
  fn: (current: KV) => unknown | Promise<unknown>,
): Promise<KV> {
  for (;;) {
    const current = await store.get(key);
    const next = await fn(current);
    try {
      return await store.update(key, next, current.modRevision);
    } catch (err) {
      if (!isKind(err, 'Conflict')) throw err;
    }
  }
}
