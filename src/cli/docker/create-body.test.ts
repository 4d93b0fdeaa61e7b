import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../args.js';
import { buildCreateBody, createFlags, parsePublish } from './create-body.js';
import { parseBytes, table, humanSize } from './format.js';

test('publish specs as docker parses them', () => {
  assert.deepEqual(parsePublish('8080:80'), { key: '80/tcp', binding: { HostIp: '', HostPort: '8080' } });
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), { key: '80/udp', binding: { HostIp: '127.0.0.1', HostPort: '8080' } });
  assert.deepEqual(parsePublish('127.0.0.1::80'), { key: '80/tcp', binding: { HostIp: '127.0.0.1', HostPort: '' } });
  assert.throws(() => parsePublish('x:80'), /invalid hostPort/);
  assert.throws(() => parsePublish('80/foo'), /invalid proto/);
});

test('run flags become the create body the docker CLI would send', () => {
  const { flags, positionals } = parseArgs(['-d', '--name', 'web', '-e', 'A=1', '-p', '127.0.0.1:8080:80', '-v', '/tmp/x:/data:ro', '-v', 'myvol:/v', '-v', '/anon',
    '--network', 'mynet', '--network-alias', 'api', '--restart', 'on-failure:3', '-m', '64m', '--cpus', '0.5', '-w', '/w', '-u', '1:2', '--entrypoint', 'sh', '-h', 'h1', '-l', 'team=a',
    'busybox', '-c', 'echo hi'], createFlags, { stopAtFirstPositional: true });
  const [image, ...cmd] = positionals;
  const b = buildCreateBody(flags, image, cmd);
  assert.equal(b.Image, 'busybox');
  assert.deepEqual(b.Cmd, ['-c', 'echo hi']);
  assert.deepEqual(b.Entrypoint, ['sh']);
  assert.deepEqual(b.Env, ['A=1']);
  assert.deepEqual(b.ExposedPorts, { '80/tcp': {} });
  assert.deepEqual(b.Volumes, { '/anon': {} });
  assert.equal(b.AttachStdout, false);
  assert.equal(b.Hostname, 'h1');
  assert.equal(b.User, '1:2');
  assert.equal(b.WorkingDir, '/w');
  assert.deepEqual(b.Labels, { team: 'a' });
  const hc = b.HostConfig!;
  assert.deepEqual(hc.Binds, ['/tmp/x:/data:ro', 'myvol:/v']);
  assert.deepEqual(hc.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.equal(hc.NetworkMode, 'mynet');
  assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(hc.Memory, 64 * 1024 * 1024);
  assert.equal(hc.NanoCpus, 500_000_000);
  assert.deepEqual(b.NetworkingConfig?.EndpointsConfig?.mynet?.Aliases, ['api']);
});

test('bad sizes and policies are usage errors', () => {
  const parse = (argv: string[]) => { const p = parseArgs(argv, createFlags, { stopAtFirstPositional: true }); return buildCreateBody(p.flags, p.positionals[0], []); };
  assert.throws(() => parse(['-m', 'lots', 'busybox']), /invalid argument "lots" for "--memory"/);
  assert.throws(() => parse(['--restart', 'sometimes', 'busybox']), /invalid restart policy/);
  assert.throws(() => parse(['--cpus', '-1', 'busybox']), /--cpus/);
});

test('formatting helpers', () => {
  assert.equal(parseBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('512'), 512);
  assert.equal(humanSize(1_234_567), '1.23MB');
  assert.equal(humanSize(110_000_000), '110MB');
  assert.equal(humanSize(1_500_000), '1.5MB');
  assert.equal(table(['A', 'LONGER'], [['xyz', '1']]), 'A     LONGER\nxyz   1\n');
});

test('--health-* flags become Config.Healthcheck in nanoseconds, as the docker CLI sends them', () => {
  const body = (args: string[]) => {
    const { flags, positionals } = parseArgs([...args, 'busybox'], createFlags, { stopAtFirstPositional: true });
    return buildCreateBody(flags, positionals[0], []);
  };
  assert.deepEqual(body(['--health-cmd', 'test -f /up', '--health-interval', '1m30s', '--health-timeout', '500ms', '--health-retries', '2', '--health-start-period', '2s']).Healthcheck,
    { Test: ['CMD-SHELL', 'test -f /up'], Interval: 90e9, Timeout: 500e6, StartPeriod: 2e9, Retries: 2 });
  assert.deepEqual(body(['--no-healthcheck']).Healthcheck, { Test: ['NONE'] });
  assert.equal(body([]).Healthcheck, undefined);
  assert.throws(() => body(['--health-interval', '10']), /invalid duration "10"/);
  assert.throws(() => body(['--no-healthcheck', '--health-cmd', 'true']), /conflicts/);
});
