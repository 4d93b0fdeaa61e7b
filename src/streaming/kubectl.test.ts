/**
 * The real kubectl 1.27 (SPDY for exec and port-forward) and 1.33 (WebSocket v5 for exec, SPDY
 * tunnelled in a WebSocket for port-forward) against handleUpgrade, with host processes standing in
 * for a pod's containers. Only 127.0.0.1 is ever contacted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { HostProcessTarget } from './testing/host-process-target.js';
import type { TerminalSize } from './types.js';
import { collect, kubectlBinary, kubectlEnv, runKubectl, startHarness, type Harness } from './testing/kubectl-harness.js';

/** Sends `payload` through a forwarded local port, half-closes, and returns everything echoed back. */
function echoThrough(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.end(payload));
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(got)));
  });
}

/** The local port kubectl port-forward announces on stdout. */
function forwardedPort(child: ChildProcessWithoutNullStreams): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', () => reject(new Error(`kubectl port-forward exited: ${text}`)));
  });
}

for (const version of ['1.27', '1.33']) {
  const transport = version === '1.27' ? 'SPDY/3.1' : 'websocket';
  describe(`kubectl ${version}`, () => {
    let dir: string;
    let podDir: string;
    let localDir: string;
    let target: HostProcessTarget;
    let h: Harness;
    let echo: Server;
    before(async () => {
      dir = mkdtempSync('/tmp/bosun-test-streaming-');
      podDir = join(dir, 'pod');
      localDir = join(dir, 'local');
      mkdirSync(podDir);
      mkdirSync(localDir);
      target = new HostProcessTarget(podDir);
      h = await startHarness(dir, target);
      echo = createServer((s) => s.pipe(s));
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      await h.close();
      await new Promise((r) => echo.close(r));
      rmSync(dir, { recursive: true, force: true });
    });

    test('exec prints the command output and exits 0', async () => {
      const r = await runKubectl(h, version, ['exec', 'web', '--', 'echo', 'hi']);
      assert.equal(r.stdout, 'hi\n', r.stderr);
      assert.equal(r.code, 0);
      assert.equal(h.upgrades.at(-1), transport);
      assert.deepEqual(target.execs.at(-1)?.command, ['echo', 'hi']);
    });

    test('a non-zero exit code becomes kubectl\'s exit code, stderr stays stderr', async () => {
      const r = await runKubectl(h, version, ['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, 'out\n');
      assert.match(r.stderr, /^err\n/);
    });

    test('exec -i carries stdin through, including its end (1 MiB through cat)', async () => {
      const input = randomBytes(768 * 1024).toString('base64');
      const r = await runKubectl(h, version, ['exec', '-i', 'web', '--', 'cat'], { input });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.length, input.length);
      assert.ok(r.stdout === input, 'stdout differs from stdin');
      assert.equal(target.execs.at(-1)?.stdin, true);
    });

    test('exec -it under a terminal: sizes arrive as resizes (initial and SIGWINCH), keys reach the command', async () => {
      const ttyFile = join(dir, `tty-${version}`);
      const command = `tty > ${ttyFile}; stty cols 100 rows 30; exec ${kubectlBinary(version)} exec -it web -- sh -c 'read line; echo got:$line'`;
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: kubectlEnv(h), cwd: localDir, stdio: ['pipe', 'pipe', 'pipe'] });
      const result = new Promise<{ out: string; code: number | null }>((resolve) => {
        const out: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.on('close', (code) => resolve({ out: Buffer.concat(out).toString(), code }));
      });
      const sizes: TerminalSize[] = [];
      const sizeSeen = (want: TerminalSize) => new Promise<void>((resolve) => {
        const check = () => {
          if (sizes.some((s) => s.width === want.width && s.height === want.height)) {
            target.off('resize', onResize);
            resolve();
          }
        };
        const onResize = (s: TerminalSize) => {
          sizes.push(s);
          check();
        };
        target.on('resize', onResize);
        check();
      });
      const initial = sizeSeen({ width: 100, height: 30 });
      await new Promise((r) => target.once('exec', r));
      await initial;
      // Resizing kubectl's terminal makes the kernel send it SIGWINCH; the new size must follow.
      const resized = sizeSeen({ width: 120, height: 40 });
      execFileSync('stty', ['-F', readFileSync(ttyFile, 'utf8').trim(), 'cols', '120', 'rows', '40']);
      await resized;
      // Type only now: kubectl has long put the terminal in raw mode.
      child.stdin.write('hello\n');
      const { out, code } = await result;
      assert.equal(code, 0, out);
      assert.match(out, /got:hello/);
      assert.equal(target.execs.at(-1)?.tty, true);
    });

    test('cp copies a file into the pod and back out (tar over exec)', async () => {
      const content = randomBytes(300 * 1024);
      writeFileSync(join(localDir, 'src.bin'), content);
      const up = await runKubectl(h, version, ['cp', 'src.bin', 'web:dst.bin'], { cwd: localDir });
      assert.equal(up.code, 0, up.stderr);
      assert.ok(readFileSync(join(podDir, 'dst.bin')).equals(content), 'file in the pod differs');
      const down = await runKubectl(h, version, ['cp', 'web:dst.bin', 'back.bin'], { cwd: localDir });
      assert.equal(down.code, 0, down.stderr);
      assert.ok(readFileSync(join(localDir, 'back.bin')).equals(content), 'file copied back differs');
    });

    test('port-forward carries bytes both ways, over one connection after another and several at once', async () => {
      const echoPort = (echo.address() as AddressInfo).port;
      const child = spawn(kubectlBinary(version), ['port-forward', '--address', '127.0.0.1', 'web', `:${echoPort}`], { env: kubectlEnv(h), stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = collect(child);
      try {
        const local = await forwardedPort(child);
        const small = Buffer.from('ping\n');
        assert.deepEqual(await echoThrough(local, small), small);
        const big = randomBytes(512 * 1024);
        assert.ok((await echoThrough(local, big)).equals(big), 'echoed bytes differ');
        // Concurrent connections share the session: their stream pairs and DATA frames interleave.
        const payloads = [randomBytes(300 * 1024), randomBytes(200 * 1024), Buffer.from('small')];
        const echoed = await Promise.all(payloads.map((p) => echoThrough(local, p)));
        echoed.forEach((e, i) => assert.ok(e.equals(payloads[i]!), `connection ${i} got other bytes back`));
        assert.equal(h.upgrades.at(-1), transport);
      } finally {
        child.kill('SIGINT');
        await exited;
      }
    });

    test('port-forward to a port nobody listens on reports the error through kubectl', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const deadPort = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const child = spawn(kubectlBinary(version), ['port-forward', '--address', '127.0.0.1', 'web', `:${deadPort}`], { env: kubectlEnv(h), stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = collect(child);
      try {
        const local = await forwardedPort(child);
        assert.equal((await echoThrough(local, Buffer.from('anyone?'))).length, 0);
      } finally {
        child.kill('SIGINT');
      }
      const r = await exited;
      assert.match(r.stderr, new RegExp(`error forwarding port ${deadPort} to pod: .*ECONNREFUSED`));
    });

    test('a client that vanishes mid-exec aborts the command', async () => {
      const child = spawn(kubectlBinary(version), ['exec', '-i', 'web', '--', 'sleep', '600'], { env: kubectlEnv(h), stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = collect(child);
      await new Promise((r) => target.once('exec', r));
      const commandExit = new Promise<{ signal: string | null }>((r) => target.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      assert.equal((await commandExit).signal, 'SIGKILL');
    });

    test('attach -i streams stdin to the attached process and its output back', async () => {
      const r = await runKubectl(h, version, ['attach', '-i', 'web'], { input: 'attached line\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /attached line\n$/);
      assert.equal(h.upgrades.at(-1), transport);
    });

    test('a target failure ends the session with its message on the error channel', async () => {
      const r = await runKubectl(h, version, ['exec', 'web', '--', 'no-such-command-here']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot run no-such-command-here: spawn no-such-command-here ENOENT/);
    });
  });
}

test('kubectl 1.33 falls back to SPDY when told not to use WebSockets, and still gets exit codes', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-streaming-');
  const h = await startHarness(dir, new HostProcessTarget(dir));
  try {
    const child = spawn(kubectlBinary('1.33'), ['exec', 'web', '--', 'sh', '-c', 'echo fallback; exit 4'], {
      env: { ...kubectlEnv(h), KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const r = await collect(child);
    assert.equal(r.stdout, 'fallback\n', r.stderr);
    assert.equal(r.code, 4);
    assert.deepEqual(h.upgrades, ['SPDY/3.1']);
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
