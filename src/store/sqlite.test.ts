import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from './sqlite.js';
import { storeSuite, take } from './store-suite.js';

storeSuite('SqliteStore', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  return {
    open: async () => new SqliteStore(join(dir, 'state.db')),
    persistent: true,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

test('SqliteStore: a watch replaying more than its buffer of state or history is not Gone for it', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  const store = new SqliteStore(join(dir, 'state.db'), { watcherBuffer: 5 });
  try {
    const first = await store.create('/registry/pods/p00', { i: 0 });
    await Promise.all(Array.from({ length: 19 }, (_, i) => store.create(`/registry/pods/p${String(i + 1).padStart(2, '0')}`, { i })));
    const fromZero = store.watch('/registry/pods/', 0);
    const fromFirst = store.watch('/registry/pods/', first.modRevision);
    assert.equal((await take(fromZero, 20)).length, 20);
    assert.equal((await take(fromFirst, 19)).length, 19);
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.create(`/registry/pods/live${i}`, { i })));
    await assert.rejects(take(fromZero, 6), (e: unknown) => (e as { kind?: string }).kind === 'Gone');
    fromFirst.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
