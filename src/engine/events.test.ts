import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineEvents } from './events.js';

const collect = async (it: AsyncIterable<{ Action: string }>) => {
  const out: string[] = [];
  for await (const ev of it) out.push(ev.Action);
  return out;
};

test('since replays history, until in the past ends the stream at once', async () => {
  const ev = new EngineEvents();
  const t0 = Date.now() / 1000 - 1;
  ev.emit('container', 'create', 'a');
  ev.emit('container', 'start', 'a');
  ev.emit('image', 'tag', 'b');
  const got = await collect(ev.subscribe({ since: t0, until: Date.now() / 1000 + 0.001, filters: { type: ['container'] } }, new AbortController().signal));
  assert.deepEqual(got, ['create', 'start']);
});

test('until a little in the future follows live events, then ends by itself', async () => {
  const ev = new EngineEvents();
  const until = Date.now() / 1000 + 0.2;
  const done = collect(ev.subscribe({ since: Date.now() / 1000 - 1, until }, new AbortController().signal));
  setTimeout(() => ev.emit('container', 'die', 'x'), 20);
  assert.deepEqual(await done, ['die']);
});

test('without until the stream follows until aborted', async () => {
  const ev = new EngineEvents();
  const ac = new AbortController();
  const done = collect(ev.subscribe({}, ac.signal));
  setTimeout(() => { ev.emit('network', 'create', 'n'); setTimeout(() => ac.abort(), 10); }, 10);
  assert.deepEqual(await done, ['create']);
});
