/**
 * The API server's side of pods/log, exec, attach and portforward, against a fake node connection:
 * what is refused before the node is asked, what reaches the node, and how its answer comes back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { WebSocket } from 'ws';
import { BosunError } from '../errors/index.js';
import { MemoryStore } from '../store/index.js';
import { loadInstance, purgeDataDir } from '../server/instance.js';
import { KubeClient, resources as R } from '../client/index.js';
import type { ExecOptions, StreamTarget } from '../streaming/index.js';
import { startApiServer, type NodeConnection, type PodLogOptions, type RunningApiServer } from './index.js';

let dir: string;
let server: RunningApiServer;
let kc: KubeClient;
const logCalls: Array<{ pod: string; opts: PodLogOptions }> = [];
const execCalls: ExecOptions[] = [];

const target: StreamTarget = {
  async exec(opts, io) {
    execCalls.push(opts);
    io.stdout?.write(`ran ${opts.command.join(' ')} in ${opts.container}`);
    return { exitCode: 0 };
  },
  attach: async () => ({ exitCode: 0 }),
  portForward: async () => undefined,
};

const node: NodeConnection = {
  target: (_ns, pod) => {
    if (pod === 'gone') throw new BosunError('NotFound', `pod ${pod} is not running on this node`);
    return target;
  },
  async logs(_ns, pod, opts) {
    if (pod === 'waiting') throw new BosunError('BadRequest', `container "${opts.container}" in pod "${pod}" is waiting to start: ContainerCreating`);
    logCalls.push({ pod, opts });
    return (async function* () {
      yield Buffer.from('line 1\n');
      yield Buffer.from('line 2\n');
    })();
  },
};

function raw(path: string, headers: Record<string, string> = {}, auth = true): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const c = kc.config;
    const req = request({ host: '127.0.0.1', port: server.port, path, headers, ca: c.ca, ...(auth ? { cert: c.cert, key: c.key } : {}) }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, text }));
    });
    // An upgrade the server refuses is answered in plain HTTP: the 'response' event above.
    req.on('upgrade', () => reject(new Error('unexpected upgrade')));
    req.on('error', reject);
    req.end();
  });
}

async function pod(name: string, containers: string[], nodeName?: string): Promise<void> {
  await kc.create(R.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { ...(nodeName ? { nodeName } : {}), containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
  });
}

before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-');
  server = await startApiServer({ instance: loadInstance(dir), store: new MemoryStore(), port: 0, nodes: { node: (n) => (n === 'n1' ? node : undefined) } });
  kc = KubeClient.fromKubeconfig(loadInstance(dir).paths.kubeconfig);
  await pod('one', ['c'], 'n1');
  await pod('two', ['a', 'b'], 'n1');
  await pod('pending', ['c']);
  await pod('waiting', ['c'], 'n1');
  await pod('elsewhere', ['c'], 'n2');
  await pod('gone', ['c'], 'n1');
});

after(async () => {
  kc.close();
  await server.close();
  purgeDataDir(dir);
});

test('pods/log streams what the node reads, with the container resolved and the options typed', async () => {
  const r = await raw('/api/v1/namespaces/default/pods/one/log?follow=true&tailLines=5&timestamps=1&sinceSeconds=10');
  assert.equal(r.code, 200);
  assert.equal(r.text, 'line 1\nline 2\n');
  const call = logCalls.at(-1)!;
  assert.equal(call.pod, 'one');
  assert.equal(call.opts.container, 'c');
  assert.equal(call.opts.follow, true);
  assert.equal(call.opts.timestamps, true);
  assert.equal(call.opts.tailLines, 5);
  assert.equal(call.opts.sinceSeconds, 10);
  assert.equal(call.opts.previous, false);
});

test('pods/log refusals: container choice, PodLogOptions validation, unscheduled, unconnected node, node refusal', async () => {
  const two = await raw('/api/v1/namespaces/default/pods/two/log');
  assert.equal(two.code, 400);
  assert.equal(JSON.parse(two.text).message, 'a container name must be specified for pod two, choose one of: [a b]');
  const bad = await raw('/api/v1/namespaces/default/pods/two/log?container=z');
  assert.equal(JSON.parse(bad.text).message, 'container z is not valid for pod two');
  assert.equal((await raw('/api/v1/namespaces/default/pods/two/log?container=b')).text, 'line 1\nline 2\n');

  const tail = await raw('/api/v1/namespaces/default/pods/one/log?tailLines=-1');
  assert.equal(tail.code, 422);
  assert.match(JSON.parse(tail.text).message, /PodLogOptions "one" is invalid: tailLines: Invalid value: -1/);
  const both = await raw('/api/v1/namespaces/default/pods/one/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z');
  assert.match(JSON.parse(both.text).message, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
  assert.equal((await raw('/api/v1/namespaces/default/pods/one/log?limitBytes=x')).code, 400);

  const pending = await raw('/api/v1/namespaces/default/pods/pending/log');
  assert.deepEqual([pending.code, pending.text], [200, '']);
  assert.equal((await raw('/api/v1/namespaces/default/pods/elsewhere/log')).code, 503);
  const waiting = await raw('/api/v1/namespaces/default/pods/waiting/log');
  assert.equal(waiting.code, 400);
  assert.match(JSON.parse(waiting.text).message, /is waiting to start: ContainerCreating/);
  assert.equal((await raw('/api/v1/namespaces/default/pods/nope/log')).code, 404);
});

test('exec, attach and portforward without an upgrade are refused with a Status', async () => {
  for (const sub of ['exec', 'attach', 'portforward']) {
    const r = await raw(`/api/v1/namespaces/default/pods/one/${sub}?command=ls&stdout=1`);
    assert.equal(r.code, 400);
    assert.match(JSON.parse(r.text).message, /Upgrade request required/);
  }
});

test('upgrades: refused before the node is asked (auth, unknown pod, container, no host), then exec reaches the node', async () => {
  const upgrade = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
  const path = (p: string, q = 'command=ls&stdout=true') => `/api/v1/namespaces/default/pods/${p}/exec?${q}`;
  assert.equal((await raw(path('one'), upgrade, false)).code, 401);
  assert.equal((await raw(path('nope'), upgrade)).code, 404);
  const two = await raw(path('two'), upgrade);
  assert.equal(two.code, 400);
  assert.equal(JSON.parse(two.text).message, 'a container name must be specified for pod two, choose one of: [a b]');
  const pending = await raw(path('pending'), upgrade);
  assert.equal(JSON.parse(pending.text).message, 'pod pending does not have a host assigned');
  assert.equal((await raw(path('gone'), upgrade)).code, 404);
  assert.equal((await raw(path('elsewhere'), upgrade)).code, 503);

  const c = kc.config;
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}${path('one', 'command=echo&command=hi&stdout=true')}`, ['v5.channel.k8s.io'], { ca: c.ca, cert: c.cert, key: c.key });
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
  await new Promise((resolve, reject) => {
    ws.on('close', resolve);
    ws.on('error', reject);
  });
  const channel = (n: number) => Buffer.concat(frames.filter((f) => f[0] === n).map((f) => f.subarray(1))).toString();
  assert.equal(channel(1), 'ran echo hi in c');
  assert.equal(JSON.parse(channel(3)).status, 'Success');
  assert.equal(execCalls.at(-1)!.container, 'c');
});
