/**
 * kill -9 of the server while a container serves HTTP on a published 127.0.0.1 port: conmon keeps
 * the container alive and serving, and a new server on the same data dir lists and manages it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from './helpers/server.js';
import { freePort, get, getWhenUp } from './helpers/http.js';
import { footprint } from './helpers/footprint.js';

let s: TestServer;

before(async () => {
  s = await startServer();
});
after(async () => {
  await s?.teardown();
});

test('a container outlives a SIGKILLed server and is re-adopted', { timeout: 180_000 }, async () => {
  const base = footprint(s.dataDir);
  const port = await freePort();
  const run = await s.docker(['run', '-d', '--pull', 'never', '--name', 'survivor', '-p', `127.0.0.1:${port}:80`, 'busybox',
    'sh', '-c', 'mkdir /www && echo still-here > /www/index.html && exec httpd -f -p 80 -h /www']);
  assert.equal(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  assert.equal((await getWhenUp(`http://127.0.0.1:${port}/`)).body, 'still-here\n');

  await s.kill('SIGKILL');
  assert.equal((await get(`http://127.0.0.1:${port}/`)).body, 'still-here\n', 'serves while no server runs');
  assert.equal(footprint(s.dataDir).conmon.length, base.conmon.length + 1, 'conmon still supervises it');

  await s.start();
  const ps = await s.docker(['ps', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.State}}']);
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, new RegExp(`^${id} survivor running$`, 'm'));
  assert.equal((await get(`http://127.0.0.1:${port}/`)).body, 'still-here\n');
  const logs = await s.docker(['exec', 'survivor', 'cat', '/www/index.html']);
  assert.equal(logs.stdout, 'still-here\n');

  const stop = await s.docker(['stop', '-t', '2', 'survivor']);
  assert.equal(stop.code, 0, stop.stderr);
  const insp = await s.docker(['inspect', '-f', '{{.State.Status}}', 'survivor']);
  assert.equal(insp.stdout.trim(), 'exited');
  await assert.rejects(get(`http://127.0.0.1:${port}/`, 1000));
  const rm = await s.docker(['rm', 'survivor']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual(footprint(s.dataDir), base);
});

test('a container that exits while no server runs is seen as exited with its code', { timeout: 180_000 }, async () => {
  const run = await s.docker(['run', '-d', '--pull', 'never', '--name', 'quitter', 'busybox', 'sh', '-c', 'sleep 1; echo bye; exit 4']);
  assert.equal(run.code, 0, run.stderr);
  await s.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 2000));
  await s.start();
  const st = await s.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'quitter']);
  assert.equal(st.stdout.trim(), 'exited 4');
  assert.equal((await s.docker(['logs', 'quitter'])).stdout, 'bye\n');
  assert.equal((await s.docker(['rm', 'quitter'])).code, 0);
});
