import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory.js';
import { storeSuite, take } from './store-suite.js';

storeSuite('MemoryStore', async () => ({
  open: async () => new MemoryStore(),
  persistent: false,
  cleanup: async () => {},
}));

test('a watch replaying more than its buffer of state or history is not Gone for it', async () => {
  const store = new MemoryStore({ watcherBuffer: 5 });
  const first = await store.create('/registry/pods/p00', { i: 0 });
  for (let i = 1; i < 20; i++) await store.create(`/registry/pods/p${String(i).padStart(2, '0')}`, { i });
  const fromZero = store.watch('/registry/pods/', 0);
  const fromFirst = store.watch('/registry/pods/', first.modRevision);
  assert.equal((await take(fromZero, 20)).length, 20);
  assert.equal((await take(fromFirst, 19)).length, 19);
  // Live events still count: six unread ones are one too many.
  for (let i = 0; i < 6; i++) await store.create(`/registry/pods/live${i}`, { i });
  await assert.rejects(take(fromZero, 6), (e: unknown) => (e as { kind?: string }).kind === 'Gone');
  fromFirst.close();
  await store.close();
});
