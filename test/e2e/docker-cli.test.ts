/**
 * The real docker CLI (28.x) against a real `bosun server`: every verb the issue lists, with
 * local images only (`--pull never` where the CLI might pull).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCmd, startServer, type TestServer } from './helpers/server.js';
import { freePort, getWhenUp } from './helpers/http.js';

let s: TestServer;
let tmp: string;

before(async () => {
  s = await startServer();
  tmp = mkdtempSync('/tmp/bosun-test-cli-');
});

after(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await s?.teardown();
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await s.docker(args, { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

describe('docker CLI', () => {
  test('version, info, images, ps', { timeout: 180_000 }, async () => {
    const v = await ok(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(v.trim(), '1.50');
    const info = await ok(['info', '--format', '{{.OSType}} {{.Images}}']);
    assert.match(info, /^linux [1-9]/);
    assert.match(await ok(['images']), /busybox\s+latest/);
    assert.match(await ok(['ps', '-a']), /CONTAINER ID/);
  });

  test('run attached: stdout and stderr apart, exit code, --rm removes', { timeout: 180_000 }, async () => {
    const r = await s.docker(['run', '--rm', '--pull', 'never', '--name', 'att', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=att'])).trim(), '');
  });

  test('run -i with piped stdin', { timeout: 180_000 }, async () => {
    const r = await s.docker(['run', '-i', '--rm', '--pull', 'never', 'busybox', 'sh', '-c', 'cat; echo done'], { input: 'line1\nline2\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'line1\nline2\ndone\n');
  });

  test('run -it through a pseudo-terminal', { timeout: 180_000 }, async () => {
    const t = await runCmd('script', ['-qec', 'docker run -it --rm --pull never busybox sh -c "tty; echo hi-from-tty"', '/dev/null'], { env: s.env });
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /\/dev\/pts\/\d+/);
    assert.match(t.stdout, /hi-from-tty\r\n/);
  });

  test('run with -e, -w, -u, --hostname, --entrypoint', { timeout: 180_000 }, async () => {
    const out = await ok(['run', '--rm', '--pull', 'never', '-e', 'A=1', '-e', 'B=two words', '-w', '/tmp', '-u', '1234:5678', '--hostname', 'myhost', 'busybox',
      'sh', '-c', 'echo "$A|$B|$(pwd)|$(id -u):$(id -g)|$(hostname)"']);
    assert.equal(out, '1|two words|/tmp|1234:5678|myhost\n');
    const ep = await ok(['run', '--rm', '--pull', 'never', '--entrypoint', 'echo', 'busybox', 'from', 'entrypoint']);
    assert.equal(ep, 'from entrypoint\n');
  });

  test('run -d -p publishes on 127.0.0.1, -v binds a host dir, logs, exec, stop, rm', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const www = join(tmp, 'www');
    rmSync(www, { recursive: true, force: true });
    mkdirSync(www);
    writeFileSync(join(www, 'index.html'), 'hello from bosun\n');
    const id = (await ok(['run', '-d', '--pull', 'never', '--name', 'web', '-p', `127.0.0.1:${port}:80`, '-v', `${www}:/www`, 'busybox',
      'sh', '-c', 'echo starting; exec httpd -f -v -p 80 -h /www'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const res = await getWhenUp(`http://127.0.0.1:${port}/`);
    assert.equal(res.body, 'hello from bosun\n');
    assert.match(await ok(['ps']), new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp.*web`));
    assert.match(await ok(['logs', 'web']), /starting/);
    assert.equal(await ok(['exec', 'web', 'cat', '/www/index.html']), 'hello from bosun\n');
    const ex = await s.docker(['exec', 'web', 'sh', '-c', 'exit 7']);
    assert.equal(ex.code, 7);
    assert.equal(await ok(['exec', '-i', 'web', 'sh', '-c', 'cat > /www/up.txt; cat /www/up.txt'], 'uploaded\n'), 'uploaded\n');
    assert.equal(readFileSync(join(www, 'up.txt'), 'utf8'), 'uploaded\n');
    const insp = JSON.parse(await ok(['inspect', 'web']))[0];
    assert.equal(insp.Id, id);
    assert.equal(insp.State.Running, true);
    assert.equal(insp.Name, '/web');
    assert.equal((await ok(['stop', '-t', '1', 'web'])).trim(), 'web');
    assert.equal((await ok(['inspect', '-f', '{{.State.Running}}', 'web'])).trim(), 'false');
    assert.equal((await ok(['rm', 'web'])).trim(), 'web');
    assert.equal((await s.docker(['inspect', 'web'])).code, 1);
  });

  test('named volumes: create, ls, inspect, used by a container, rm refused in use, prune', { timeout: 180_000 }, async () => {
    assert.equal((await ok(['volume', 'create', '--label', 'team=a', 'vol1'])).trim(), 'vol1');
    assert.match(await ok(['volume', 'ls']), /local\s+vol1/);
    const vi = JSON.parse(await ok(['volume', 'inspect', 'vol1']))[0];
    assert.equal(vi.Labels.team, 'a');
    await ok(['run', '--rm', '--pull', 'never', '-v', 'vol1:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f']);
    assert.equal(await ok(['run', '--rm', '--pull', 'never', '-v', 'vol1:/data', 'busybox', 'cat', '/data/f']), 'persisted\n');
    await ok(['create', '--name', 'voluser', '--pull', 'never', '-v', 'vol1:/data', 'busybox', 'true']);
    const busy = await s.docker(['volume', 'rm', 'vol1']);
    assert.notEqual(busy.code, 0);
    assert.match(busy.stderr, /in use/);
    await ok(['rm', 'voluser']);
    assert.equal((await ok(['volume', 'rm', 'vol1'])).trim(), 'vol1');
    await ok(['volume', 'create', 'vol2']);
    await ok(['volume', 'prune', '-a', '-f']);
    assert.doesNotMatch(await ok(['volume', 'ls', '-q']), /vol2/);
  });

  test('user-defined network: name and alias resolution, inspect, connect, disconnect, rm, prune', { timeout: 180_000 }, async () => {
    await ok(['network', 'create', 'appnet']);
    assert.match(await ok(['network', 'ls']), /appnet\s+bridge\s+local/);
    await ok(['run', '-d', '--pull', 'never', '--name', 'srv', '--network', 'appnet', '--network-alias', 'api', 'busybox', 'sh', '-c', 'echo pong > /tmp/i; exec httpd -f -p 8080 -h /tmp']);
    const byName = await ok(['run', '--rm', '--pull', 'never', '--network', 'appnet', 'busybox', 'sh', '-c', 'for i in $(seq 50); do timeout 2 wget -q -O - http://srv:8080/i && exit 0; sleep 0.1; done; exit 1']);
    assert.equal(byName, 'pong\n');
    const byAlias = await ok(['run', '--rm', '--pull', 'never', '--network', 'appnet', 'busybox', 'sh', '-c', 'timeout 2 wget -q -O - http://api:8080/i']);
    assert.equal(byAlias, 'pong\n');
    const ni = JSON.parse(await ok(['network', 'inspect', 'appnet']))[0];
    assert.equal(Object.values(ni.Containers as Record<string, { Name: string }>).some((c) => c.Name === 'srv'), true);
    await ok(['create', '--name', 'late', '--pull', 'never', 'busybox', 'sleep', '30']);
    await ok(['network', 'connect', 'appnet', 'late']);
    assert.match(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'late']), /appnet/);
    await ok(['network', 'disconnect', 'appnet', 'late']);
    assert.doesNotMatch(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'late']), /appnet/);
    const busy = await s.docker(['network', 'rm', 'appnet']);
    assert.notEqual(busy.code, 0);
    await ok(['rm', '-f', 'srv', 'late']);
    assert.equal((await ok(['network', 'rm', 'appnet'])).trim(), 'appnet');
    await ok(['network', 'create', 'unused']);
    await ok(['network', 'prune', '-f']);
    assert.doesNotMatch(await ok(['network', 'ls']), /unused/);
  });

  test('--network none and host', { timeout: 180_000 }, async () => {
    const none = await ok(['run', '--rm', '--pull', 'never', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net | sort | tr "\\n" " "']);
    assert.equal(none.trim(), 'lo');
    await ok(['run', '--rm', '--pull', 'never', '--network', 'host', 'busybox', 'true']);
  });

  test('limits: -m, --cpus, --restart are recorded and applied', { timeout: 180_000 }, async () => {
    await ok(['run', '-d', '--pull', 'never', '--name', 'lim', '-m', '64m', '--cpus', '0.5', '--restart', 'on-failure:2', 'busybox', 'sleep', '60']);
    const hc = JSON.parse(await ok(['inspect', '-f', '{{json .HostConfig}}', 'lim']));
    assert.equal(hc.Memory, 64 * 1024 * 1024);
    assert.equal(hc.NanoCpus, 500_000_000);
    assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
    const st = JSON.parse(await ok(['stats', '--no-stream', '--format', '{{json .}}', 'lim']));
    assert.match(st.MemUsage, /64MiB/);
    await ok(['rm', '-f', 'lim']);
  });

  test('restart policy always brings a dying container back', { timeout: 180_000 }, async () => {
    await ok(['run', '-d', '--pull', 'never', '--name', 'rs', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.3; exit 1']);
    let count = 0;
    for (let i = 0; i < 100 && count < 2; i++) {
      count = Number((await ok(['inspect', '-f', '{{.RestartCount}}', 'rs'])).trim());
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(count >= 2, `RestartCount ${count}`);
    await ok(['rm', '-f', 'rs']);
  });

  test('create, start, restart, kill, pause, unpause, rename, top, wait', { timeout: 180_000 }, async () => {
    await ok(['create', '--name', 'lc', '--pull', 'never', 'busybox', 'sleep', '300']);
    assert.match(await ok(['ps', '-a', '--filter', 'name=lc']), /Created/);
    await ok(['start', 'lc']);
    await ok(['start', 'lc']);
    await ok(['pause', 'lc']);
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'lc'])).trim(), 'paused');
    await ok(['unpause', 'lc']);
    await ok(['restart', '-t', '1', 'lc']);
    assert.equal((await ok(['inspect', '-f', '{{.State.Running}}', 'lc'])).trim(), 'true');
    assert.match(await ok(['top', 'lc']), /sleep 300/);
    await ok(['rename', 'lc', 'lc2']);
    await ok(['kill', 'lc2']);
    assert.equal((await ok(['wait', 'lc2'])).trim(), '137');
    const k = await s.docker(['kill', 'lc2']);
    assert.notEqual(k.code, 0);
    await ok(['rm', 'lc2']);
  });

  test('logs: tail, timestamps, stdout/stderr apart, follow ends at exit', { timeout: 180_000 }, async () => {
    await ok(['run', '-d', '--pull', 'never', '--name', 'lg', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; sleep 1; echo last']);
    const f = await s.docker(['logs', '-f', 'lg']);
    assert.equal(f.code, 0);
    assert.equal(f.stdout, 'line1\nline2\nline3\nline4\nline5\nlast\n');
    assert.equal(f.stderr, 'oops\n');
    // tail counts lines of both streams together: line5, oops, last.
    const tail = await s.docker(['logs', '--tail', '3', 'lg']);
    assert.equal(tail.stdout, 'line5\nlast\n');
    assert.equal(tail.stderr, 'oops\n');
    assert.match(await ok(['logs', '-t', 'lg']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line1$/m);
    await ok(['rm', 'lg']);
  });

  test('events stream what happens', { timeout: 180_000 }, async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await ok(['run', '--rm', '--pull', 'never', '--name', 'evt', 'busybox', 'true']);
    const until = Math.floor(Date.now() / 1000) + 1;
    const ev = await ok(['events', '--since', String(since), '--until', String(until), '--filter', 'container=evt', '--format', '{{.Action}}']);
    const actions = ev.trim().split('\n');
    for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  });

  test('tag, rmi, save, load, import, history, system df', { timeout: 180_000 }, async () => {
    await ok(['tag', 'busybox', 'mybox:v1']);
    assert.match(await ok(['images', 'mybox']), /mybox\s+v1/);
    const tar = join(tmp, 'mybox.tar');
    await ok(['save', '-o', tar, 'mybox:v1']);
    assert.ok(existsSync(tar));
    assert.match(await ok(['rmi', 'mybox:v1']), /Untagged: mybox:v1/);
    assert.match(await ok(['load', '-i', tar]), /Loaded image: mybox:v1/);
    assert.equal(await ok(['run', '--rm', '--pull', 'never', 'mybox:v1', 'echo', 'loaded']), 'loaded\n');
    await ok(['rmi', 'mybox:v1']);

    const rootfs = join(tmp, 'rootfs.tar');
    const dir = join(tmp, 'rootfs');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(dir, 'bin', 'busybox'));
    symlinkSync('busybox', join(dir, 'bin', 'sh'));
    symlinkSync('busybox', join(dir, 'bin', 'echo'));
    assert.equal((await runCmd('tar', ['-C', dir, '-cf', rootfs, '.'])).code, 0);
    const imp = await ok(['import', '-c', 'ENV PATH=/bin', '-c', 'CMD ["sh"]', rootfs, 'imported:1']);
    assert.match(imp, /sha256:[0-9a-f]{64}/);
    assert.equal(await ok(['run', '--rm', '--pull', 'never', 'imported:1', 'echo', 'imported']), 'imported\n');
    assert.match(await ok(['history', 'imported:1']), /IMAGE/);
    await ok(['rmi', 'imported:1']);

    const df = await ok(['system', 'df']);
    assert.match(df, /Images\s+\d+/);
    assert.match(df, /Local Volumes/);
  });

  test('inspect walks object types; unknown is exit 1', { timeout: 180_000 }, async () => {
    assert.equal(JSON.parse(await ok(['inspect', 'busybox']))[0].RepoTags.includes('busybox:latest'), true);
    assert.equal(JSON.parse(await ok(['inspect', 'bridge']))[0].Name, 'bridge');
    const r = await s.docker(['inspect', 'no-such-thing-anywhere']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No such object/);
    assert.equal((await s.docker(['rm', '-f', 'no-such-container'])).code, 0);
  });

  test('cp in and out, container prune', { timeout: 180_000 }, async () => {
    await ok(['run', '-d', '--pull', 'never', '--name', 'cpy', 'busybox', 'sleep', '300']);
    const src = join(tmp, 'in.txt');
    writeFileSync(src, 'copied in\n');
    await ok(['cp', src, 'cpy:/tmp/in.txt']);
    assert.equal(await ok(['exec', 'cpy', 'cat', '/tmp/in.txt']), 'copied in\n');
    await ok(['exec', 'cpy', 'sh', '-c', 'echo copied out > /tmp/out.txt']);
    const dst = join(tmp, 'out.txt');
    await ok(['cp', 'cpy:/tmp/out.txt', dst]);
    assert.equal(readFileSync(dst, 'utf8'), 'copied out\n');
    await ok(['rm', '-f', 'cpy']);
    await ok(['run', '--pull', 'never', '--name', 'stopped1', 'busybox', 'true']);
    assert.match(await ok(['container', 'prune', '-f']), /stopped1|[0-9a-f]{64}/);
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=stopped1'])).trim(), '');
  });
});
