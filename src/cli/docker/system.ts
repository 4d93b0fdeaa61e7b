/** version, info, events, `system df`, `system prune`, container prune, top, stats. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { clientFor, dataDirFlag, type EngineClient } from './client.js';
import { binarySize, humanSize, shortId, table } from './format.js';
import { sinceToUnix } from './logs.js';
import { filtersFrom } from './ps.js';

export const versionVerb: Verb = {
  name: 'version',
  summary: 'Show the engine and API versions',
  usage: 'bosun version',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag]);
    const v = await clientFor(flags).json<Record<string, string>>('GET', '/version');
    console.log(`Server: Bosun Engine\n Version:          ${v.Version}\n API version:      ${v.ApiVersion} (minimum version ${v.MinAPIVersion})\n Runtime:          ${v.GoVersion}\n OS/Arch:          ${v.Os}/${v.Arch}\n Kernel:           ${v.KernelVersion}`);
    return 0;
  },
};

export const infoVerb: Verb = {
  name: 'info',
  summary: 'Show engine-wide information',
  usage: 'bosun info',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag]);
    const i = await clientFor(flags).json<Record<string, unknown>>('GET', '/info');
    const lines = [
      `Containers: ${i.Containers}`, ` Running: ${i.ContainersRunning}`, ` Paused: ${i.ContainersPaused}`, ` Stopped: ${i.ContainersStopped}`,
      `Images: ${i.Images}`, `Server Version: ${i.ServerVersion}`, `Storage Driver: ${i.Driver}`, `Logging Driver: ${i.LoggingDriver}`,
      `Cgroup Driver: ${i.CgroupDriver}`, `Cgroup Version: ${i.CgroupVersion}`, `Default Runtime: ${i.DefaultRuntime}`, `Init Binary: ${i.InitBinary}`,
      `Kernel Version: ${i.KernelVersion}`, `Operating System: ${i.OperatingSystem}`, `Architecture: ${i.Architecture}`, `CPUs: ${i.NCPU}`,
      `Total Memory: ${binarySize(i.MemTotal as number)}`, `Name: ${i.Name}`, `ID: ${i.ID}`, `Root Dir: ${i.DockerRootDir}`, `Live Restore Enabled: ${i.LiveRestoreEnabled}`,
    ];
    console.log(lines.join('\n'));
    return 0;
  },
};

export const eventsVerb: Verb = {
  name: 'events',
  summary: 'Stream engine events (--since/--until replay, -f filters)',
  usage: 'bosun events [--since T] [--until T] [-f KEY=VALUE]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'since', type: 'string' }, { name: 'until', type: 'string' }, { name: 'filter', short: 'f', type: 'list' }]);
    const res = await clientFor(flags).request('GET', '/events', {
      query: {
        since: flags.since ? String(sinceToUnix(flags.since as string)) : undefined,
        until: flags.until ? String(sinceToUnix(flags.until as string)) : undefined,
        filters: filtersFrom(flags.filter as string[]),
      },
    });
    let buf = '';
    for await (const d of res) {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const ev = JSON.parse(line) as { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; timeNano: number };
        const attrs = Object.entries(ev.Actor.Attributes).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(', ');
        const t = new Date(ev.timeNano / 1e6).toISOString().replace('Z', '000000Z');
        console.log(`${t} ${ev.Type} ${ev.Action} ${ev.Actor.ID}${attrs ? ` (${attrs})` : ''}`);
      }
    }
    return 0;
  },
};

interface Df {
  LayersSize: number;
  Images: Array<{ Size: number; Containers: number }>;
  Containers: Array<{ State: string; SizeRw?: number }>;
  Volumes: Array<{ UsageData?: { Size: number; RefCount: number } }>;
}

async function df(c: EngineClient): Promise<void> {
  const d = await c.json<Df>('GET', '/system/df');
  const imgActive = d.Images.filter((i) => i.Containers > 0);
  const reclaimImg = d.Images.filter((i) => i.Containers === 0).reduce((n, i) => n + i.Size, 0);
  const cSize = d.Containers.reduce((n, x) => n + (x.SizeRw ?? 0), 0);
  const cReclaim = d.Containers.filter((x) => x.State !== 'running').reduce((n, x) => n + (x.SizeRw ?? 0), 0);
  const vSize = d.Volumes.reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const vReclaim = d.Volumes.filter((v) => !v.UsageData?.RefCount).reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const pct = (part: number, whole: number) => (whole ? ` (${Math.round((part / whole) * 100)}%)` : '');
  process.stdout.write(table(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], [
    ['Images', String(d.Images.length), String(imgActive.length), humanSize(d.LayersSize), `${humanSize(reclaimImg)}${pct(reclaimImg, d.LayersSize)}`],
    ['Containers', String(d.Containers.length), String(d.Containers.filter((x) => x.State === 'running').length), humanSize(cSize), `${humanSize(cReclaim)}${pct(cReclaim, cSize)}`],
    ['Local Volumes', String(d.Volumes.length), String(d.Volumes.filter((v) => v.UsageData?.RefCount).length), humanSize(vSize), `${humanSize(vReclaim)}${pct(vReclaim, vSize)}`],
    ['Build Cache', '0', '0', '0B', '0B'],
  ]));
}

async function containerPrune(c: EngineClient): Promise<void> {
  const r = await c.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune');
  if (r.ContainersDeleted?.length) console.log(`Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n`);
  console.log(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}`);
}

export const systemVerb: Verb = {
  name: 'system',
  summary: 'Engine-wide: df (disk usage), prune (stopped containers, unused networks, dangling images), info, events',
  usage: 'bosun system df|prune|info|events',
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'info') return infoVerb.run(rest);
    if (sub === 'events') return eventsVerb.run(rest);
    const { flags } = parseArgs(rest, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }, { name: 'all', short: 'a', type: 'boolean' }, { name: 'volumes', type: 'boolean' }]);
    const c = clientFor(flags);
    if (sub === 'df') { await df(c); return 0; }
    if (sub === 'prune') {
      await containerPrune(c);
      await c.json('POST', '/networks/prune');
      await c.json('POST', '/images/prune', { query: { filters: JSON.stringify({ dangling: [flags.all ? 'false' : 'true'] }) } });
      if (flags.volumes) await c.json('POST', '/volumes/prune');
      return 0;
    }
    console.error(`Usage: ${systemVerb.usage}`);
    return 1;
  },
};

export const containerPruneVerb: Verb = {
  name: 'prune',
  summary: 'Remove all stopped containers',
  usage: 'bosun container prune [-f]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }]);
    await containerPrune(clientFor(flags));
    return 0;
  },
};

export const topVerb: Verb = {
  name: 'top',
  summary: "Show a container's processes",
  usage: 'bosun top CONTAINER [ps OPTIONS]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag], { stopAtFirstPositional: true });
    const [ref, ...ps] = positionals;
    if (!ref) { console.error('bosun top: requires at least 1 argument'); return 1; }
    const t = await clientFor(flags).json<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${encodeURIComponent(ref)}/top`, { query: { ps_args: ps.length ? ps.join(' ') : undefined } });
    process.stdout.write(table(t.Titles, t.Processes));
    return 0;
  },
};

interface Stats {
  name: string;
  id: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  pids_stats?: { current?: number };
}

function statsRow(s: Stats): string[] {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpu = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * (s.cpu_stats?.online_cpus ?? 1) * 100 : 0;
  const m = s.memory_stats ?? {};
  const mem = Math.max(0, (m.usage ?? 0) - (m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0));
  const limit = m.limit ?? 0;
  const rx = Object.values(s.networks ?? {}).reduce((n, x) => n + x.rx_bytes, 0);
  const tx = Object.values(s.networks ?? {}).reduce((n, x) => n + x.tx_bytes, 0);
  return [shortId(s.id), s.name.replace(/^\//, ''), `${cpu.toFixed(2)}%`, `${binarySize(mem)} / ${binarySize(limit)}`, `${limit ? ((mem / limit) * 100).toFixed(2) : '0.00'}%`, `${humanSize(rx)} / ${humanSize(tx)}`, String(s.pids_stats?.current ?? 0)];
}

export const statsVerb: Verb = {
  name: 'stats',
  summary: 'Show containers\' resource usage (--no-stream for one sample)',
  usage: 'bosun stats [--no-stream] [-a] [CONTAINER...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'no-stream', type: 'boolean' }, { name: 'all', short: 'a', type: 'boolean' }]);
    const c = clientFor(flags);
    const headers = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'PIDS'];
    for (;;) {
      const refs = positionals.length ? positionals : (await c.json<Array<{ Id: string }>>('GET', '/containers/json', { query: { all: Boolean(flags.all) } })).map((x) => x.Id);
      const rows = await Promise.all(refs.map(async (r) => statsRow(await c.json<Stats>('GET', `/containers/${encodeURIComponent(r)}/stats`, { query: { stream: false } }))));
      if (!flags['no-stream'] && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(table(headers, rows));
      if (flags['no-stream']) return 0;
    }
  },
};

