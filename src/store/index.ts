/**
 * The store the API server runs on. Composition, outermost first:
 *
 *   WatchCache (cache.ts)                 lists, gets and watches from memory
 *     → EncryptedStore (encryption.ts)    AES-GCM for /registry/secrets/, keys in DIR/secrets.key
 *       → SqliteStore (sqlite.ts)         DIR/state.db, the default
 *         or EtcdStore (etcd.ts)          when --datastore-endpoint http://127.0.0.1:PORT is given
 */
import { BosunError } from '../errors/index.js';
import type { Instance } from '../server/instance.js';
import { WatchCache } from './cache.js';
import { EncryptedStore, loadOrCreateKeys } from './encryption.js';
import { EtcdStore } from './etcd.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { KV, ListOptions, ListResult, Store, WatchEvent, Watcher } from './types.js';
export { MemoryStore } from './memory.js';
export { SqliteStore } from './sqlite.js';
export { EtcdStore } from './etcd.js';
export { WatchCache } from './cache.js';
export { EncryptedStore, addKey, pruneKeys, loadOrCreateKeys, SECRETS_PREFIX } from './encryption.js';
export { startEtcd, type EtcdProcess } from './etcd-process.js';
export { rotateSecretsKey, type RotationResult } from './rotation.js';

export interface OpenStoreOptions {
  /** etcd v3 endpoint (http://127.0.0.1:PORT); SQLite in the data dir when absent. */
  endpoint?: string;
}

export async function openStore(instance: Instance, opts: OpenStoreOptions = {}): Promise<Store> {
  const backend = opts.endpoint ? await openEtcd(opts.endpoint) : new SqliteStore(instance.paths.stateDb);
  try {
    const encrypted = new EncryptedStore(backend, loadOrCreateKeys(instance.paths.secretsKey));
    return await WatchCache.start(encrypted);
  } catch (err) {
    await backend.close();
    throw err;
  }
}

async function openEtcd(endpoint: string): Promise<EtcdStore> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new BosunError('BadRequest', `--datastore-endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  // Bosun only ever talks to loopback (and to namespaces it made): a datastore elsewhere is refused.
  if (!/^127\.\d+\.\d+\.\d+$/.test(url.hostname) && url.hostname !== 'localhost') {
    throw new BosunError('BadRequest', `--datastore-endpoint must be on 127.0.0.0/8, got ${url.hostname}`);
  }
  const store = new EtcdStore(endpoint);
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    throw new BosunError('Unavailable', `etcd at ${endpoint} does not answer: ${(err as Error).message}`, { cause: err });
  }
  return store;
}
