/**
 * Bad input through the real kubectl (and its --raw path, which skips client-side checks): every
 * case ends in a clear Status error from the server or a clear client error, and the server keeps
 * answering afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, writeTemp, type BosunServer } from './k8s-helpers.js';

let server: BosunServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.destroy();
});

const k = (args: string[], input?: string) => server.kubectl(33, args, { input });
const k27 = (args: string[], input?: string) => server.kubectl(27, args, { input });

async function stillServing(): Promise<void> {
  const r = await k(['get', 'ns', 'default', '-o', 'name']);
  assert.equal(r.stdout, 'namespace/default\n', r.stderr);
}

test('malformed YAML and JSON', async () => {
  const yaml = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n');
  assert.equal(yaml.code, 1);
  assert.match(yaml.stderr, /error/i);
  // --raw sends the bytes as they are: the server itself must refuse them with a Status.
  const file = writeTemp(server, 'broken.json', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":');
  const raw = await k(['create', '--raw', '/api/v1/namespaces/default/configmaps', '-f', file]);
  assert.equal(raw.code, 1);
  assert.match(raw.stderr, /Error from server \(BadRequest\)/);
  await stillServing();
});

test('wrong kinds and apiVersions for the URL, unknown kinds', async () => {
  const file = writeTemp(server, 'secret.json', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }));
  const wrongKind = await k(['create', '--raw', '/api/v1/namespaces/default/configmaps', '-f', file]);
  assert.match(wrongKind.stderr, /Error from server \(BadRequest\).*does not match the expected kind/);
  const file2 = writeTemp(server, 'wrong-gv.json', JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
  const wrongGv = await k(['create', '--raw', '/api/v1/namespaces/default/configmaps', '-f', file2]);
  assert.match(wrongGv.stderr, /Error from server \(BadRequest\).*API version/);
  const unknown = await k(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no matches for kind "Widget"|resource mapping not found/);
  await stillServing();
});

test('invalid names are 422 Invalid naming the field', async () => {
  for (const run of [k, k27]) {
    const r = await run(['create', 'configmap', 'Bad_Name', '--from-literal=a=b']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
  }
  const ns = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: has.dots\n');
  assert.match(ns.stderr, /Namespace "has\.dots" is invalid/);
  await stillServing();
});

test('a body over 3 MiB is refused with 413', async () => {
  const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: "${'x'.repeat(3 * 1024 * 1024 + 16)}"\n`;
  const r = await k(['create', '-f', '-', '--validate=false'], big);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Request entity too large/i);
  const gone = await k(['get', 'cm', 'huge']);
  assert.match(gone.stderr, /NotFound/);
  await stillServing();
});

test('unknown fields: strict refuses, warn warns, ignore drops', async () => {
  const doc = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  bogus: true
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: c
        image: busybox
        imagePullPolcy: Always
`;
  for (const run of [k, k27]) {
    const strict = await run(['apply', '--validate=strict', '-f', '-'], doc('strict'));
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /unknown field "spec\.bogus"/);
    assert.match(strict.stderr, /unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/);
  }
  const warn = await k(['apply', '--validate=warn', '-f', '-'], doc('warned'));
  assert.equal(warn.code, 0, warn.stderr);
  assert.match(warn.stderr, /Warning: unknown field "spec\.bogus"/);
  const ignore = await k(['apply', '--validate=false', '-f', '-'], doc('ignored'));
  assert.equal(ignore.code, 0, ignore.stderr);
  const got = JSON.parse((await k(['get', 'deploy', 'ignored', '-o', 'json'])).stdout);
  assert.equal(got.spec.bogus, undefined);
  await stillServing();
});

test('invalid objects list every cause (422)', async () => {
  const r = await k(['create', '--raw', '/api/v1/namespaces/default/configmaps', '-f',
    writeTemp(server, 'noname.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }))]);
  assert.match(r.stderr, /ConfigMap "" is invalid: metadata\.name: Required value: name or generateName is required/);
  const missingNs = await k(['-n', 'no-such-ns', 'create', 'configmap', 'x']);
  assert.match(missingNs.stderr, /namespaces "no-such-ns" not found/);
  await stillServing();
});
