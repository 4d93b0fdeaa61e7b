import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { HostProcessTarget } from './testing/host-process-target.js';
import { runKubectl, startHarness, type Harness } from './testing/kubectl-harness.js';

let dir: string;
let h: Harness;
let port: number;
before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-streaming-');
  h = await startHarness(dir, new HostProcessTarget(dir));
  port = (h.server.address() as AddressInfo).port;
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

function upgradeRequest(method: string, path: string, headers: Record<string, string>): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method, path, rejectUnauthorized: false,
      headers: { Authorization: 'Bearer streaming-test-token', Connection: 'Upgrade', ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('upgrade', () => reject(new Error('the server upgraded a request it should refuse')));
    req.on('error', reject);
    req.end();
  });
}

const exec = '/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true';

test('an unsupported SPDY stream protocol gets a 400 Status naming both sides', async () => {
  const r = await upgradeRequest('POST', exec, { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v9.channel.example' });
  assert.equal(r.code, 400);
  assert.equal(r.body.kind, 'Status');
  assert.equal(r.body.reason, 'BadRequest');
  assert.match(String(r.body.message), /client supports .*v9\.channel\.example.*server supports .*v4\.channel\.k8s\.io/);
});

test('port-forward over SPDY must ask for portforward.k8s.io', async () => {
  const r = await upgradeRequest('POST', '/api/v1/namespaces/default/pods/web/portforward', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  assert.equal(r.code, 400);
  assert.match(String(r.body.message), /portforward\.k8s\.io/);
});

test('an unsupported WebSocket subprotocol gets a 400 Status', async () => {
  const r = await upgradeRequest('GET', exec, {
    Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v9.channel.example',
  });
  assert.equal(r.code, 400);
  assert.equal(r.body.reason, 'BadRequest');
});

test('rejectUpgrade answers a refused upgrade with the error\'s Status and HTTP code', async () => {
  const r = await upgradeRequest('POST', '/api/v1/namespaces/default/pods/nope/exec?command=true&stdout=true', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  assert.equal(r.code, 404);
  assert.equal(r.body.kind, 'Status');
  assert.equal(r.body.reason, 'NotFound');
});

test('a malformed WebSocket handshake gets a 400 Status, not a bare refusal', async () => {
  const r = await upgradeRequest('GET', exec, { Upgrade: 'websocket', 'Sec-WebSocket-Version': '8', 'Sec-WebSocket-Key': 'short' });
  assert.equal(r.code, 400);
  assert.equal(r.body.kind, 'Status');
  assert.match(String(r.body.message), /Sec-WebSocket-Version 13/);
});

test('an upgrade to anything else, or an exec without a command, is a 400 Status', async () => {
  const other = await upgradeRequest('POST', exec, { Upgrade: 'h2c' });
  assert.equal(other.code, 400);
  assert.match(String(other.body.message), /Upgrade request required/);
  const noCommand = await upgradeRequest('POST', '/api/v1/namespaces/default/pods/web/exec?stdout=true', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  assert.equal(noCommand.code, 400);
  assert.equal(noCommand.body.message, 'you must specify at least 1 command');
  const noStreams = await upgradeRequest('POST', '/api/v1/namespaces/default/pods/web/exec?command=true', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  assert.equal(noStreams.code, 400);
  assert.equal(noStreams.body.message, 'you must specify at least 1 of stdin, stdout, stderr');
});

test('garbage after a SPDY upgrade ends that session with GOAWAY; the server keeps serving', async () => {
  const received = await new Promise<Buffer>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      s.write(
        `POST ${exec} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer streaming-test-token\r\n` +
          'Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n',
      );
      // A SYN_STREAM whose header block is not zlib at all.
      s.write(Buffer.concat([Buffer.from([0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from('garbage!')]));
    });
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(got)));
  });
  const text = received.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  const frames = received.subarray(text.indexOf('\r\n\r\n') + 4);
  // GOAWAY (type 7), status PROTOCOL_ERROR (1).
  assert.deepEqual([...frames.subarray(0, 4)], [0x80, 0x03, 0x00, 0x07]);
  assert.equal(frames.readUInt32BE(12), 1);
  const r = await runKubectl(h, '1.27', ['exec', 'web', '--', 'echo', 'still here']);
  assert.equal(r.stdout, 'still here\n', r.stderr);
});

test('v4.base64.channel.k8s.io: channel digit + base64 text both ways, JSON Status at the end', async () => {
  const { WebSocket } = await import('ws');
  const q = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', 'read x; echo got:$x; exit 2'], ['stdin', 'true'], ['stdout', 'true']]);
  const ws = new WebSocket(`wss://127.0.0.1:${port}/api/v1/namespaces/default/pods/web/exec?${q}`, 'v4.base64.channel.k8s.io', {
    rejectUnauthorized: false,
    headers: { Authorization: 'Bearer streaming-test-token' },
  });
  const messages: string[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    assert.equal(isBinary, false);
    messages.push(data.toString());
  });
  await new Promise((r) => ws.once('open', r));
  assert.equal(ws.protocol, 'v4.base64.channel.k8s.io');
  ws.send('0' + Buffer.from('base64 stdin\n').toString('base64'));
  await new Promise((r) => ws.once('close', r));
  const decoded = messages.map((m) => [m[0], Buffer.from(m.slice(1), 'base64').toString()]);
  assert.deepEqual(decoded.slice(0, 2), [['1', ''], ['1', 'got:base64 stdin\n']], 'an empty "streams ready" message on stdout comes first');
  assert.equal(decoded.length, 3);
  assert.equal(decoded[2]![0], '3');
  assert.deepEqual(JSON.parse(decoded[2]![1]!), {
    metadata: {},
    status: 'Failure',
    message: 'command terminated with non-zero exit code: error executing command [sh -c read x; echo got:$x; exit 2], exit code 2',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '2' }] },
  });
});
