import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryStore } from '../store/index.js';
import { loadInstance, purgeDataDir } from '../server/instance.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, loadKubeconfig, resources as R } from './index.js';

let dir: string;
let server: RunningApiServer;
let kc: KubeClient;

before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-');
  const instance = loadInstance(dir);
  server = await startApiServer({ instance, store: new MemoryStore(), port: 0 });
  kc = KubeClient.fromKubeconfig(instance.paths.kubeconfig);
});

after(async () => {
  kc.close();
  await server.close();
  purgeDataDir(dir);
});

test('kubeconfig: inline data, files relative to the kubeconfig, tokens, context namespace', () => {
  const cfg = loadKubeconfig(join(dir, 'kubeconfig'));
  assert.equal(cfg.server, `https://127.0.0.1:${server.port}`);
  assert.ok(cfg.ca && cfg.cert && cfg.key);
  assert.equal(cfg.namespace, 'default');
  writeFileSync(join(dir, 'tok'), 'abc\n');
  writeFileSync(join(dir, 'other.yaml'), [
    'apiVersion: v1', 'kind: Config', 'current-context: a',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1/", certificate-authority: pki/ca.crt}}]',
    'users: [{name: u, user: {tokenFile: ' + join(dir, 'tok') + '}}]',
    'contexts: [{name: a, context: {cluster: c, user: u, namespace: team}}, {name: b, context: {cluster: c, user: u}}]',
  ].join('\n'));
  const other = loadKubeconfig(join(dir, 'other.yaml'));
  assert.equal(other.server, 'https://127.0.0.1:1');
  assert.equal(other.token, 'abc');
  assert.equal(other.namespace, 'team');
  assert.ok(other.ca?.toString().includes('BEGIN CERTIFICATE'));
  assert.equal(loadKubeconfig(join(dir, 'other.yaml'), 'b').namespace, 'default');
  assert.throws(() => loadKubeconfig(join(dir, 'other.yaml'), 'nope'), (e: any) => e.kind === 'NotFound');
});

test('errors carry the Status reason as their kind', async () => {
  await assert.rejects(kc.get(R.configmaps, 'missing'), (e: any) => e.kind === 'NotFound' && /configmaps "missing" not found/.test(e.message));
  await assert.rejects(kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad!' } }),
    (e: any) => e.kind === 'Invalid' && e.causes?.[0]?.field === 'metadata.name');
});

test('a watch resumes from its last resourceVersion after the server ends the stream', async () => {
  const list = await kc.list(R.configmaps, { namespace: 'default' });
  const w = kc.watch(R.configmaps, { namespace: 'default', resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 1 });
  const it = w[Symbol.asyncIterator]();
  await kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' } });
  assert.equal((await it.next()).value.object.metadata?.name, 'first');
  // Outlive the server-side timeout, so the next event can only arrive on a new stream.
  await new Promise((r) => setTimeout(r, 1500));
  await kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'second' } });
  const next = (await it.next()).value;
  assert.equal(next.type, 'ADDED');
  assert.equal(next.object.metadata?.name, 'second');
  w.close();
  assert.equal((await it.next()).done, true);
});
