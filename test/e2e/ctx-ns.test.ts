/**
 * `bosun ctx` and `bosun ns` (kubectx/kubens) against a real server's kubeconfig: switching the
 * namespace changes where the real kubectl looks, `-` goes back, and unknown names are refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BOSUN, run, startServer, type BosunServer } from './k8s-helpers.js';

let server: BosunServer;
let dir: string;
let kubeconfig: string;

before(async () => {
  server = await startServer();
  dir = mkdtempSync('/tmp/bosun-ctxns-');
  kubeconfig = join(dir, 'config');
  copyFileSync(server.kubeconfig, kubeconfig);
  // A second context on the same cluster, as users have when they juggle several clusters.
  const cfg = parse(readFileSync(kubeconfig, 'utf8'));
  cfg.contexts.push({ name: 'other', context: { ...cfg.contexts[0].context } });
  writeFileSync(kubeconfig, stringify(cfg));
});

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.destroy();
});

const bosun = (args: string[]) => run(BOSUN, args, { env: { KUBECONFIG: kubeconfig, XDG_CACHE_HOME: dir } });
const kubectlNs = async () => (await run('kubectl', ['--kubeconfig', kubeconfig, 'config', 'view', '--minify', '-o', 'jsonpath={..namespace}'])).stdout.trim();

test('ns lists the cluster namespaces, switches, goes back, and refuses unknown ones', async () => {
  const mk = await run('kubectl', ['--kubeconfig', kubeconfig, '-n', 'kube-system', 'create', 'configmap', 'marker', '--from-literal=a=b']);
  assert.equal(mk.code, 0, mk.stderr);
  const list = await bosun(['ns']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^\* default$/m);
  assert.match(list.stdout, /^ {2}kube-system$/m);

  const sw = await bosun(['ns', 'kube-system']);
  assert.equal(sw.code, 0, sw.stderr);
  assert.match(sw.stdout, /Active namespace is "kube-system"/);
  assert.equal(await kubectlNs(), 'kube-system');
  assert.equal((await bosun(['ns', '-c'])).stdout.trim(), 'kube-system');

  // The real kubectl now finds kube-system's objects without -n.
  const marker = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'configmap', 'marker', '-o', 'name']);
  assert.equal(marker.code, 0, marker.stderr);
  assert.equal(marker.stdout.trim(), 'configmap/marker');

  assert.equal((await bosun(['ns', '-'])).code, 0);
  assert.equal(await kubectlNs(), 'default');

  const bad = await bosun(['ns', 'no-such-namespace']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no namespace exists with name "no-such-namespace"/);
  assert.equal(await kubectlNs(), 'default');
});

test('ctx lists contexts and switches between them, - goes back', async () => {
  const list = await bosun(['ctx']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^\* bosun$/m);
  assert.match(list.stdout, /^ {2}other$/m);
  assert.equal((await bosun(['ctx', 'other'])).code, 0);
  assert.equal((await bosun(['ctx', '-c'])).stdout.trim(), 'other');
  const get = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'ns', 'default', '-o', 'name']);
  assert.equal(get.stdout.trim(), 'namespace/default', get.stderr);
  assert.equal((await bosun(['ctx', '-'])).code, 0);
  assert.equal((await bosun(['ctx', '-c'])).stdout.trim(), 'bosun');
});
