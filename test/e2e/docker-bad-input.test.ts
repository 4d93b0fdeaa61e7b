/**
 * Bad input is refused with a clear message naming the cause, and leaves nothing behind: no
 * container record, conmon, netns, mount, cgroup or IP lease.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer, type TestServer } from './helpers/server.js';
import { footprint, type Footprint } from './helpers/footprint.js';
import { freePort } from './helpers/http.js';

let s: TestServer;
let base: Footprint;

before(async () => {
  s = await startServer();
  const warm = await s.docker(['run', '--rm', '--pull', 'never', 'busybox', 'true']);
  assert.equal(warm.code, 0, warm.stderr);
  base = footprint(s.dataDir);
});
after(async () => {
  await s?.teardown();
});

async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await s.docker(args);
  assert.notEqual(r.code, 0, `docker ${args.join(' ')} should fail`);
  assert.match(r.stderr, message);
  const left = await s.docker(['ps', '-aq', '--filter', 'name=bad']);
  if (left.stdout.trim()) {
    // docker run leaves a created container when start fails (as Docker does); it must hold nothing.
    const st = await s.docker(['inspect', '-f', '{{.State.Running}}', 'bad']);
    assert.equal(st.stdout.trim(), 'false');
    assert.deepEqual(footprint(s.dataDir), base, `nothing held by the failed container after: docker ${args.join(' ')}`);
    await s.docker(['rm', '-f', 'bad']);
  }
  assert.deepEqual(footprint(s.dataDir), base, `nothing left after: docker ${args.join(' ')}`);
}

function api(method: string, path: string, body: unknown): Promise<{ status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: s.socketPath, method, path, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let message = text;
        try { message = (JSON.parse(text) as { message: string }).message; } catch { /* not JSON (/_ping) */ }
        resolve({ status: res.statusCode ?? 0, message });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('unknown image', { timeout: 180_000 }, async () => {
  await refused(['run', '--pull', 'never', '--name', 'bad', 'no-such-image:1'], /No such image: no-such-image:1/);
  await refused(['run', '--name', 'bad', 'no-such-image:2'], /no-such-image/);
});

test('malformed reference', { timeout: 180_000 }, async () => {
  await refused(['run', '--pull', 'never', '--name', 'bad', 'Not/Valid:Ref:x'], /invalid reference format/);
  const r = await api('POST', '/v1.50/containers/create?name=bad', { Image: 'UPPER/case!' });
  assert.equal(r.status, 400);
  assert.match(r.message, /invalid reference format/);
  assert.deepEqual(footprint(s.dataDir), base);
});

test('name already in use', { timeout: 180_000 }, async () => {
  const first = await s.docker(['create', '--pull', 'never', '--name', 'taken', 'busybox', 'true']);
  assert.equal(first.code, 0, first.stderr);
  const r = await s.docker(['run', '--pull', 'never', '--name', 'taken', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /"\/taken" is already in use/);
  assert.equal((await s.docker(['rm', 'taken'])).code, 0);
  const bad = await api('POST', '/v1.50/containers/create?name=has%20space', { Image: 'busybox' });
  assert.equal(bad.status, 400);
  assert.match(bad.message, /Invalid container name/);
});

test('port already taken', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const holder = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => holder.once('listening', r));
  try {
    await refused(['run', '-d', '--pull', 'never', '--name', 'bad', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '30'], new RegExp(`${port}.*(already|in use)|(already|in use).*${port}`, 'i'));
  } finally {
    holder.close();
  }
});

test('invalid memory size', { timeout: 180_000 }, async () => {
  await refused(['run', '--pull', 'never', '--name', 'bad', '-m', '1k', 'busybox', 'true'], /[Mm]emory/);
  await refused(['run', '--pull', 'never', '--name', 'bad', '-m', 'lots', 'busybox', 'true'], /invalid/i);
  const r = await api('POST', '/v1.50/containers/create?name=bad', { Image: 'busybox', HostConfig: { Memory: 1000 } });
  assert.equal(r.status, 400, r.message);
  assert.match(r.message, /[Mm]inimum memory/);
  await s.docker(['rm', '-f', 'bad']);
  assert.deepEqual(footprint(s.dataDir), base);
});

test('missing bind-mount source for --mount', { timeout: 180_000 }, async () => {
  await refused(['run', '--pull', 'never', '--name', 'bad', '--mount', 'type=bind,source=/no/such/dir/for/bosun,target=/data', 'busybox', 'true'], /\/no\/such\/dir\/for\/bosun/);
});

test('command not found in the image', { timeout: 180_000 }, async () => {
  const r = await s.docker(['run', '--rm', '--pull', 'never', '--name', 'bad', 'busybox', 'no-such-command']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /no-such-command.*(not found|no such file)/i);
  await s.docker(['rm', '-f', 'bad']);
  assert.deepEqual(footprint(s.dataDir), base);
});

test('API: unsupported version, unknown route, bad JSON, bad filters', { timeout: 180_000 }, async () => {
  // GETs carry no body: node's client would send it unframed (no length, no chunking).
  const old = await api('GET', '/v1.12/containers/json', undefined);
  assert.equal(old.status, 400);
  assert.match(old.message, /too old/);
  const unknown = await api('GET', '/v1.50/nothing/here', undefined);
  assert.equal(unknown.status, 404);
  const filt = await api('GET', '/v1.50/containers/json?filters=%7Bbroken', undefined);
  assert.equal(filt.status, 400);
  const ping = await api('GET', '/_ping', undefined);
  assert.equal(ping.status, 200);
});
