import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkFieldSelector, formatLabelSelector, formatLabels, labelSelectorMatcher, matchesFields, matchesLabels,
  parseFieldSelector, parseLabelSelector, selectableFields,
} from './selectors.js';
import { isKind } from '../errors/index.js';

const L = { app: 'web', tier: 'front', env: 'prod' };

test('label selector operators: =, ==, !=, in, notin, exists, !', () => {
  const m = (s: string, labels: Record<string, string> = L) => matchesLabels(parseLabelSelector(s), labels);
  assert.equal(m(''), true);
  assert.equal(m('app=web'), true);
  assert.equal(m('app==web'), true);
  assert.equal(m('app=api'), false);
  assert.equal(m('app!=api'), true);
  assert.equal(m('missing!=x'), true);
  assert.equal(m('tier in (front, back)'), true);
  assert.equal(m('tier in (back)'), false);
  assert.equal(m('tier notin (back)'), true);
  assert.equal(m('missing notin (back)'), true);
  assert.equal(m('env'), true);
  assert.equal(m('!env'), false);
  assert.equal(m('!canary'), true);
  assert.equal(m('app=web,tier in (front),!canary, env'), true);
  assert.equal(m('app=web,tier=back'), false);
  assert.equal(m('example.com/role=x', { 'example.com/role': 'x' }), true);
});

test('malformed label selectors are BadRequest', () => {
  for (const s of ['app in front', 'app in (a', 'app=web,,', 'bad key=1', 'app=in valid', 'tier (a)']) {
    assert.throws(() => parseLabelSelector(s), (e) => isKind(e, 'BadRequest'), s);
  }
});

test('metav1.LabelSelector matcher: matchLabels and matchExpressions ANDed; null selects nothing', () => {
  const m = labelSelectorMatcher({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'canary', operator: 'DoesNotExist' }] });
  assert.equal(m(L), true);
  assert.equal(m({ ...L, canary: 'yes' }), false);
  assert.equal(m({ app: 'web' }), false);
  assert.equal(labelSelectorMatcher(null)(L), false);
  assert.equal(labelSelectorMatcher({})(L), true);
  assert.throws(() => labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'Near' }] }), (e) => isKind(e, 'BadRequest'));
});

test('selector strings as the server prints them: sorted by key', () => {
  assert.equal(formatLabelSelector({ matchLabels: { z: '1', app: 'web' }, matchExpressions: [{ key: 'm', operator: 'NotIn', values: ['b', 'a'] }, { key: 'x', operator: 'Exists' }] }),
    'app=web,m notin (a,b),x,z=1');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
});

test('field selectors: =, ==, != and escapes', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  const f = selectableFields('Pod', pod);
  assert.equal(matchesFields(parseFieldSelector('metadata.name=p,status.phase!=Pending'), f), true);
  assert.equal(matchesFields(parseFieldSelector('spec.nodeName==n2'), f), false);
  assert.equal(matchesFields(parseFieldSelector('spec.nodeName='), f), false);
  assert.deepEqual(parseFieldSelector('a=x\\,y'), [{ field: 'a', operator: '=', value: 'x,y' }]);
  assert.throws(() => parseFieldSelector('justaword'), (e) => isKind(e, 'BadRequest'));
});

test('event field selectors read involvedObject for core/v1 and regarding for events.k8s.io/v1', () => {
  const core = { apiVersion: 'v1', metadata: { name: 'e', namespace: 'd' }, involvedObject: { name: 'x', uid: 'u1', kind: 'Pod' } };
  const v1 = { apiVersion: 'events.k8s.io/v1', metadata: { name: 'e', namespace: 'd' }, regarding: { name: 'x', uid: 'u1', kind: 'Pod' } };
  const sel = parseFieldSelector('involvedObject.name=x,involvedObject.namespace=,involvedObject.uid=u1');
  assert.equal(matchesFields(sel, selectableFields('Event', core)), true);
  assert.equal(matchesFields(sel, selectableFields('Event', v1)), true);
});

test('unsupported field selector labels are BadRequest', () => {
  assert.throws(() => checkFieldSelector('ConfigMap', parseFieldSelector('data.x=1')), (e) => isKind(e, 'BadRequest'));
  checkFieldSelector('Pod', parseFieldSelector('spec.nodeName=a,metadata.namespace=b'));
});
