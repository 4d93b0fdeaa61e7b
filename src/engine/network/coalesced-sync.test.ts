import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoalescedSync } from './coalesced-sync.js';

/** A promise the test settles by hand, so interleavings are exact rather than timed. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('CoalescedSync', () => {
  it('runs once for requests made while a run is in flight, never overlapping, always after the request', async () => {
    let state = 0;
    const seen: number[] = [];
    let active = 0;
    const gates: Array<{ promise: Promise<void>; open: () => void }> = [];
    const sync = new CoalescedSync(async () => {
      active++;
      assert.equal(active, 1, 'runs overlap');
      seen.push(state);
      const g = gate();
      gates.push(g);
      await g.promise;
      active--;
    });
    state = 1;
    const first = sync.request();
    await tick();
    state = 2;
    const a = sync.request();
    state = 3;
    const b = sync.request();
    assert.equal(a, b);
    gates[0].open();
    await first;
    await tick();
    gates[1].open();
    await a;
    assert.deepEqual(seen, [1, 3]);
  });

  it('hands a failure to every waiter of that run and recovers on the next request', async () => {
    let fail = true;
    const sync = new CoalescedSync(async () => { if (fail) throw new Error('boom'); });
    await assert.rejects(Promise.all([sync.request(), sync.request()]), /boom/);
    fail = false;
    await sync.request();
  });
});
