import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF_RESET_MS, backoffOnExit, backoffOnRestart, backoffRemaining, type BackoffState } from './backoff.js';

test('first exit restarts at once, then 10 s doubling to 5 min', () => {
  const s: BackoffState = {};
  backoffOnExit(s, 0, 1000);
  assert.equal(backoffRemaining(s, 1000), 0);
  const waits: number[] = [];
  let t = 1000;
  for (let i = 0; i < 8; i++) {
    backoffOnRestart(s);
    backoffOnExit(s, t, t + 100);
    waits.push(backoffRemaining(s, t + 100) / 1000);
    t += 100 + backoffRemaining(s, t + 100);
  }
  assert.deepEqual(waits, [10, 20, 40, 80, 160, 300, 300, 300]);
});

test('a run of 10 minutes resets the back-off', () => {
  const s: BackoffState = { backoffSec: 160 };
  backoffOnExit(s, 0, BACKOFF_RESET_MS);
  assert.equal(backoffRemaining(s, BACKOFF_RESET_MS), 0);
  assert.equal(s.backoffSec, 10);
});
