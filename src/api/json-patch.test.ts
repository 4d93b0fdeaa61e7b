import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { isKind } from '../errors/index.js';

const doc = () => ({ metadata: { name: 'x', labels: { a: '1' } }, spec: { list: [1, 2, 3] } });

test('add, remove, replace on maps and arrays', () => {
  const out = jsonPatch(doc(), [
    { op: 'add', path: '/metadata/labels/b', value: '2' },
    { op: 'remove', path: '/metadata/labels/a' },
    { op: 'replace', path: '/spec/list/0', value: 9 },
    { op: 'add', path: '/spec/list/-', value: 4 },
    { op: 'add', path: '/spec/list/1', value: 7 },
  ]);
  assert.deepEqual(out, { metadata: { name: 'x', labels: { b: '2' } }, spec: { list: [9, 7, 2, 3, 4] } });
});

test('move, copy and escaped pointers', () => {
  const out = jsonPatch({ a: { 'x/y': 1, 'm~n': 2 }, b: {} }, [
    { op: 'move', from: '/a/x~1y', path: '/b/moved' },
    { op: 'copy', from: '/a/m~0n', path: '/b/copied' },
  ]);
  assert.deepEqual(out, { a: { 'm~n': 2 }, b: { moved: 1, copied: 2 } });
});

test('test op passes on equal values and fails (Invalid) otherwise; the input is untouched', () => {
  const d = doc();
  assert.deepEqual(jsonPatch(d, [{ op: 'test', path: '/metadata/name', value: 'x' }]), d);
  assert.throws(() => jsonPatch(d, [{ op: 'remove', path: '/metadata/name' }, { op: 'test', path: '/metadata/name', value: 'y' }]), (e) => isKind(e, 'Invalid'));
  assert.equal(d.metadata.name, 'x');
});

test('missing paths are Invalid, malformed operations are BadRequest', () => {
  assert.throws(() => jsonPatch(doc(), [{ op: 'replace', path: '/nope', value: 1 }]), (e) => isKind(e, 'Invalid'));
  assert.throws(() => jsonPatch(doc(), [{ op: 'remove', path: '/spec/list/7' }]), (e) => isKind(e, 'Invalid'));
  assert.throws(() => jsonPatch(doc(), [{ op: 'frobnicate', path: '/a' }]), (e) => isKind(e, 'BadRequest'));
  assert.throws(() => jsonPatch(doc(), { op: 'add' }), (e) => isKind(e, 'BadRequest'));
  assert.throws(() => jsonPatch(doc(), [{ op: 'add', path: '/a' }]), (e) => isKind(e, 'BadRequest'));
});

test('merge patch (RFC 7386): objects merge, null deletes, arrays replace', () => {
  const out = mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] });
  assert.deepEqual(out, { a: { c: 2, d: 3 }, l: [3] });
  assert.deepEqual(mergePatch({ a: 1 }, 'x'), 'x');
  assert.deepEqual(mergePatch('x', { a: { b: null } }), { a: {} });
});
