import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from './args.js';

const specs = [
  { name: 'detach', short: 'd', type: 'boolean' as const },
  { name: 'interactive', short: 'i', type: 'boolean' as const },
  { name: 'tty', short: 't', type: 'boolean' as const },
  { name: 'publish', short: 'p', type: 'list' as const },
  { name: 'name', type: 'string' as const },
  { name: 'memory', short: 'm', type: 'string' as const },
  { name: 'cpus', type: 'number' as const },
];

test('clustered short flags, values in every form, and positionals after the first stop', () => {
  const r = parseArgs(['-it', '-p', '80:80', '-p8080:80', '--name=web', '-m', '64m', '--cpus', '0.5', 'busybox', 'sh', '-c', 'echo hi'], specs, { stopAtFirstPositional: true });
  assert.deepEqual(r.flags, { interactive: true, tty: true, publish: ['80:80', '8080:80'], name: 'web', memory: '64m', cpus: 0.5 });
  assert.deepEqual(r.positionals, ['busybox', 'sh', '-c', 'echo hi']);
});

test('double dash ends flags', () => {
  assert.deepEqual(parseArgs(['--', '-d'], specs).positionals, ['-d']);
});

test('unknown flags and missing values are usage errors', () => {
  assert.throws(() => parseArgs(['--nope'], specs), UsageError);
  assert.throws(() => parseArgs(['--name'], specs), UsageError);
  assert.throws(() => parseArgs(['--cpus', 'lots'], specs), UsageError);
  assert.throws(() => parseArgs(['-x'], specs), UsageError);
});
