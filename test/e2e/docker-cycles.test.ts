/** 50 create/start/remove cycles leave nothing behind: no conmon, netns, mount, cgroup or IP lease. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from './helpers/server.js';
import { footprint } from './helpers/footprint.js';

let s: TestServer;

before(async () => {
  s = await startServer();
});
after(async () => {
  await s?.teardown();
});

test('50 create/start/remove cycles leave the host as they found it', { timeout: 180_000 }, async () => {
  // One container first, so lazily created shared state (bridge, chains) is in the baseline.
  const warm = await s.docker(['run', '--rm', '--pull', 'never', 'busybox', 'true']);
  assert.equal(warm.code, 0, warm.stderr);
  const base = footprint(s.dataDir);
  for (let i = 0; i < 50; i++) {
    const c = await s.docker(['create', '--pull', 'never', '--name', `cyc${i}`, '-p', '127.0.0.1::80', 'busybox', 'sleep', '300']);
    assert.equal(c.code, 0, c.stderr);
    const st = await s.docker(['start', `cyc${i}`]);
    assert.equal(st.code, 0, st.stderr);
    if (i === 0) {
      const during = footprint(s.dataDir);
      assert.equal(during.conmon.length, base.conmon.length + 1);
      assert.equal(during.leases.length, base.leases.length + 1);
    }
    const rm = await s.docker(['rm', '-f', `cyc${i}`]);
    assert.equal(rm.code, 0, rm.stderr);
  }
  assert.deepEqual(footprint(s.dataDir), base);
  const ps = await s.docker(['ps', '-aq']);
  assert.equal(ps.stdout.trim(), '');
});
