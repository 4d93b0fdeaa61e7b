/** dockerode 5 (unversioned API paths, options copied into queries) against a real `bosun server`. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import Docker from 'dockerode';
import { startServer, type TestServer } from './helpers/server.js';

let s: TestServer;
let d: Docker;

before(async () => {
  s = await startServer();
  d = new Docker({ socketPath: s.socketPath });
});
after(async () => {
  await s?.teardown();
});

function collect(): { sink: Writable; text: () => string } {
  const parts: Buffer[] = [];
  return { sink: new Writable({ write(c, _e, cb) { parts.push(c as Buffer); cb(); } }), text: () => Buffer.concat(parts).toString() };
}

test('ping, version, listContainers', { timeout: 180_000 }, async () => {
  assert.equal(String(await d.ping()), 'OK');
  assert.equal((await d.version()).ApiVersion, '1.50');
  assert.ok(Array.isArray(await d.listContainers({ all: true })));
});

test('run with a TTY (plain 200 attach), wait, remove', { timeout: 180_000 }, async () => {
  const out = collect();
  const [result, container] = await d.run('busybox', ['sh', '-c', 'echo hi-ode'], out.sink) as [{ StatusCode: number }, Docker.Container];
  assert.equal(result.StatusCode, 0);
  assert.equal(out.text(), 'hi-ode\r\n');
  await container.remove();
});

test('hijacked attach with stdin and half-close, demuxed output', { timeout: 180_000 }, async () => {
  const c = await d.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'cat; echo eof-seen >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as unknown as NodeJS.ReadWriteStream;
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (x) => (o += x));
  err.on('data', (x) => (e += x));
  c.modem.demuxStream(stream as never, out, err);
  stream.write('piped-in\n');
  stream.end();
  await c.start();
  const w = await c.wait();
  await new Promise((r) => stream.on('end', r));
  assert.equal(w.StatusCode, 0);
  assert.equal(o, 'piped-in\n');
  assert.equal(e, 'eof-seen\n');
  await c.remove();
});

test('exec start hijacked, inspect exit code; logs; stats; networks; volumes', { timeout: 180_000 }, async () => {
  const c = await d.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'ode1', Labels: { probe: 'ode' } });
  await c.start();
  const ex = await c.exec({ Cmd: ['sh', '-c', 'echo exec-out; exit 5'], AttachStdout: true, AttachStderr: true });
  const stream = await ex.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let o = '';
  out.on('data', (x) => (o += x));
  c.modem.demuxStream(stream, out, new PassThrough());
  await new Promise((r) => stream.on('end', r));
  assert.equal(o, 'exec-out\n');
  assert.equal((await ex.inspect()).ExitCode, 5);
  const st = await c.stats({ stream: false });
  assert.ok(st.memory_stats);
  const listed = await d.listContainers({ filters: { label: ['probe=ode'] } });
  assert.deepEqual(listed.map((x) => x.Names[0]), ['/ode1']);
  await c.remove({ force: true });

  const net = await d.createNetwork({ Name: 'odenet', Labels: { probe: 'ode' } });
  assert.deepEqual((await d.listNetworks({ filters: { label: ['probe=ode'] } })).map((n) => n.Name), ['odenet']);
  await net.remove();
  await d.createVolume({ Name: 'odevol' });
  assert.ok(((await d.listVolumes()).Volumes ?? []).some((v) => v.Name === 'odevol'));
  await d.getVolume('odevol').remove();
});

test('errors surface with status codes', { timeout: 180_000 }, async () => {
  await assert.rejects(d.getContainer('nope').inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  await assert.rejects(d.createContainer({ Image: 'no-such-ode-image' }), (e: { statusCode?: number }) => e.statusCode === 404);
});
