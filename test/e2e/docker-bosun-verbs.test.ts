/** The `bosun` docker-style verbs over the same Engine API (DOCKER_HOST from the environment). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from './helpers/server.js';

let s: TestServer;
let tmp: string;

before(async () => {
  s = await startServer();
  tmp = mkdtempSync('/tmp/bosun-test-verbs-');
});
after(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await s?.teardown();
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await s.bosun(args, { input });
  assert.equal(r.code, 0, `bosun ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

test('run attached, exit code, stdin, --rm', { timeout: 180_000 }, async () => {
  const r = await s.bosun(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 6']);
  assert.equal(r.code, 6);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(await ok(['run', '-i', '--rm', 'busybox', 'cat'], 'via stdin\n'), 'via stdin\n');
  assert.equal((await ok(['ps', '-aq'])).trim(), '');
});

test('--data-dir selects the instance without DOCKER_HOST', { timeout: 180_000 }, async () => {
  const r = await s.bosun(['ps', '--data-dir', s.dataDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/m);
});

test('detached lifecycle with tables: ps, logs, exec, inspect, stop, rm', { timeout: 180_000 }, async () => {
  const id = (await ok(['run', '-d', '--name', 'bw', '-e', 'X=42', 'busybox', 'sh', '-c', 'echo $X; exec sleep 300'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(await ok(['ps']), new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+.*Up .*\\s+bw$`, 'm'));
  for (let i = 0; i < 50 && (await ok(['logs', 'bw'])) !== '42\n'; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await ok(['logs', 'bw']), '42\n');
  assert.equal(await ok(['exec', 'bw', 'sh', '-c', 'echo in-exec']), 'in-exec\n');
  const ex = await s.bosun(['exec', 'bw', 'sh', '-c', 'exit 9']);
  assert.equal(ex.code, 9);
  assert.equal(JSON.parse(await ok(['inspect', 'bw']))[0].Id, id);
  assert.equal((await ok(['stop', '-t', '1', 'bw'])).trim(), 'bw');
  assert.equal((await ok(['rm', 'bw'])).trim(), 'bw');
  const missing = await s.bosun(['inspect', 'bw']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such object: bw/);
});

test('images, tag, rmi, save, load; volume and network families; system df', { timeout: 180_000 }, async () => {
  assert.match(await ok(['images']), /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest/m);
  await ok(['tag', 'busybox', 'bbox:t']);
  const tar = join(tmp, 'b.tar');
  await ok(['save', '-o', tar, 'bbox:t']);
  assert.ok(existsSync(tar));
  assert.match(await ok(['rmi', 'bbox:t']), /Untagged: bbox:t/);
  assert.match(await ok(['load', '-i', tar]), /Loaded image: bbox:t/);
  await ok(['image', 'rm', 'bbox:t']);

  assert.equal((await ok(['volume', 'create', 'bv'])).trim(), 'bv');
  assert.match(await ok(['volume', 'ls']), /local\s+bv/);
  await ok(['volume', 'rm', 'bv']);
  await ok(['network', 'create', 'bn']);
  assert.match(await ok(['network', 'ls']), /bn\s+bridge\s+local/);
  await ok(['network', 'rm', 'bn']);
  assert.match(await ok(['system', 'df']), /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/m);
});

test('errors are clear and exit non-zero', { timeout: 180_000 }, async () => {
  const r = await s.bosun(['run', 'no-such-image:x']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /No such image: no-such-image:x/);
  const down = await s.bosun(['ps', '--data-dir', join(tmp, 'nowhere')]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Is "bosun server" running\?/);
});
