/**
 * The engine: images, networking, volumes and containers of one instance, wired together.
 * `createEngine` is called by the server supervisor; `teardownEngine` by `bosun teardown`, with
 * or without a server running, and removes every host resource this instance's containers hold.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { releaseSupernet, type Instance } from '../server/instance.js';
import type { EngineEvents } from './events.js';
import { createImageStore } from './images/index.js';
import type { ImageStore } from './images/types.js';
import { createNetwork, teardownNetwork } from './network/index.js';
import type { Network } from './network/types.js';
import { LocalVolumeStore } from './volumes/local-volume-store.js';
import type { VolumeStore } from './volumes/types.js';
import { RuncContainerManager } from './containers/manager.js';
import type { ContainerManager } from './containers/types.js';
import { RuncRuntime } from './runtime/runc-runtime.js';
import { CGROUP_ROOT } from './containers/cgroup-stats.js';

export interface Engine {
  images: ImageStore;
  network: Network;
  volumes: VolumeStore;
  containers: ContainerManager;
  events: EngineEvents;
  close(): Promise<void>;
}

export async function createEngine(instance: Instance, events: EngineEvents): Promise<Engine> {
  const images = await createImageStore(instance, events);
  const network = await createNetwork(instance, events);
  const volumes = new LocalVolumeStore(instance.paths.volumes, events);
  const runtime = new RuncRuntime(instance.paths.runcRoot, instance.paths.conmon);
  const containers = new RuncContainerManager({ instance, images, network, volumes, runtime, events });
  await containers.open();
  return {
    images, network, volumes, containers, events,
    async close() {
      // Containers keep running under conmon; only our supervision (and the DNS servers) stop.
      await containers.close();
      await network.close();
    },
  };
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(bin, args, { maxBuffer: 16 << 20 }, (_err, stdout) => resolve(String(stdout ?? '')));
  });
}

/** Mount points (decoded) at or under `dir`, deepest first so children go before parents. */
function mountsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4]?.replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp && (mp === dir || mp.startsWith(dir + '/'))) out.push(mp);
  }
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

/** Removes a cgroup directory tree bottom-up (cgroupfs only allows rmdir of empty groups). */
function removeCgroupTree(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    try {
      if (statSync(p).isDirectory()) removeCgroupTree(p);
    } catch {
      // gone meanwhile
    }
  }
  try {
    rmdirSync(dir);
  } catch {
    // still has live tasks: the kill above did not reach them; nothing more we can do safely
  }
}

/** Kills every process in a cgroup tree (its cgroup.procs files), children included. */
function killCgroupTree(dir: string): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  try {
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
    }
  } catch {
    // no procs file at this level
  }
  for (const e of entries) {
    try {
      if (statSync(join(dir, e)).isDirectory()) killCgroupTree(join(dir, e));
    } catch {
      // gone meanwhile
    }
  }
}

export async function teardownEngine(instance: Instance): Promise<void> {
  const runcRoot = instance.paths.runcRoot;
  const conmonDir = instance.paths.conmon;

  // conmon first, so nobody restarts or reports anything while containers go.
  let pidFiles: string[] = [];
  try {
    pidFiles = readdirSync(conmonDir).filter((f) => f.endsWith('.pid'));
  } catch {
    // no conmon dir: nothing ever ran
  }
  for (const f of pidFiles) {
    try {
      const pid = Number(readFileSync(join(conmonDir, f), 'utf8').trim());
      if (pid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'conmon') process.kill(pid, 'SIGKILL');
    } catch {
      // stale pid file
    }
  }

  let ids: string[] = [];
  try {
    ids = readdirSync(runcRoot);
  } catch {
    // no runc root
  }
  for (const id of ids) {
    await run('runc', ['--root', runcRoot, 'kill', '--all', id, 'KILL']);
    await run('runc', ['--root', runcRoot, 'delete', '--force', id]);
  }

  // Every cgroup controller (v1) plus the unified hierarchy.
  const parent = instance.cgroupParent;
  let controllers: string[] = [];
  try {
    controllers = readdirSync(CGROUP_ROOT);
  } catch {
    // no cgroupfs
  }
  for (const c of controllers) killCgroupTree(join(CGROUP_ROOT, c, parent));
  for (const c of controllers) removeCgroupTree(join(CGROUP_ROOT, c, parent));

  for (const mp of mountsUnder(instance.dataDir)) {
    // Network namespaces are the network's to remove; everything else (rootfs overlays) is ours.
    if (mp.startsWith(instance.paths.netns + '/')) continue;
    await run('umount', [mp]);
    if (mountsUnder(mp).includes(mp)) await run('umount', ['-l', mp]);
  }
  rmSync(runcRoot, { recursive: true, force: true });
  rmSync(conmonDir, { recursive: true, force: true });

  await teardownNetwork(instance);
  // The supernet claim is host state too; the instance claims it again when it next loads.
  releaseSupernet(instance);
}
