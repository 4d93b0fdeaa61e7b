import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isKind } from '../errors/index.js';
import { loadInstance, purgeDataDir } from '../server/instance.js';
import { openStore, startEtcd } from './index.js';

describe('openStore', () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  after(() => purgeDataDir(dir));

  it('opens SQLite in the data dir with secrets encrypted, and keeps data across reopen', async () => {
    const instance = loadInstance(dir);
    const store = await openStore(instance, {});
    const kv = await store.create('/registry/secrets/default/s', { metadata: { name: 's' }, data: { k: 'c2VjcmV0' } });
    await store.create('/registry/namespaces/default', { metadata: { name: 'default' } });
    await store.close();
    assert.ok(existsSync(instance.paths.stateDb));
    assert.equal(statSync(instance.paths.secretsKey).mode & 0o777, 0o600);
    const db = new Database(instance.paths.stateDb, { readonly: true });
    const raw = (db.prepare('SELECT value FROM kv WHERE key = ?').get('/registry/secrets/default/s') as { value: Buffer }).value;
    db.close();
    assert.ok(raw.toString('latin1').startsWith('k8s:enc:aesgcm:v1:'));

    const again = await openStore(instance, {});
    try {
      const got = await again.get('/registry/secrets/default/s');
      assert.deepEqual(got.value, { metadata: { name: 's', resourceVersion: String(kv.modRevision) }, data: { k: 'c2VjcmV0' } });
      assert.equal((await again.list('/registry/namespaces/')).items.length, 1);
      assert.ok((await again.revision()) > kv.modRevision);
    } finally {
      await again.close();
    }
  });

  it('uses etcd when an endpoint is given, and refuses endpoints off loopback or unreachable', async () => {
    const etcd = await startEtcd();
    try {
      const instance = loadInstance(dir);
      const store = await openStore(instance, { endpoint: etcd.endpoint });
      try {
        const kv = await store.create('/registry/configmaps/default/c', { metadata: { name: 'c' } });
        assert.ok(kv.modRevision > 1);
        assert.equal((await store.get('/registry/configmaps/default/c')).modRevision, kv.modRevision);
      } finally {
        await store.close();
      }
      await assert.rejects(openStore(instance, { endpoint: 'http://192.0.2.1:2379' }), (e: unknown) => isKind(e, 'BadRequest'));
      await assert.rejects(openStore(instance, { endpoint: 'not a url' }), (e: unknown) => isKind(e, 'BadRequest'));
      const dead = new URL(etcd.endpoint);
      await etcd.stop();
      await assert.rejects(openStore(instance, { endpoint: dead.toString() }), (e: unknown) => isKind(e, 'Unavailable'));
    } finally {
      await etcd.stop();
    }
  });
});
