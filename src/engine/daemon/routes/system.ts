/** `/_ping`, `/version`, `/info`, `/events`, `/system/df`. */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Route } from '../router.js';
import type { Ctx } from '../context.js';
import { json, openStream, res } from '../reply.js';
import { filtersParam, timeParam } from '../query.js';
import { API_MAX, API_MIN, ENGINE_VERSION } from '../version.js';
import { imageSummary } from './images.js';

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i386' };

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch {
    // no os-release: fall back to the kernel's name
  }
  return os.type();
}

async function ping(ctx: Ctx): Promise<void> {
  const r = res(ctx);
  const head = ctx.req.method === 'HEAD';
  r.writeHead(200, {
    'Builder-Version': '1',
    Swarm: 'inactive',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': head ? 0 : 2,
  });
  r.end(head ? undefined : 'OK');
}

async function version(ctx: Ctx): Promise<void> {
  const details = { ApiVersion: API_MAX, MinAPIVersion: API_MIN, GitCommit: '', GoVersion: `node${process.versions.node}`, Os: 'linux', Arch: process.arch === 'x64' ? 'amd64' : process.arch, KernelVersion: os.release(), BuildTime: '' };
  json(ctx, 200, {
    Platform: { Name: 'Bosun' },
    Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }],
    Version: ENGINE_VERSION,
    ...details,
  });
}

async function info(ctx: Ctx): Promise<void> {
  const { containers, images } = ctx.engine;
  const [all, imgs] = await Promise.all([containers.list({ all: true }), images.list()]);
  const count = (s: string) => all.filter((c) => c.State === s).length;
  const running = count('running');
  const paused = count('paused');
  json(ctx, 200, {
    ID: createHash('sha256').update(ctx.dataDir).digest('hex').slice(0, 12).toUpperCase(),
    Containers: all.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: all.length - running - paused,
    Images: imgs.length,
    Driver: 'overlayfs',
    DriverStatus: [['Backing Filesystem', 'extfs']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true,
    SwapLimit: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '1',
    NEventsListener: 0,
    KernelVersion: os.release(),
    OperatingSystem: osName(),
    OSVersion: '',
    OSType: 'linux',
    Architecture: ARCH[process.arch] ?? process.arch,
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: [] },
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    DockerRootDir: ctx.dataDir,
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: os.hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: { runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: 'catatonit',
    ContainerdCommit: { ID: '' },
    RuncCommit: { ID: '' },
    InitCommit: { ID: '' },
    SecurityOptions: ['name=no-new-privileges'],
    CDISpecDirs: [],
    Warnings: [],
  });
}

async function events(ctx: Ctx): Promise<void> {
  const since = timeParam(ctx.query, 'since');
  const until = timeParam(ctx.query, 'until');
  const filters = filtersParam(ctx.query);
  const r = openStream(ctx, 'application/json');
  for await (const ev of ctx.engine.events.subscribe({ since, until, filters }, ctx.signal)) {
    r.write(JSON.stringify(ev) + '\n');
  }
  r.end();
}

async function systemDf(ctx: Ctx): Promise<void> {
  const { containers, images, volumes } = ctx.engine;
  const [cs, imgs, vols] = await Promise.all([containers.list({ all: true, size: true }), images.list(), volumes.list()]);
  const users = new Map<string, number>();
  const volUsers = new Map<string, number>();
  for (const c of cs) {
    const id = String(c.ImageID ?? '');
    users.set(id, (users.get(id) ?? 0) + 1);
    for (const m of (c.Mounts as Array<{ Type?: string; Name?: string }> | undefined) ?? []) {
      if (m.Type === 'volume' && m.Name) volUsers.set(m.Name, (volUsers.get(m.Name) ?? 0) + 1);
    }
  }
  json(ctx, 200, {
    LayersSize: imgs.reduce((n, i) => n + i.size, 0),
    Images: imgs.map((i) => ({ ...imageSummary(i), Containers: users.get(i.id) ?? 0 })),
    Containers: cs,
    Volumes: vols.map((v) => ({ ...v, UsageData: v.UsageData ?? { Size: -1, RefCount: volUsers.get(v.Name) ?? 0 } })),
    BuildCache: [],
  });
}

export const systemRoutes: Route[] = [
  { method: 'HEAD', pattern: '/_ping', handler: ping },
  { method: 'GET', pattern: '/_ping', handler: ping },
  { method: 'GET', pattern: '/version', handler: version },
  { method: 'GET', pattern: '/info', handler: info },
  { method: 'GET', pattern: '/events', handler: events },
  { method: 'GET', pattern: '/system/df', handler: systemDf },
];
