/**
 * Rotating the encryption-at-rest key of one instance, the procedure Kubernetes documents for
 * EncryptionConfiguration done in one step: a new key goes first in DIR/secrets.key, every
 * secret is rewritten under it, then the old keys are dropped. Runs against the datastore
 * directly, so the server must be stopped (it holds the keys it loaded at start).
 *
 * If it is interrupted, the key file still lists the old keys behind the new one, so every
 * secret stays readable and running it again finishes the job.
 */
import type { Instance } from '../server/instance.js';
import { EncryptedStore, addKey, loadOrCreateKeys, pruneKeys } from './encryption.js';
import { EtcdStore } from './etcd.js';
import { SqliteStore } from './sqlite.js';

export interface RotationResult {
  /** Name of the key that now encrypts. */
  key: string;
  /** Secrets rewritten under it. */
  rewritten: number;
}

export async function rotateSecretsKey(instance: Instance, opts: { endpoint?: string } = {}): Promise<RotationResult> {
  const file = instance.paths.secretsKey;
  const key = addKey(file);
  const backend = opts.endpoint ? new EtcdStore(opts.endpoint) : new SqliteStore(instance.paths.stateDb);
  const store = new EncryptedStore(backend, loadOrCreateKeys(file));
  try {
    const rewritten = await store.rewriteAll();
    pruneKeys(file);
    return { key, rewritten };
  } finally {
    await store.close();
  }
}
