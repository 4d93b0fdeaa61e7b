import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalString, familiarString, parseNormalized, parseTagReference } from './reference.js';
import { BosunError } from '../../errors/index.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);

test('normalises like Docker', () => {
  const table: Array<[string, string, string]> = [
    ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['docker.io/library/busybox', 'busybox:latest', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'busybox:latest', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox:x', 'busybox:x', 'docker.io/library/busybox:x'],
    ['user/app', 'user/app:latest', 'docker.io/user/app:latest'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/a/b/c:v1', '127.0.0.1:5000/a/b/c:v1', '127.0.0.1:5000/a/b/c:v1'],
    ['my.registry/x', 'my.registry/x:latest', 'my.registry/x:latest'],
    [`busybox@${DIGEST}`, `busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`localhost:5000/x@${DIGEST}`, `localhost:5000/x@${DIGEST}`, `localhost:5000/x@${DIGEST}`],
    ['a__b.c-d---e:Tag_1.2-x', 'a__b.c-d---e:Tag_1.2-x', 'docker.io/library/a__b.c-d---e:Tag_1.2-x'],
  ];
  for (const [input, familiar, canonical] of table) {
    const r = parseNormalized(input);
    assert.equal(familiarString(r), familiar, input);
    assert.equal(canonicalString(r), canonical, input);
  }
});

test('rejects malformed references with BadRequest "invalid reference format"', () => {
  const bad = ['', 'Busybox', 'busybox:', ':tag', 'a//b', '-a', 'a-', 'busybox:' + 'x'.repeat(129), 'a b', 'busybox@sha256:123',
    'x/' + 'a'.repeat(260), 'a'.repeat(64), 'busybox:-tag', 'a/../b'];
  for (const input of bad) {
    assert.throws(() => parseNormalized(input), (err: unknown) => {
      assert.ok(err instanceof BosunError, input);
      assert.equal(err.kind, 'BadRequest', input);
      assert.match(err.message, /^invalid reference format/, input);
      return true;
    }, input);
  }
  assert.match((() => { try { parseNormalized('Busybox'); } catch (e) { return (e as Error).message; } return ''; })(), /must be lowercase/);
});

test('a registry with uppercase host is a domain, a tag with a digest is refused for tagging', () => {
  assert.equal(canonicalString(parseNormalized('MyHost/app')), 'MyHost/app:latest');
  assert.throws(() => parseTagReference(`busybox@${DIGEST}`), (e: unknown) => e instanceof BosunError && e.kind === 'BadRequest');
});
