import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from './keyed-lock.js';

/** A promise the test settles by hand, so interleavings are exact rather than timed. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('KeyedLock', () => {
  it('serializes one key in call order and lets other keys through', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const g = gate();
    const a1 = lock.run('a', async () => { await g.promise; order.push('a1'); });
    const a2 = lock.run('a', async () => { order.push('a2'); });
    await lock.run('b', async () => { order.push('b'); });
    g.open();
    await Promise.all([a1, a2]);
    assert.deepEqual(order, ['b', 'a1', 'a2']);
  });

  it('keeps going after a failure', async () => {
    const lock = new KeyedLock();
    await assert.rejects(lock.run('a', async () => { throw new Error('x'); }), /x/);
    assert.equal(await lock.run('a', async () => 7), 7);
  });
});
