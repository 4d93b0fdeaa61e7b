import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isKind } from '../errors/index.js';
import { EncryptedStore, addKey, loadOrCreateKeys, pruneKeys } from './encryption.js';
import { SqliteStore } from './sqlite.js';
import { storeSuite } from './store-suite.js';

storeSuite(
  'EncryptedStore over SqliteStore',
  async () => {
    const dir = mkdtempSync('/tmp/bosun-test-');
    return {
      open: async () => new EncryptedStore(new SqliteStore(join(dir, 'state.db')), loadOrCreateKeys(join(dir, 'secrets.key'))),
      persistent: true,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  { root: '/registry/secrets/' },
);

/** Raw stored bytes of a key, straight from the SQLite file. */
function raw(db: string, key: string): Buffer {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: Buffer }).value;
  } finally {
    d.close();
  }
}

describe('encryption at rest', () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  const db = join(dir, 'state.db');
  const keyFile = join(dir, 'secrets.key');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = (name: string, password: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    data: { password: Buffer.from(password).toString('base64') },
  });

  it('stores secrets as k8s:enc:aesgcm:v1 envelopes, everything else as plain JSON, key file 0600', async () => {
    const store = new EncryptedStore(new SqliteStore(db), loadOrCreateKeys(keyFile));
    try {
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const kv = await store.create('/registry/secrets/default/db', secret('db', 'hunter2-plaintext'));
      assert.equal((kv.value as { metadata: { resourceVersion: string } }).metadata.resourceVersion, String(kv.modRevision));
      await store.create('/registry/configmaps/default/cm', { metadata: { name: 'cm' }, data: { k: 'visible-value' } });
      const stored = raw(db, '/registry/secrets/default/db');
      assert.ok(stored.toString('latin1').startsWith('k8s:enc:aesgcm:v1:key1:'));
      const b64 = Buffer.from('hunter2-plaintext').toString('base64');
      assert.equal(stored.includes(b64), false);
      assert.equal(stored.includes('"password"'), false);
      assert.ok(raw(db, '/registry/configmaps/default/cm').toString().includes('visible-value'));
      // Same plaintext twice gives different ciphertexts (random nonce per write).
      await store.update('/registry/secrets/default/db', secret('db', 'hunter2-plaintext'));
      assert.notDeepEqual(raw(db, '/registry/secrets/default/db'), stored);
      assert.deepEqual((await store.get('/registry/secrets/default/db')).value, {
        ...secret('db', 'hunter2-plaintext'),
        metadata: { name: 'db', namespace: 'default', resourceVersion: String(await store.revision()) },
      });
    } finally {
      await store.close();
    }
  });

  it('reads values written before encryption and encrypts them on rewriteAll', async () => {
    const plain = new SqliteStore(db);
    await plain.create('/registry/secrets/default/old', secret('old', 'legacy'));
    await plain.close();
    const store = new EncryptedStore(new SqliteStore(db), loadOrCreateKeys(keyFile));
    try {
      assert.deepEqual(((await store.get('/registry/secrets/default/old')).value as { data: unknown }).data, secret('old', 'legacy').data);
      assert.equal(raw(db, '/registry/secrets/default/old').toString().startsWith('{'), true);
      assert.equal(await store.rewriteAll(), 1);
      assert.ok(raw(db, '/registry/secrets/default/old').toString('latin1').startsWith('k8s:enc:aesgcm:v1:key1:'));
      assert.equal(await store.rewriteAll(), 0);
    } finally {
      await store.close();
    }
  });

  it('rotates keys: new key encrypts, old still decrypts, rewriteAll moves everything, then prune', async () => {
    assert.equal(addKey(keyFile), 'key2');
    assert.deepEqual(loadOrCreateKeys(keyFile).map((k) => k.name), ['key2', 'key1']);
    const store = new EncryptedStore(new SqliteStore(db), loadOrCreateKeys(keyFile));
    try {
      await store.create('/registry/secrets/kube-system/new', secret('new', 'fresh'));
      assert.ok(raw(db, '/registry/secrets/kube-system/new').toString('latin1').startsWith('k8s:enc:aesgcm:v1:key2:'));
      assert.ok(raw(db, '/registry/secrets/default/db').toString('latin1').startsWith('k8s:enc:aesgcm:v1:key1:'));
      assert.equal((await store.list('/registry/secrets/')).items.length, 3);
      assert.equal(await store.rewriteAll(), 2);
      for (const k of ['/registry/secrets/default/db', '/registry/secrets/default/old']) {
        assert.ok(raw(db, k).toString('latin1').startsWith('k8s:enc:aesgcm:v1:key2:'));
      }
    } finally {
      await store.close();
    }
    pruneKeys(keyFile);
    assert.deepEqual(loadOrCreateKeys(keyFile).map((k) => k.name), ['key2']);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const reopened = new EncryptedStore(new SqliteStore(db), loadOrCreateKeys(keyFile));
    try {
      const items = (await reopened.list('/registry/secrets/')).items;
      assert.deepEqual(items.map((i) => (i.value as { metadata: { name: string } }).metadata.name), ['db', 'old', 'new']);
    } finally {
      await reopened.close();
    }
  });

  it('refuses values under an unknown key or moved to another storage key', async () => {
    const other = join(dir, 'other.key');
    const store = new EncryptedStore(new SqliteStore(db), loadOrCreateKeys(other));
    try {
      await assert.rejects(store.get('/registry/secrets/default/db'), (e: unknown) => isKind(e, 'Internal'));
    } finally {
      await store.close();
    }
    // Copy one secret's ciphertext under another name: GCM's additional data (the key) must reject it.
    const d = new Database(db);
    d.prepare("INSERT INTO kv (key, value, create_rev, mod_rev) SELECT '/registry/secrets/default/stolen', value, create_rev, mod_rev FROM kv WHERE key = ?").run(
      '/registry/secrets/default/db',
    );
    d.close();
    const s2 = new EncryptedStore(new SqliteStore(db), loadOrCreateKeys(keyFile));
    try {
      await assert.rejects(s2.get('/registry/secrets/default/stolen'), (e: unknown) => isKind(e, 'Internal'));
      assert.ok((await s2.get('/registry/secrets/default/db')).value);
    } finally {
      await s2.close();
    }
    assert.ok(readFileSync(keyFile, 'utf8').includes('key2'));
  });
});
