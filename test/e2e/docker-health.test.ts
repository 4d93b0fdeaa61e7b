/** HEALTHCHECK through the real docker CLI (--health-* flags, inspect, ps, filters, events) and docker-compose's service_healthy. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCmd, startServer, type TestServer } from './helpers/server.js';

let s: TestServer;

before(async () => {
  s = await startServer();
});
after(async () => {
  await s?.teardown();
});

async function ok(args: string[]): Promise<string> {
  const r = await s.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

async function healthOf(name: string): Promise<{ Status: string; FailingStreak: number; Log: Array<{ ExitCode: number; Output: string }> } | null> {
  return JSON.parse(await ok(['inspect', '-f', '{{json .State.Health}}', name]));
}

async function waitHealth(name: string, status: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await healthOf(name))?.Status === status) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${name} never became ${status}: ${JSON.stringify(await healthOf(name))}`);
}

test('a container turns healthy once its check passes, another unhealthy after its retries', { timeout: 180_000 }, async () => {
  const since = Math.floor(Date.now() / 1000);
  await ok(['run', '-d', '--pull', 'never', '--network', 'none', '--name', 'hc-good', '--health-cmd', 'test -f /tmp/ready',
    '--health-interval', '300ms', '--health-retries', '2', 'busybox', 'sh', '-c', 'sleep 1; touch /tmp/ready; exec sleep 300']);
  await ok(['run', '-d', '--pull', 'never', '--network', 'none', '--name', 'hc-bad', '--health-cmd', 'echo failing; exit 1',
    '--health-interval', '300ms', '--health-retries', '2', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--pull', 'never', '--network', 'none', '--name', 'hc-none', 'busybox', 'sleep', '300']);
  try {
    assert.equal((await healthOf('hc-good'))?.Status, 'starting');
    assert.match(await ok(['ps', '--filter', 'name=hc-good', '--format', '{{.Status}}']), /^Up .* \(health: starting\)$/);
    await waitHealth('hc-good', 'healthy');
    await waitHealth('hc-bad', 'unhealthy');
    const bad = (await healthOf('hc-bad'))!;
    assert.ok(bad.FailingStreak >= 2, JSON.stringify(bad));
    assert.deepEqual(bad.Log.map((l) => [l.ExitCode, l.Output]).slice(-1), [[1, 'failing\n']]);
    assert.equal(await healthOf('hc-none'), null, 'no healthcheck, no Health');
    assert.match(await ok(['ps', '--filter', 'name=hc-good', '--format', '{{.Status}}']), /^Up .* \(healthy\)$/);
    assert.equal(await ok(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}']), 'hc-bad');
    assert.equal(await ok(['ps', '--filter', 'health=none', '--format', '{{.Names}}']), 'hc-none');
    const events = await ok(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'container=hc-good', '--format', '{{.Action}}']);
    assert.ok(events.split('\n').includes('health_status: healthy'), events);
    // A stopped container keeps its last health; a restart begins again at "starting".
    await ok(['restart', '-t', '0', 'hc-good']);
    assert.equal((await healthOf('hc-good'))?.Status, 'starting');
    // Several probes ran by now; at most the one in flight is listed.
    assert.ok(Number(await ok(['inspect', '-f', '{{len .ExecIDs}}', 'hc-bad'])) <= 1, 'health probes leave no exec behind');
  } finally {
    await s.docker(['rm', '-f', 'hc-good', 'hc-bad', 'hc-none']);
  }
});

test('docker-compose starts a service that depends on another being healthy once it is', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync('/tmp/bosun-test-health-');
  const compose = (args: string[]) => runCmd('docker-compose', args, { env: s.env, cwd: dir, timeoutMs: 120_000 });
  writeFileSync(join(dir, 'docker-compose.yml'), `version: "2.4"
services:
  db:
    image: busybox
    command: sh -c "sleep 1; touch /tmp/up; exec sleep 300"
    network_mode: none
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/up"]
      interval: 300ms
      retries: 3
  app:
    image: busybox
    command: sleep 300
    network_mode: none
    depends_on:
      db:
        condition: service_healthy
`);
  try {
    const up = await compose(['-p', 'hc', 'up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal((await healthOf('hc_db_1'))?.Status, 'healthy', 'app was started only after db was healthy');
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', 'hc_app_1']), 'running');
  } finally {
    await compose(['-p', 'hc', 'down', '-t', '0']);
    rmSync(dir, { recursive: true, force: true });
  }
});
