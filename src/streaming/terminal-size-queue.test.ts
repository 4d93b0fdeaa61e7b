import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TerminalSizeQueue } from './terminal-size-queue.js';

test('sizes split across and merged within chunks come out one by one; junk is skipped', async () => {
  const q = new TerminalSizeQueue();
  q.push(Buffer.from('{"Width":80,"He'));
  q.push(Buffer.from('ight":24}\n{"Width":100,"Height":30}\n{"Width":"x"}\n{"Wid'));
  q.push(Buffer.from('th":120,"Height":40}\n'));
  q.end();
  const got = [];
  for await (const s of q) got.push(s);
  assert.deepEqual(got, [{ width: 80, height: 24 }, { width: 100, height: 30 }, { width: 120, height: 40 }]);
});

test('a consumer waiting for the next size is released by the end of the session', async () => {
  const q = new TerminalSizeQueue();
  const consumed = (async () => {
    const got = [];
    for await (const s of q) got.push(s);
    return got;
  })();
  q.push(Buffer.from('{"Width":1,"Height":2}'));
  await new Promise((r) => setImmediate(r));
  q.end();
  assert.deepEqual(await consumed, [{ width: 1, height: 2 }]);
});
