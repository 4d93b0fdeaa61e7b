import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { loadInstance, purgeDataDir } from '../server/instance.js';
import { loadOrCreateKeys } from './encryption.js';
import { openStore } from './index.js';
import { rotateSecretsKey } from './rotation.js';

test('rotateSecretsKey re-encrypts every secret under a new key and drops the old one', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  try {
    const instance = loadInstance(dir);
    let store = await openStore(instance);
    for (let i = 0; i < 3; i++) await store.create(`/registry/secrets/default/s${i}`, { metadata: { name: `s${i}` }, data: { i: String(i) } });
    await store.close();
    const before = loadOrCreateKeys(instance.paths.secretsKey).map((k) => k.name);

    const r = await rotateSecretsKey(instance);
    assert.equal(r.rewritten, 3);
    const after = loadOrCreateKeys(instance.paths.secretsKey).map((k) => k.name);
    assert.deepEqual(after, [r.key]);
    assert.ok(!before.includes(r.key));

    const db = new Database(instance.paths.stateDb, { readonly: true });
    const rows = db.prepare("SELECT value FROM kv WHERE key LIKE '/registry/secrets/%'").all() as { value: Buffer }[];
    db.close();
    assert.equal(rows.length, 3);
    for (const row of rows) assert.ok(row.value.toString('latin1').startsWith(`k8s:enc:aesgcm:v1:${r.key}:`));

    store = await openStore(instance);
    try {
      const items = (await store.list('/registry/secrets/')).items;
      assert.deepEqual(items.map((i) => (i.value as { data: { i: string } }).data.i), ['0', '1', '2']);
    } finally {
      await store.close();
    }
  } finally {
    purgeDataDir(dir);
  }
});
