/**
 * docker-compose 1.29 (docker-py 5 underneath; `exec` through the docker CLI) against a real
 * `bosun server`: up, ps, logs, an idempotent second up, exec, down -v.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCmd, startServer, type TestServer } from './helpers/server.js';
import { freePort, getWhenUp } from './helpers/http.js';
import { footprint, type Footprint } from './helpers/footprint.js';

let s: TestServer;
let dir: string;
let base: Footprint;

before(async () => {
  s = await startServer();
  dir = join(mkdtempSync('/tmp/bosun-test-compose-'), 'proj');
  mkdirSync(dir);
  base = footprint(s.dataDir);
});
after(async () => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
  await s?.teardown();
});

const compose = (args: string[]) => runCmd('docker-compose', args, { env: s.env, cwd: dir, timeoutMs: 120_000 });

test('up, ps, logs, up again (up-to-date), exec, down -v', { timeout: 240_000 }, async () => {
  const port = await freePort();
  writeFileSync(join(dir, 'docker-compose.yml'), `version: "3"
services:
  web:
    image: busybox
    command: sh -c 'mkdir -p /www && echo compose-ok > /www/index.html && exec httpd -f -p 80 -h /www'
    ports: ["127.0.0.1:${port}:80"]
    networks: [backnet]
    volumes: [dbdata:/data]
  client:
    image: busybox
    command: sh -c 'for i in $$(seq 50); do timeout 2 wget -q -O - http://web/ && break; sleep 0.2; done; exec sleep 300'
    depends_on: [web]
    networks: [backnet]
volumes:
  dbdata: {}
networks:
  backnet: {}
`);
  const up = await compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stderr, /Creating network "proj_backnet"/);
  assert.equal((await getWhenUp(`http://127.0.0.1:${port}/`)).body, 'compose-ok\n');
  const ps = await compose(['ps']);
  assert.match(ps.stdout, new RegExp(`proj_web_1 .* Up .*127\\.0\\.0\\.1:${port}->80/tcp`));
  let logs = '';
  for (let i = 0; i < 50 && !logs.includes('compose-ok'); i++) {
    logs = (await compose(['logs', '--no-color', 'client'])).stdout;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(logs, /client_1\s+\| compose-ok/);
  const again = await compose(['up', '-d']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /proj_web_1 is up-to-date/);
  const ex = await compose(['exec', '-T', 'web', 'cat', '/www/index.html']);
  assert.equal(ex.stdout, 'compose-ok\n', ex.stderr);
  const down = await compose(['down', '-v']);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /Removing volume proj_dbdata/);
  assert.equal((await s.docker(['ps', '-aq'])).stdout.trim(), '');
  assert.deepEqual(footprint(s.dataDir), base);
});
