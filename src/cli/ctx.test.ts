import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ctxVerb } from './ctx.js';

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: https://127.0.0.1:1}
- name: b
  cluster: {server: https://127.0.0.1:2}
users:
- name: u
  user: {token: t}
contexts:
- name: one
  context: {cluster: a, user: u}
- name: two
  context: {cluster: b, user: u, namespace: kube-system}
current-context: one
preferences: {colors: true}
`;

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; out: string }> {
  const orig = console.log;
  let out = '';
  console.log = (...a: unknown[]) => { out += a.join(' ') + '\n'; };
  try {
    return { value: await fn(), out };
  } finally {
    console.log = orig;
  }
}

test('ctx lists, switches, goes back with -, renames, and keeps unknown fields', async (t) => {
  const dir = mkdtempSync('/tmp/bosun-ctx-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config');
  writeFileSync(file, kubeconfig);
  const prevCache = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  t.after(() => { if (prevCache === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = prevCache; });
  const k = ['--kubeconfig', file];

  const list = await quietly(() => ctxVerb.run(k));
  assert.equal(list.value, 0);
  assert.equal(list.out, '* one\n  two\n');

  assert.equal((await quietly(() => ctxVerb.run([...k, 'two']))).value, 0);
  assert.equal(parse(readFileSync(file, 'utf8'))['current-context'], 'two');

  assert.equal((await quietly(() => ctxVerb.run([...k, '-']))).value, 0);
  assert.equal(parse(readFileSync(file, 'utf8'))['current-context'], 'one');

  assert.equal((await quietly(() => ctxVerb.run([...k, 'uno=one']))).value, 0);
  const after = parse(readFileSync(file, 'utf8'));
  assert.equal(after['current-context'], 'uno');
  assert.deepEqual(after.contexts.map((c: { name: string }) => c.name), ['uno', 'two']);
  assert.deepEqual(after.preferences, { colors: true });

  const errOrig = console.error;
  console.error = () => {};
  try {
    assert.equal(await ctxVerb.run([...k, 'missing']), 1);
  } finally {
    console.error = errOrig;
  }
});
