import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthCommand, HealthMonitor, type HealthState } from './health.js';

const MS = 1e6; // nanoseconds per millisecond, the wire unit of durations

test('healthCommand: CMD, CMD-SHELL, NONE and nothing', () => {
  assert.deepEqual(healthCommand(['CMD', 'test', '-f', '/ok']), ['test', '-f', '/ok']);
  assert.deepEqual(healthCommand(['CMD-SHELL', 'wget -q -O- localhost || exit 1']), ['/bin/sh', '-c', 'wget -q -O- localhost || exit 1']);
  assert.equal(healthCommand(['NONE']), undefined);
  assert.equal(healthCommand([]), undefined);
  assert.equal(healthCommand(null), undefined);
  assert.equal(healthCommand(['CMD']), undefined);
});

/** Runs a monitor over scripted exit codes (one per probe) and collects the states it reports. */
function scripted(codes: Array<number | 'hang'>, cfg: Record<string, number>): Promise<Array<{ state: HealthState; changed: boolean }>> {
  return new Promise((resolve) => {
    // The monitor's timers do not hold the process open (a server must be able to exit): this does.
    const keepAlive = setInterval(() => {}, 1000);
    const seen: Array<{ state: HealthState; changed: boolean }> = [];
    let i = 0;
    const monitor = new HealthMonitor(
      { Interval: 10 * MS, ...cfg },
      async () => {
        const c = codes[i++];
        if (c === 'hang') return new Promise(() => {});
        return { exitCode: c, output: `probe ${i}\n` };
      },
      (state, changed) => {
        seen.push({ state: structuredClone(state), changed });
        if (seen.length === codes.length) {
          monitor.stop();
          clearInterval(keepAlive);
          resolve(seen);
        }
      },
    );
    monitor.start();
  });
}

test('starting → healthy on a success; unhealthy after Retries failures in a row; a success resets', async () => {
  const seen = await scripted([0, 1, 1, 1, 0], { Retries: 3 });
  assert.deepEqual(seen.map((s) => [s.state.Status, s.state.FailingStreak, s.changed]), [
    ['healthy', 0, true], ['healthy', 1, false], ['healthy', 2, false], ['unhealthy', 3, true], ['healthy', 0, true],
  ]);
  assert.equal(seen[4].state.Log.length, 5);
  assert.equal(seen[4].state.Log[0].Output, 'probe 1\n');
});

test('failures in the start period do not count until a probe succeeded; Log keeps the last five', async () => {
  const seen = await scripted([1, 1, 1, 1, 1, 1], { Retries: 1, StartPeriod: 60_000 * MS, StartInterval: 10 * MS });
  assert.ok(seen.every((s) => s.state.Status === 'starting' && s.state.FailingStreak === 0));
  assert.equal(seen[5].state.Log.length, 5);
  assert.equal(seen[5].state.Log[4].Output, 'probe 6\n');
});

test('a probe that outlives Timeout is a failure with exit code -1', async () => {
  const [first] = await scripted(['hang'], { Timeout: 20 * MS, Retries: 1 });
  assert.equal(first.state.Status, 'unhealthy');
  assert.equal(first.state.Log[0].ExitCode, -1);
  assert.equal(first.state.Log[0].Output, 'Health check exceeded timeout (0.02s)');
});
