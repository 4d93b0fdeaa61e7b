/**
 * RuncRuntime on the real runc and conmon, with a root filesystem made from the host's static
 * busybox (no image store involved).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { buildSpec, processSpec, DEFAULT_CAPS } from './oci-spec.js';
import { readLog } from './cri-log.js';
import { RuncRuntime } from './runc-runtime.js';

const dir = mkdtempSync('/tmp/bosun-test-');
const rootfs = join(dir, 'rootfs');
mkdirSync(join(rootfs, 'bin'), { recursive: true });
copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
for (const app of ['sh', 'cat', 'echo', 'sleep', 'true']) symlinkSync('busybox', join(rootfs, 'bin', app));
const cgroupParent = `bosun-rt-${process.pid}`;
const rt = new RuncRuntime(join(dir, 'runc'), join(dir, 'conmon'));
const exits = new Map<string, (code: number) => void>();
rt.onExit((id, code) => exits.get(id)?.(code));

after(() => {
  rt.close();
  for (const id of readdirSync(join(dir, 'runc'))) execFileSync('runc', ['--root', join(dir, 'runc'), 'delete', '--force', id]);
  for (const c of readdirSync('/sys/fs/cgroup')) {
    try { execFileSync('rmdir', [join('/sys/fs/cgroup', c, cgroupParent)], { stdio: 'ignore' }); } catch { /* not there */ }
  }
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function bundle(args: string[], opts: { terminal?: boolean } = {}): { id: string; bundle: string; log: string } {
  const id = `rt${process.pid}x${n++}`;
  const b = join(dir, id);
  mkdirSync(b);
  const spec = buildSpec({
    args, env: ['PATH=/bin'], cwd: '/', uid: 0, gid: 0, additionalGids: [], terminal: Boolean(opts.terminal), hostname: id, rootfs,
    readonlyRootfs: true, cgroupsPath: `/${cgroupParent}/${id}`, caps: DEFAULT_CAPS, privileged: false, noNewPrivileges: true,
    shmSize: 65536, sysctls: {}, ulimits: [], mounts: [],
  });
  writeFileSync(join(b, 'config.json'), JSON.stringify(spec));
  return { id, bundle: b, log: join(b, 'log') };
}

async function output(log: string): Promise<string> {
  let s = '';
  for await (const r of readLog(log, { follow: false })) s += `${r.stream}:${r.data}`;
  return s;
}

test('create, start, exit code through the exit watch; delete leaves nothing', async () => {
  const b = bundle(['sh', '-c', 'echo out; echo err >&2; exit 7']);
  const exited = new Promise<number>((r) => exits.set(b.id, r));
  const { pid } = await rt.create({ id: b.id, bundle: b.bundle, logPath: b.log, stdin: false, stdinOnce: false, terminal: false });
  assert.ok(pid > 0);
  assert.equal((await rt.state(b.id))?.status, 'created');
  assert.ok(rt.monitorPid(b.id));
  await rt.start(b.id);
  assert.equal(await exited, 7);
  assert.equal(rt.exitCode(b.id), 7);
  assert.match(await output(b.log), /stdout:out\n/);
  assert.match(await output(b.log), /stderr:err\n/);
  await rt.delete(b.id);
  assert.equal(existsSync(join(dir, 'runc', b.id)), false);
  assert.equal(existsSync(join('/sys/fs/cgroup/memory', cgroupParent, b.id)), false);
  assert.equal(rt.monitorPid(b.id), undefined);
});

test('a missing command fails create with runc\'s message and leaves nothing', async () => {
  const b = bundle(['no-such-cmd']);
  await assert.rejects(rt.create({ id: b.id, bundle: b.bundle, logPath: b.log, stdin: false, stdinOnce: false, terminal: false }), (e: Error) => /exec: "no-such-cmd": executable file not found in \$PATH/.test(e.message));
  assert.equal(existsSync(join(dir, 'runc', b.id)), false);
  assert.equal(existsSync(join('/sys/fs/cgroup/memory', cgroupParent, b.id)), false);
});

test('stdin through the attach socket reaches the process, and its end closes stdin (every time)', async () => {
  // conmon can miss the client's EOF when the client closes with unread echo in its queue;
  // ten rounds make that race show up if the bridge ever regresses to a one-way copy.
  for (let i = 0; i < 10; i++) {
    const b = bundle(['sh', '-c', 'cat; echo eof-seen']);
    const exited = new Promise<number>((r) => exits.set(b.id, r));
    await rt.create({ id: b.id, bundle: b.bundle, logPath: b.log, stdin: true, stdinOnce: true, terminal: false });
    await rt.start(b.id);
    const stdin = new PassThrough();
    const attached = rt.attachStdin(b.id, stdin);
    stdin.end(`round ${i}\n`);
    await attached;
    const code = await Promise.race([exited, new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 10_000))]);
    if (code === 'stuck') await rt.kill(b.id, 'KILL');
    assert.equal(code, 0, `round ${i}: the process never saw the end of its stdin`);
    assert.equal(await output(b.log), `stdout:round ${i}\nstdout:eof-seen\n`);
    await rt.delete(b.id);
  }
});

test('exec with exit code, pause/resume, kill', async () => {
  const b = bundle(['sleep', '300']);
  const exited = new Promise<number>((r) => exits.set(b.id, r));
  await rt.create({ id: b.id, bundle: b.bundle, logPath: b.log, stdin: false, stdinOnce: false, terminal: false });
  await rt.start(b.id);
  const execDir = join(dir, `${b.id}-exec`);
  const h = await rt.exec({
    containerId: b.id, execId: `${b.id}e0`, dir: execDir, stdin: false, terminal: false,
    process: processSpec({ args: ['sh', '-c', 'echo in-exec; exit 3'], env: ['PATH=/bin'], cwd: '/', uid: 0, gid: 0, additionalGids: [], terminal: false, caps: DEFAULT_CAPS, noNewPrivileges: true, ulimits: [] }),
  });
  assert.equal(await h.exited, 3);
  assert.equal(await output(h.logPath), 'stdout:in-exec\n');
  await rt.pause(b.id);
  assert.equal((await rt.state(b.id))?.status, 'paused');
  await rt.resume(b.id);
  assert.equal((await rt.state(b.id))?.status, 'running');
  assert.equal((await rt.pids(b.id)).length, 1);
  await rt.kill(b.id, 'KILL');
  assert.equal(await exited, 137);
  await rt.delete(b.id);
  assert.deepEqual(readdirSync(join(dir, 'runc')), []);
});

test('an exit the inotify watch misses is found by the rescan', { timeout: 15_000 }, async () => {
  const cdir = join(dir, 'conmon-rescan');
  const rt2 = new RuncRuntime(join(dir, 'runc'), cdir);
  try {
    // The watch stays on the directory it was set on: once that is renamed away, it sees nothing.
    renameSync(join(cdir, 'exits'), join(cdir, 'exits-watched'));
    mkdirSync(join(cdir, 'exits'));
    const got = new Promise<[string, number]>((resolve) => rt2.onExit((id, code) => resolve([id, code])));
    writeFileSync(join(cdir, 'exits', 'gone-by'), '7');
    assert.deepEqual(await got, ['gone-by', 7]);
  } finally {
    rt2.close();
  }
});
