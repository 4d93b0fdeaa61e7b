import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import Docker from 'dockerode';
import { startDaemon } from './index.js';
import { fakeEngine } from './fake.js';
import { Demuxer } from './stdcopy.js';

const dir = mkdtempSync('/tmp/bosun-test-');
const sock = `${dir}/engine.sock`;
const engine = fakeEngine();
let daemon: { close(): Promise<void> };

before(async () => {
  daemon = await startDaemon(engine, sock);
});
after(async () => {
  await daemon.close();
  rmSync(dir, { recursive: true, force: true });
});

function req(method: string, path: string, body?: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request({ socketPath: sock, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    r.on('error', reject);
    r.end(body ? JSON.stringify(body) : undefined);
  });
}

/** The real docker CLI; async because the daemon under test shares this process's event loop. */
async function docker(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cfg = mkdtempSync('/tmp/bosun-test-dockercfg-');
  try {
    const p = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: cfg } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.stdin.end(input);
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    return { code, stdout, stderr };
  } finally {
    rmSync(cfg, { recursive: true, force: true });
  }
}

test('socket is mode 0660', () => {
  assert.equal(statSync(sock).mode & 0o777, 0o660);
});

test('ping, version headers, negotiation errors, unknown routes', async () => {
  const head = await req('HEAD', '/_ping');
  assert.equal(head.status, 200);
  assert.equal(head.headers['api-version'], '1.50');
  assert.equal(head.headers['ostype'], 'linux');
  assert.equal(head.headers['content-length'], '0');
  const get = await req('GET', '/v1.44/_ping');
  assert.equal(get.body, 'OK');
  const v = JSON.parse((await req('GET', '/version')).body);
  assert.equal(v.ApiVersion, '1.50');
  assert.equal(v.MinAPIVersion, '1.24');
  const tooNew = await req('GET', '/v1.51/version');
  assert.equal(tooNew.status, 400);
  assert.equal(JSON.parse(tooNew.body).message, 'client version 1.51 is too new. Maximum supported API version is 1.50');
  const unknown = await req('GET', '/plugins/x/json');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers['content-type'], 'application/json');
  assert.ok(JSON.parse(unknown.body).message);
  assert.equal(unknown.headers['api-version'], '1.50');
});

test('errors map kinds to statuses; bad JSON is a 400', async () => {
  assert.equal((await req('GET', '/containers/nope/json')).status, 404);
  assert.equal((await req('POST', '/containers/create', { Image: 'nope' })).status, 404);
  const bad = await new Promise<number>((resolve) => {
    const r = http.request({ socketPath: sock, method: 'POST', path: '/containers/create', headers: { 'Content-Type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode!); });
    r.end('{not json');
  });
  assert.equal(bad, 400);
  const pull = await req('POST', '/images/create?fromImage=docker.io/library/alpine&tag=3.20');
  assert.equal(pull.status, 404);
  assert.match(JSON.parse(pull.body).message, /pull access denied/);
});

test('image routes accept names with / and :', async () => {
  const r = await req('GET', '/images/localhost:5000/x/y:v1/json');
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).Id, `sha256:${'b'.repeat(64)}`);
  const tag = await req('POST', '/v1.50/images/busybox/tag?repo=localhost:5000/z&tag=t1&force=0');
  assert.equal(tag.status, 201);
  assert.equal((await req('GET', '/images/localhost:5000/z:t1/json')).status, 200);
});

test('docker CLI: run attached gets framed stdout/stderr and the exit code', async () => {
  const r = await docker(['run', '--rm', '--pull', 'never', 'busybox', 'fail', '3']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(engine.fakeContainers.byId.size, 0);
});

test('docker CLI: run -i carries stdin and its half-close', async () => {
  const r = await docker(['run', '-i', '--rm', '--pull', 'never', 'busybox', 'cat'], 'hello\nworld\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello\nworld\n');
});

test('docker CLI: detached run, logs, exec, ps, stop, rm, inspect of a missing object', async () => {
  const run = await docker(['run', '-d', '--name', 'web', '--pull', 'never', 'busybox', 'sleep']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout.trim(), /^[0-9a-f]{64}$/);
  const dup = await docker(['run', '-d', '--name', 'web', '--pull', 'never', 'busybox', 'sleep']);
  assert.equal(dup.code, 125);
  assert.match(dup.stderr, /already in use/);
  const ex = await docker(['exec', 'web', 'echo', 'from', 'exec']);
  assert.equal(ex.code, 0, ex.stderr);
  assert.equal(ex.stdout, 'from exec\n');
  const exFail = await docker(['exec', 'web', 'fail', '4']);
  assert.equal(exFail.code, 4);
  assert.equal(exFail.stderr, 'bad\n');
  const exIn = await docker(['exec', '-i', 'web', 'cat'], 'piped\n');
  assert.equal(exIn.stdout, 'piped\n', exIn.stderr);
  const ps = await docker(['ps']);
  assert.match(ps.stdout, /web/);
  assert.equal((await docker(['stop', 'web'])).code, 0);
  assert.equal((await docker(['stop', 'web'])).code, 0, 'stopping a stopped container is not an error');
  assert.equal((await docker(['rm', 'web'])).code, 0);
  assert.equal((await docker(['rm', '-f', 'web'])).code, 0, 'rm -f of a missing container exits 0');
  const insp = await docker(['inspect', 'nothing-here']);
  assert.equal(insp.code, 1);
  assert.match(insp.stderr, /No such object/);
});

test('docker CLI: networks and volumes', async () => {
  assert.equal((await docker(['network', 'create', '--label', 'a=b', 'mynet'])).code, 0);
  const ls = await docker(['network', 'ls', '--filter', 'label=a=b', '--format', '{{.Name}}']);
  assert.equal(ls.stdout.trim(), 'mynet');
  assert.equal((await docker(['volume', 'create', 'myvol'])).stdout.trim(), 'myvol');
  assert.match((await docker(['volume', 'ls'])).stdout, /local\s+myvol/);
  assert.equal((await docker(['volume', 'rm', 'myvol'])).code, 0);
  assert.equal((await docker(['version'])).code, 0);
  assert.equal((await docker(['info'])).code, 0);
});

test('dockerode: run (plain 200 attach with TTY), logs framed, exec, events', async () => {
  const d = new Docker({ socketPath: sock });
  assert.equal(String(await d.ping()), 'OK');
  const out: Buffer[] = [];
  const sink = new (await import('node:stream')).Writable({ write(c, _e, cb) { out.push(c); cb(); } });
  const [result, container] = await d.run('busybox', ['echo', 'hi', 'there'], sink);
  assert.equal(result.StatusCode, 0);
  assert.equal(Buffer.concat(out).toString(), 'hi there\n');
  await container.remove();

  const c = await d.createContainer({ Image: 'busybox', Cmd: ['fail', '2'] });
  await c.start();
  assert.equal((await c.wait()).StatusCode, 2);
  const logs = (await c.logs({ stdout: true, stderr: true })) as unknown as Buffer;
  const frames: string[] = [];
  new Demuxer().push(logs, (s, p) => frames.push(`${s}:${p}`));
  assert.deepEqual(frames, ['1:out\n', '2:err\n']);
  await c.remove();
});

test('wait flushes headers before the condition holds; abandoned waits are fine', async () => {
  const { Id } = await engine.containers.create('w', { Image: 'busybox', Cmd: ['sleep'] });
  await engine.containers.start(Id);
  const gotHeaders = await new Promise<number>((resolve) => {
    const r = http.request({ socketPath: sock, method: 'POST', path: `/containers/${Id}/wait?condition=next-exit` }, (res) => {
      resolve(res.statusCode!);
      r.destroy();
    });
    r.end();
  });
  assert.equal(gotHeaders, 200);
  await engine.containers.remove(Id, { force: true });
  assert.equal((await req('GET', '/_ping')).status, 200);
});

test('a hijacked request for a missing container gets an HTTP error on the socket', async () => {
  const reply = await new Promise<string>((resolve) => {
    const s = net.connect(sock, () => s.write('POST /v1.50/containers/nope/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n'));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('close', () => resolve(data));
  });
  assert.match(reply, /^HTTP\/1.1 404 Not Found/);
  assert.match(reply, /No such container: nope/);
});

test('stdin and its half-close sent with the attach request itself reach the process', async () => {
  const { Id } = await engine.containers.create(undefined, { Image: 'busybox', Cmd: ['cat'], OpenStdin: true, StdinOnce: true });
  const s = net.connect({ path: sock, allowHalfOpen: true });
  await new Promise((r) => s.once('connect', r));
  // Request, stdin and FIN in one go, before the 101 could even be read (docker run -i with a pipe).
  s.end(`POST /v1.50/containers/${Id}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly bytes\n`);
  const parts: Buffer[] = [];
  s.on('data', (d) => parts.push(d));
  const closed = new Promise((r) => s.on('close', r));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal((await req('POST', `/containers/${Id}/start`)).status, 204);
  await closed;
  const raw = Buffer.concat(parts);
  const headEnd = raw.indexOf('\r\n\r\n');
  assert.match(raw.subarray(0, headEnd).toString(), /^HTTP\/1.1 101 UPGRADED\r\nContent-Type: application\/vnd.docker.multiplexed-stream/);
  const frames: string[] = [];
  new Demuxer().push(raw.subarray(headEnd + 4), (st, p) => frames.push(`${st}:${p}`));
  assert.deepEqual(frames, ['1:early bytes\n']);
  await engine.containers.remove(Id, { force: true });
});
