import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStreamingPath, upgradeRequired } from './route.js';

test('streaming subresource paths are recognised, others are not', () => {
  assert.deepEqual(parseStreamingPath('/api/v1/namespaces/default/pods/web-1/exec'), { namespace: 'default', pod: 'web-1', kind: 'exec' });
  assert.deepEqual(parseStreamingPath('/api/v1/namespaces/kube-system/pods/p/portforward'), { namespace: 'kube-system', pod: 'p', kind: 'portforward' });
  assert.deepEqual(parseStreamingPath('/api/v1/namespaces/a/pods/b/attach'), { namespace: 'a', pod: 'b', kind: 'attach' });
  assert.equal(parseStreamingPath('/api/v1/namespaces/a/pods/b/log'), undefined);
  assert.equal(parseStreamingPath('/api/v1/namespaces/a/pods/b'), undefined);
  assert.equal(parseStreamingPath('/api/v1/namespaces/a/pods/b/exec/extra'), undefined);
});

test('a streaming request without an upgrade is a BadRequest', () => {
  assert.equal(upgradeRequired('exec').kind, 'BadRequest');
});
