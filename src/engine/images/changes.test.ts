import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './changes.js';
import { BosunError } from '../../errors/index.js';

test('exec and shell forms, ENV/LABEL forms, WORKDIR relative to the previous one', () => {
  const c = applyChanges({ Env: ['PATH=/bin', 'A=1'] }, [
    'CMD echo "hello world"',
    'ENTRYPOINT []',
    'env PATH=/usr/bin:/bin B="two words" C=3',
    'ENV LEGACY value with spaces',
    'LABEL "com.example.x"="y z"',
    'WORKDIR /srv',
    'WORKDIR app',
    'EXPOSE 8000-8002/udp',
    'VOLUME ["/a", "/b"]',
    'STOPSIGNAL SIGINT',
    'SHELL ["/bin/bash", "-c"]',
    'HEALTHCHECK CMD ["true"]',
  ]);
  assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo "hello world"']);
  assert.deepEqual(c.Entrypoint, []);
  assert.deepEqual(c.Env, ['A=1', 'PATH=/usr/bin:/bin', 'B=two words', 'C=3', 'LEGACY=value with spaces']);
  assert.deepEqual(c.Labels, { 'com.example.x': 'y z' });
  assert.equal(c.WorkingDir, '/srv/app');
  assert.deepEqual(Object.keys(c.ExposedPorts ?? {}), ['8000/udp', '8001/udp', '8002/udp']);
  assert.deepEqual(c.Volumes, { '/a': {}, '/b': {} });
  assert.equal(c.StopSignal, 'SIGINT');
  assert.deepEqual(c.Shell, ['/bin/bash', '-c']);
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'] });
  assert.deepEqual(applyChanges(c, ['CMD ls']).Cmd, ['/bin/bash', '-c', 'ls']);
});

test('instructions import cannot apply, and malformed ones, are BadRequest', () => {
  for (const bad of ['RUN true', 'FROM x', 'COPY a b', 'EXPOSE http', 'EXPOSE 70000', 'ENV =x', 'USER', 'ENV A="unterminated', 'SHELL sh']) {
    assert.throws(() => applyChanges({}, [bad]), (e: unknown) => e instanceof BosunError && e.kind === 'BadRequest', bad);
  }
});
