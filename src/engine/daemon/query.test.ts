import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolParam, filtersParam, labelsMatch, timeParam } from './query.js';
import { negotiate } from './version.js';
import { frame, Demuxer } from './stdcopy.js';
import { Router } from './router.js';

test('booleans follow the engine rule', () => {
  const q = new URLSearchParams('a=1&b=0&c=False&d=True&e=&f=no&g=NONE&h= false ');
  assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'zz'].map((k) => boolParam(q, k)), [true, false, false, true, false, false, false, false, false]);
  assert.equal(boolParam(q, 'zz', true), true);
});

test('filters accept both encodings', () => {
  assert.deepEqual(filtersParam(new URLSearchParams({ filters: '{"label":{"team=a":true,"x":false},"type":{"container":true}}' })), { label: ['team=a'], type: ['container'] });
  assert.deepEqual(filtersParam(new URLSearchParams({ filters: '{"label":["p=1","q"]}' })), { label: ['p=1', 'q'] });
  assert.throws(() => filtersParam(new URLSearchParams({ filters: '{bad' })), (e: { kind?: string }) => e.kind === 'BadRequest');
  assert.ok(labelsMatch({ p: '1', q: '' }, ['p=1', 'q']));
  assert.ok(!labelsMatch({ p: '2' }, ['p=1']));
});

test('times: unix seconds or RFC 3339', () => {
  assert.equal(timeParam(new URLSearchParams('s=1700000000.5'), 's'), 1700000000.5);
  assert.equal(timeParam(new URLSearchParams('s=2023-11-14T22:13:20Z'), 's'), 1700000000);
});

test('version negotiation', () => {
  assert.deepEqual(negotiate('/v1.41/containers/json'), { minor: 41, path: '/containers/json' });
  assert.deepEqual(negotiate('/_ping'), { minor: 50, path: '/_ping' });
  assert.throws(() => negotiate('/v1.51/info'), /client version 1.51 is too new. Maximum supported API version is 1.50/);
  assert.throws(() => negotiate('/v1.12/info'), /client version 1.12 is too old. Minimum supported API version is 1.24/);
});

test('stdcopy frames round-trip, split anywhere', () => {
  const wire = Buffer.concat([frame(1, Buffer.from('out\n')), frame(2, Buffer.from('err\n'))]);
  assert.equal(wire.toString('hex'), '0100000000000004' + '6f75740a' + '0200000000000004' + '6572720a');
  const got: string[] = [];
  const d = new Demuxer();
  for (let i = 0; i < wire.length; i += 5) d.push(wire.subarray(i, i + 5), (s, p) => got.push(`${s}:${p}`));
  assert.deepEqual(got, ['1:out\n', '2:err\n']);
});

test('router: image names with / and :, exact routes first', () => {
  const h = async () => {};
  const r = new Router([
    { method: 'GET', pattern: '/images/json', handler: h },
    { method: 'GET', pattern: '/images/{name+}/json', handler: h },
    { method: 'POST', pattern: '/images/{name+}/tag', handler: h },
    { method: 'DELETE', pattern: '/images/{name+}', handler: h },
  ]);
  assert.equal(r.match('GET', '/images/json')?.route.pattern, '/images/json');
  assert.deepEqual(r.match('GET', '/images/localhost:5000/x/y:v1/json')?.params, { name: 'localhost:5000/x/y:v1' });
  assert.deepEqual(r.match('DELETE', '/images/sha256%3Aabc')?.params, { name: 'sha256:abc' });
  assert.equal(r.match('PUT', '/images/x'), undefined);
});

test('log timestamps become UTC with nine fraction digits', async () => {
  const { utcNano } = await import('./routes/containers.js');
  assert.equal(utcNano('2026-11-25T16:24:00.123456789+00:00'), '2026-11-25T16:24:00.123456789Z');
  assert.equal(utcNano('2026-11-25T17:24:00.5+01:00'), '2026-11-25T16:24:00.500000000Z');
  assert.equal(utcNano('2026-11-25T16:24:00Z'), '2026-11-25T16:24:00.000000000Z');
});
