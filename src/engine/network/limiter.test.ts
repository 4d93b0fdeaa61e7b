import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Limiter } from './limiter.js';

/** A promise the test settles by hand, so interleavings are exact rather than timed. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Limiter', () => {
  it('never runs more than its bound at once and runs everything', async () => {
    const lim = new Limiter(3);
    let active = 0;
    let peak = 0;
    const gates = Array.from({ length: 10 }, gate);
    const runs = gates.map((g) => lim.run(async () => { active++; peak = Math.max(peak, active); await g.promise; active--; }));
    await tick();
    assert.equal(active, 3);
    for (const g of gates) { g.open(); await tick(); }
    await Promise.all(runs);
    assert.equal(peak, 3);
    assert.equal(active, 0);
  });
});
