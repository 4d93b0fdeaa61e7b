import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.js';

test('a key is queued once however often it is added', { timeout: 20_000 }, async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  q.shutDown();
});

test('a key added while processing is handed out again only after done', { timeout: 20_000 }, async () => {
  const q = new WorkQueue();
  q.add('a');
  const key = await q.get();
  q.add('a');
  assert.equal(q.len(), 0, 'not queued while a worker holds it');
  q.done(key!);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.ok(q.idle());
  q.shutDown();
});

test('failures back off exponentially until forget', () => {
  const q = new WorkQueue({ baseDelayMs: 1000, maxDelayMs: 3000 });
  const delays: number[] = [];
  const orig = q.addAfter.bind(q);
  q.addAfter = (key: string, ms: number) => {
    delays.push(ms);
    orig(key, ms);
  };
  for (let i = 0; i < 4; i++) q.addRateLimited('k');
  assert.deepEqual(delays, [1000, 2000, 3000, 3000]);
  assert.equal(q.numRequeues('k'), 4);
  q.forget('k');
  q.addRateLimited('k');
  assert.equal(delays.at(-1), 1000);
  q.shutDown();
});

test('the earliest pending delay wins, and shutdown releases waiting workers', { timeout: 20_000 }, async () => {
  const q = new WorkQueue();
  q.addAfter('a', 60_000);
  q.addAfter('a', 1);
  assert.ok(!q.idle(10));
  assert.equal(await q.get(), 'a');
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);
});
