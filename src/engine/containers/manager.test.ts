/**
 * RuncContainerManager against the real runc, conmon, overlayfs and busybox image. Networking is
 * a small fake offering Docker's predefined `none` and `host` networks (bridges are the network
 * component's tests); every container here runs with `--network none` or `host`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadInstance, type Instance } from '../../server/instance.js';
import { EngineEvents, type EngineEvent } from '../events.js';
import { createImageStore } from '../images/index.js';
import type { ImageStore } from '../images/types.js';
import type { Network, NetworkRecord } from '../network/types.js';
import { RuncRuntime } from '../runtime/runc-runtime.js';
import { LocalVolumeStore } from '../volumes/local-volume-store.js';
import { teardownEngine } from '../index.js';
import { RuncContainerManager } from './manager.js';
import type { OutputChunk } from './types.js';

function predefined(name: 'none' | 'host'): NetworkRecord {
  return {
    Id: name.padEnd(64, '0'), Name: name, Created: new Date(0).toISOString(), Scope: 'local', Driver: name === 'none' ? 'null' : 'host',
    EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false, Options: {}, Labels: {},
  };
}

/** Only what containers on `none`/`host` need; anything else is a test bug. */
class PredefinedOnlyNetwork implements Network {
  async list() { return [predefined('none'), predefined('host')]; }
  async get(ref: string) {
    if (ref === 'none' || ref === 'host') return predefined(ref);
    const { notFound } = await import('../../errors/index.js');
    throw notFound(`network ${ref} not found`);
  }
  async create(): Promise<NetworkRecord> { throw new Error('not in this fake'); }
  async remove() { throw new Error('not in this fake'); }
  async prune() { return []; }
  async createNetns(): Promise<string> { throw new Error('not in this fake'); }
  async removeNetns() { /* nothing made */ }
  async attach(): Promise<never> { throw new Error('not in this fake'); }
  async detach() { /* nothing made */ }
  async resolvConf() { return { nameservers: [], search: [], options: [] }; }
  async start() { /* nothing to set up */ }
  async destroy() { /* nothing made */ }
  async close() { /* nothing running */ }
}

const dataDir = mkdtempSync('/tmp/bosun-test-');
const instance: Instance = loadInstance(dataDir);
const events = new EngineEvents();
const seen: EngineEvent[] = [];
const ac = new AbortController();
void (async () => { for await (const e of events.subscribe({}, ac.signal)) seen.push(e); })();
let images: ImageStore;
const volumes = new LocalVolumeStore(instance.paths.volumes, events);
const network = new PredefinedOnlyNetwork();

function manager(): RuncContainerManager {
  return new RuncContainerManager({ instance, images, network, volumes, runtime: new RuncRuntime(instance.paths.runcRoot, instance.paths.conmon), events });
}

let m: RuncContainerManager;
const setup = (async () => {
  images = await createImageStore(instance, events);
  m = manager();
  await m.open();
})();

after(async () => {
  await m?.close();
  ac.abort();
  await teardownEngine(instance);
  rmSync(dataDir, { recursive: true, force: true });
});

async function collectLogs(id: string, opts: Partial<{ tail: number; since: number }> = {}): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  for await (const c of m.logs(id, { stdout: true, stderr: true, follow: false, timestamps: false, ...opts })) out[c.stream] += c.data.toString();
  return out;
}

function cgroupDir(ctrl: string, id: string): string {
  return join('/sys/fs/cgroup', ctrl, instance.cgroupParent, id);
}

function mountsUnderDataDir(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((p) => p && p.startsWith(instance.dataDir));
}

function conmonsOfInstance(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('conmon\0') || cmd.includes('/conmon\0')) if (cmd.includes(instance.paths.runcRoot)) out.push(pid);
    } catch { /* gone */ }
  }
  return out;
}

test('run: exit code, stdout and stderr kept apart, events', async () => {
  await setup;
  const { Id } = await m.create('exitcode', { Image: 'busybox', Cmd: ['sh', '-c', 'echo out1; echo err1 >&2; sleep 0.2; echo out2; exit 3'], HostConfig: { NetworkMode: 'none' } });
  const w = m.wait(Id, 'next-exit');
  await m.start(Id);
  assert.deepEqual(await w, { StatusCode: 3, Error: null });
  const st = (await m.inspect(Id)).State;
  assert.equal(st.Status, 'exited');
  assert.equal(st.ExitCode, 3);
  assert.deepEqual(await collectLogs(Id), { stdout: 'out1\nout2\n', stderr: 'err1\n' });
  assert.deepEqual(await collectLogs(Id, { tail: 1 }), { stdout: 'out2\n', stderr: '' });
  const list = await m.list({ all: true, filters: { name: ['exitcode'] } });
  assert.equal(list.length, 1);
  assert.match(list[0].Status, /^Exited \(3\) /);
  assert.equal((await m.list({ filters: { name: ['exitcode'] } })).length, 0, 'not listed without all');
  await m.remove(Id);
  const actions = seen.filter((e) => e.Actor.ID === Id).map((e) => e.Action);
  assert.deepEqual(actions, ['create', 'start', 'die', 'destroy']);
  assert.equal(seen.find((e) => e.Actor.ID === Id && e.Action === 'die')?.Actor.Attributes.exitCode, '3');
  await assert.rejects(m.inspect(Id), (e: { kind?: string }) => e.kind === 'NotFound');
});

test('create refuses bad input before anything exists', async () => {
  await setup;
  await m.settled();
  const before = readdirSync(instance.paths.containers).length;
  await assert.rejects(m.create(undefined, { Image: 'no-such-image:1' }), (e: { kind?: string; message: string }) => e.kind === 'NotFound' && e.message === 'No such image: no-such-image:1');
  await assert.rejects(m.create(undefined, { Image: 'busybox', HostConfig: { Memory: 1024 * 1024 } }), (e: { kind?: string; message: string }) => e.kind === 'BadRequest' && e.message === 'Minimum memory limit allowed is 6MB');
  await assert.rejects(m.create(undefined, { Image: 'busybox', HostConfig: { NetworkMode: 'nonet' } }), (e: { kind?: string }) => e.kind === 'NotFound');
  await assert.rejects(m.create(undefined, { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: '/nonexistent/src', Target: '/x' }] } }), (e: { kind?: string; message: string }) => e.kind === 'BadRequest' && /bind source path does not exist/.test(e.message));
  await assert.rejects(m.create(undefined, { Image: 'busybox', HostConfig: { PortBindings: { 'abc/tcp': [{ HostPort: '80' }] } } }), (e: { kind?: string }) => e.kind === 'BadRequest');
  const { Id } = await m.create('taken', { Image: 'busybox', HostConfig: { NetworkMode: 'none' } });
  await assert.rejects(m.create('taken', { Image: 'busybox' }), (e: { kind?: string; message: string }) => e.kind === 'Conflict' && e.message === `Conflict. The container name "/taken" is already in use by container "${Id}". You have to remove (or rename) that container to be able to reuse that name.`);
  await m.remove(Id);
  await m.settled();
  assert.equal(readdirSync(instance.paths.containers).length, before);
});

test('a command that does not exist: clear error, container stays created with 127, nothing leaked', async () => {
  await setup;
  const { Id } = await m.create('nope', { Image: 'busybox', Cmd: ['nope'], HostConfig: { NetworkMode: 'none' } });
  await assert.rejects(m.start(Id), (e: { kind?: string; message: string }) => e.kind === 'BadRequest' && /exec: "nope": executable file not found in \$PATH/.test(e.message));
  const st = (await m.inspect(Id)).State;
  assert.equal(st.Status, 'created');
  assert.equal(st.ExitCode, 127);
  assert.equal(existsSync(join(instance.paths.runcRoot, Id)), false, 'no runc state');
  assert.equal(existsSync(cgroupDir('memory', Id)), false, 'no cgroup');
  assert.deepEqual(mountsUnderDataDir().filter((p) => p.includes(Id)), [], 'no mount');
  assert.deepEqual(conmonsOfInstance(), [], 'no conmon');
  await m.remove(Id);
});

test('exec: exit code, output, with and without a TTY', async () => {
  await setup;
  const { Id } = await m.create('execer', { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } });
  await m.start(Id);
  const run = async (cmd: string[], tty: boolean) => {
    const e = await m.execCreate(Id, { Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: tty });
    const chunks: OutputChunk[] = [];
    await m.execStart(e.Id, { tty, streams: { onOutput: (c) => chunks.push(c) } });
    // execStart resolves only once the exit code is known (the docker CLI inspects right after)
    const info = await m.execInspect(e.Id);
    return { info, out: chunks.filter((c) => c.stream === 'stdout').map((c) => c.data.toString()).join(''), err: chunks.filter((c) => c.stream === 'stderr').map((c) => c.data.toString()).join('') };
  };
  const plain = await run(['sh', '-c', 'echo hello; echo oops >&2; exit 42'], false);
  assert.equal(plain.info.ExitCode, 42);
  assert.equal(plain.info.Running, false);
  assert.equal(plain.out, 'hello\n');
  assert.equal(plain.err, 'oops\n');
  const tty = await run(['sh', '-c', 'tty; exit 5'], true);
  assert.equal(tty.info.ExitCode, 5);
  assert.match(tty.out, /^\/dev\/pts\/\d+/);
  // stdin through conmon's attach socket
  const e = await m.execCreate(Id, { Cmd: ['cat'], AttachStdin: true, AttachStdout: true });
  const stdin = new PassThrough();
  let got = '';
  const p = m.execStart(e.Id, { streams: { stdin, onOutput: (c) => { got += c.data.toString(); } } });
  stdin.end('piped\n');
  await p;
  assert.equal(got, 'piped\n');
  await assert.rejects(m.execStart(e.Id, {}), (err: { kind?: string }) => err.kind === 'Conflict');
  await m.remove(Id, { force: true });
});

test('stop: grace period, then SIGKILL', async () => {
  await setup;
  const graceful = await m.create('graceful', { Image: 'busybox', Cmd: ['sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 0.1; done'], HostConfig: { NetworkMode: 'none' } });
  await m.start(graceful.Id);
  await new Promise((r) => setTimeout(r, 300));
  await m.stop(graceful.Id, { timeout: 20 });
  assert.equal((await m.inspect(graceful.Id)).State.ExitCode, 0);
  assert.equal((await collectLogs(graceful.Id)).stdout, 'bye\n');

  const stubborn = await m.create('stubborn', { Image: 'busybox', Cmd: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'], HostConfig: { NetworkMode: 'none' } });
  await m.start(stubborn.Id);
  await new Promise((r) => setTimeout(r, 300));
  await m.stop(stubborn.Id, { timeout: 1 });
  const st = (await m.inspect(stubborn.Id)).State;
  assert.equal(st.ExitCode, 137);
  assert.equal(st.Running, false);
  const kills = seen.filter((e) => e.Actor.ID === stubborn.Id && e.Action === 'kill').map((e) => e.Actor.Attributes.signal);
  assert.deepEqual(kills, ['15', '9']);
  await assert.rejects(m.stop(stubborn.Id), (e: { kind?: string }) => e.kind === 'NotModified');
  await m.remove(graceful.Id);
  await m.remove(stubborn.Id);
});

test('restart policy on-failure:2 restarts twice, then stays exited', async () => {
  await setup;
  const { Id } = await m.create('flaky', { Image: 'busybox', Cmd: ['sh', '-c', 'echo run; exit 1'], HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
  await m.start(Id);
  for (let i = 0; i < 200; i++) {
    const c = await m.inspect(Id);
    if (c.RestartCount === 2 && c.State.Status === 'exited') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const c = await m.inspect(Id);
  assert.equal(c.RestartCount, 2);
  assert.equal(c.State.Status, 'exited');
  assert.equal(c.State.ExitCode, 1);
  assert.equal((await collectLogs(Id)).stdout, 'run\nrun\nrun\n');
  await m.remove(Id);
});

test('pause and unpause freeze the cgroup; memory and pids limits reach the cgroup', async () => {
  await setup;
  const { Id } = await m.create('limited', { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none', Memory: 64 * 1024 * 1024, PidsLimit: 50, NanoCpus: 5e8 } });
  await m.start(Id);
  assert.equal(readFileSync(join(cgroupDir('memory', Id), 'memory.limit_in_bytes'), 'utf8').trim(), String(64 * 1024 * 1024));
  assert.equal(readFileSync(join(cgroupDir('pids', Id), 'pids.max'), 'utf8').trim(), '50');
  assert.equal(readFileSync(join(cgroupDir('cpu', Id), 'cpu.cfs_quota_us'), 'utf8').trim(), '50000');
  await m.pause(Id);
  assert.equal((await m.inspect(Id)).State.Status, 'paused');
  assert.equal(readFileSync(join(cgroupDir('freezer', Id), 'freezer.state'), 'utf8').trim(), 'FROZEN');
  await m.unpause(Id);
  assert.equal((await m.inspect(Id)).State.Status, 'running');
  assert.equal(readFileSync(join(cgroupDir('freezer', Id), 'freezer.state'), 'utf8').trim(), 'THAWED');
  const stats = await m.stats(Id) as { memory_stats: { limit: number; usage: number }; pids_stats: { current: number } };
  assert.equal(stats.memory_stats.limit, 64 * 1024 * 1024);
  assert.equal(stats.pids_stats.current, 1);
  const top = await m.top(Id);
  assert.equal(top.Processes.length, 1);
  assert.match(top.Processes[0].at(-1)!, /sleep 300/);
  await m.remove(Id, { force: true });
  assert.equal(existsSync(cgroupDir('memory', Id)), false);
});

test('live restore: a new manager re-adopts a running container and sees an exit that happened meanwhile', async () => {
  await setup;
  const keep = await m.create('keeper', { Image: 'busybox', Cmd: ['sh', '-c', 'echo started; sleep 300'], HostConfig: { NetworkMode: 'none' } });
  const gone = await m.create('goner', { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } });
  await m.start(keep.Id);
  await m.start(gone.Id);
  const pid = (await m.inspect(keep.Id)).State.Pid;
  await m.close();
  // While no manager runs, one container dies.
  execFileSync('runc', ['--root', instance.paths.runcRoot, 'kill', gone.Id, 'KILL']);
  for (let i = 0; i < 100 && !existsSync(join(instance.paths.conmon, 'exits', gone.Id)); i++) await new Promise((r) => setTimeout(r, 20));
  m = manager();
  await m.open();
  const k = await m.inspect(keep.Id);
  assert.equal(k.State.Status, 'running');
  assert.equal(k.State.Pid, pid);
  const g = await m.inspect(gone.Id);
  assert.equal(g.State.Status, 'exited');
  assert.equal(g.State.ExitCode, 137);
  assert.equal((await collectLogs(keep.Id)).stdout, 'started\n');
  // the new manager manages it: stop works and its exit is seen
  await m.stop(keep.Id, { timeout: 0 });
  assert.equal((await m.inspect(keep.Id)).State.Status, 'exited');
  await m.remove(keep.Id);
  await m.remove(gone.Id);
});

test('volumes: named volume keeps data across containers; anonymous ones go with rm -v', async () => {
  await setup;
  const a = await m.create(undefined, { Image: 'busybox', Cmd: ['sh', '-c', 'echo kept > /data/f'], Volumes: { '/anon': {} }, HostConfig: { NetworkMode: 'none', Binds: ['vol1:/data'] } });
  await m.start(a.Id);
  await m.wait(a.Id, 'not-running');
  for (let i = 0; i < 100 && (await m.inspect(a.Id)).State.Running; i++) await new Promise((r) => setTimeout(r, 20));
  const anon = ((await m.inspect(a.Id)).Mounts as Array<{ Name?: string; Destination: string }>).find((x) => x.Destination === '/anon')!.Name!;
  await assert.rejects(volumes.remove('vol1'), (e: { kind?: string }) => e.kind === 'Conflict');
  await m.remove(a.Id, { volumes: true });
  await assert.rejects(volumes.get(anon), (e: { kind?: string }) => e.kind === 'NotFound');
  const b = await m.create(undefined, { Image: 'busybox', Cmd: ['cat', '/data/f'], HostConfig: { NetworkMode: 'none', Binds: ['vol1:/data:ro'] } });
  const w = m.wait(b.Id, 'next-exit');
  await m.start(b.Id);
  assert.equal((await w).StatusCode, 0);
  assert.equal((await collectLogs(b.Id)).stdout, 'kept\n');
  await m.remove(b.Id);
  await volumes.remove('vol1');
});

test('50 create/start/remove cycles leave nothing behind', async () => {
  await setup;
  for (let i = 0; i < 50; i++) {
    const { Id } = await m.create(undefined, { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none', AutoRemove: i % 2 === 0 } });
    const w = m.wait(Id, i % 2 === 0 ? 'removed' : 'next-exit');
    await m.start(Id);
    assert.equal((await w).StatusCode, 0);
    if (i % 2 === 1) await m.remove(Id);
  }
  assert.deepEqual(await m.list({ all: true }), []);
  await m.settled();
  assert.deepEqual(readdirSync(instance.paths.containers), []);
  assert.deepEqual(readdirSync(instance.paths.runcRoot), []);
  assert.deepEqual(mountsUnderDataDir(), []);
  assert.deepEqual(conmonsOfInstance(), []);
  assert.deepEqual(readdirSync(join('/sys/fs/cgroup/memory', instance.cgroupParent)).filter((f) => /^[0-9a-f]{64}$/.test(f)), []);
  assert.deepEqual(readdirSync(instance.paths.conmon).filter((f) => f !== 'exits'), []);
  assert.deepEqual(readdirSync(join(instance.paths.conmon, 'exits')), []);
});

test('teardownEngine kills and removes everything of the instance, twice safely', async () => {
  await setup;
  const { Id } = await m.create('survivor', { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } });
  await m.start(Id);
  await m.close();
  await teardownEngine(instance);
  await teardownEngine(instance);
  assert.deepEqual(conmonsOfInstance(), []);
  assert.deepEqual(mountsUnderDataDir(), []);
  assert.equal(existsSync(join('/sys/fs/cgroup/memory', instance.cgroupParent)), false);
  assert.equal(existsSync(instance.paths.runcRoot), false);
  // a manager opened afterwards finds the container dead and cleans it up on remove
  m = manager();
  await m.open();
  assert.equal((await m.inspect(Id)).State.Running, false);
  await m.remove(Id);
});

test('config: missing WorkingDir is made, --entrypoint "" resets, users by name and uid:gid, hostname', async () => {
  await setup;
  const run = async (req: Partial<Parameters<RuncContainerManager['create']>[1]>) => {
    const { Id } = await m.create(undefined, { Image: 'busybox', HostConfig: { NetworkMode: 'none' }, ...req });
    const w = m.wait(Id, 'next-exit');
    await m.start(Id);
    const code = (await w).StatusCode;
    const out = (await collectLogs(Id)).stdout;
    await m.remove(Id);
    return { code, out };
  };
  assert.deepEqual(await run({ WorkingDir: '/new/dir', Cmd: ['pwd'] }), { code: 0, out: '/new/dir\n' });
  assert.deepEqual(await run({ Entrypoint: [''], Cmd: ['echo', 'hi'] }), { code: 0, out: 'hi\n' });
  assert.deepEqual(await run({ User: 'nobody', Cmd: ['id', '-u'] }), { code: 0, out: '65534\n' });
  assert.deepEqual(await run({ User: '1000:1000', Cmd: ['id'] }), { code: 0, out: 'uid=1000 gid=1000\n' });
  assert.deepEqual(await run({ Hostname: 'myhost', Cmd: ['sh', '-c', 'hostname; cat /etc/hostname'] }), { code: 0, out: 'myhost\nmyhost\n' });
  const { Id } = await m.create(undefined, { Image: 'busybox', User: 'nosuchuser', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
  await assert.rejects(m.start(Id), (e: { message: string }) => /unable to find user nosuchuser/.test(e.message));
  assert.deepEqual(mountsUnderDataDir(), [], 'the short host mount for the user lookup is gone');
  await m.remove(Id);
});
