/**
 * @kubernetes/client-node, the other real client: its Exec offers v5 … v1 channel protocols, its
 * PortForward uses WebSocket channels (`ports` query, port-number prefix) rather than SPDY.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import type * as K8s from '@kubernetes/client-node';
import { HostProcessTarget } from './testing/host-process-target.js';
import { startHarness, type Harness } from './testing/kubectl-harness.js';
import { loadClientNode } from '../../test/e2e/helpers/client-node.js';

let dir: string;
let h: Harness;
let k8s: typeof K8s;
let kc: K8s.KubeConfig;
let echo: Server;
before(async () => {
  k8s = await loadClientNode();
  dir = mkdtempSync('/tmp/bosun-test-streaming-');
  h = await startHarness(dir, new HostProcessTarget(dir));
  kc = new k8s.KubeConfig();
  kc.loadFromFile(h.kubeconfig);
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
});
after(async () => {
  await h.close();
  await new Promise((r) => echo.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }),
    text: () => Buffer.concat(chunks).toString(),
  };
}

test('client-node Exec: stdin in, stdout out, the exit code in the Status', async () => {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  const status = await new Promise<K8s.V1Status>((resolve) => {
    void new k8s.Exec(kc).exec('default', 'web', 'c', ['sh', '-c', 'cat; exit 5'], out.stream, err.stream, stdin, false, resolve);
    stdin.end('from client-node\n');
  });
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '5' }]);
  assert.equal(out.text(), 'from client-node\n');
  assert.equal(h.upgrades.at(-1), 'websocket');
});

test('client-node PortForward: bytes both ways over WebSocket channels', async () => {
  const echoPort = (echo.address() as AddressInfo).port;
  const input = new PassThrough();
  const got: Buffer[] = [];
  const output = new Writable({ write(c: Buffer, _e, cb) { got.push(c); cb(); } });
  const ws = (await new k8s.PortForward(kc).portForward('default', 'web', [echoPort], output, null, input)) as { close(): void };
  input.write('over channels');
  while (Buffer.concat(got).toString() !== 'over channels') {
    assert.ok(Buffer.concat(got).length <= 13, `unexpected echo ${Buffer.concat(got).toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  ws.close();
});
