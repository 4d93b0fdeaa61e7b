import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerExpectations, UIDTrackingExpectations } from './expectations.js';

test('expectations are satisfied once every expected create is observed', () => {
  const e = new ControllerExpectations();
  assert.ok(e.satisfied('ns/rs'), 'no record: the cache may be trusted');
  e.expectCreations('ns/rs', 2);
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));
});

test('expectations expire so a lost event cannot wedge a controller', () => {
  let now = 0;
  const e = new ControllerExpectations(1000, () => now);
  e.expectCreations('k', 1);
  now = 999;
  assert.ok(!e.satisfied('k'));
  now = 1001;
  assert.ok(e.satisfied('k'));
});

test('a deletion observed twice for the same pod counts once', () => {
  const e = new UIDTrackingExpectations();
  e.expectDeletionsOf('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObservedOf('ns/rs', 'ns/a');
  e.deletionObservedOf('ns/rs', 'ns/a');
  assert.ok(!e.satisfied('ns/rs'));
  assert.deepEqual(e.get('ns/rs'), { add: 0, del: 1 });
  e.deletionObservedOf('ns/rs', 'ns/b');
  assert.ok(e.satisfied('ns/rs'));
});
