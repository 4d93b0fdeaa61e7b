/** `bosun volume create|ls|inspect|rm|prune`. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { each } from './each.js';
import { clientFor, dataDirFlag } from './client.js';
import { humanSize, table } from './format.js';
import { filtersFrom } from './ps.js';
import { inspectVerb } from './inspect.js';

const kv = (items: string[]) => Object.fromEntries(items.map((s) => { const eq = s.indexOf('='); return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)]; }));

const create: Verb = {
  name: 'create',
  summary: 'Create a named volume',
  usage: 'bosun volume create [--label K=V] [-o K=V] [NAME]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'label', type: 'list' }, { name: 'opt', short: 'o', type: 'list' }, { name: 'driver', short: 'd', type: 'string', default: 'local' }, { name: 'name', type: 'string' }]);
    const v = await clientFor(flags).json<{ Name: string }>('POST', '/volumes/create', {
      body: { Name: positionals[0] ?? flags.name ?? '', Driver: flags.driver, DriverOpts: kv(flags.opt as string[]), Labels: kv(flags.label as string[]) },
    });
    console.log(v.Name);
    return 0;
  },
};

const ls: Verb = {
  name: 'ls',
  summary: 'List volumes',
  usage: 'bosun volume ls [-q] [-f KEY=VALUE]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'quiet', short: 'q', type: 'boolean' }, { name: 'filter', short: 'f', type: 'list' }]);
    const r = await clientFor(flags).json<{ Volumes: Array<{ Name: string; Driver: string }> | null }>('GET', '/volumes', { query: { filters: filtersFrom(flags.filter as string[]) } });
    const vols = r.Volumes ?? [];
    if (flags.quiet) for (const v of vols) console.log(v.Name);
    else process.stdout.write(table(['DRIVER', 'VOLUME NAME'], vols.map((v) => [v.Driver, v.Name])));
    return 0;
  },
};

const rm: Verb = {
  name: 'rm',
  summary: 'Remove volumes (refused while a container uses one, unless -f)',
  usage: 'bosun volume rm [-f] VOLUME [VOLUME...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }]);
    const c = clientFor(flags);
    return each(positionals, (n) => c.call('DELETE', `/volumes/${encodeURIComponent(n)}`, { query: { force: Boolean(flags.force) } }).then(() => undefined));
  },
};

const prune: Verb = {
  name: 'prune',
  summary: 'Remove unused anonymous volumes (-a: every unused volume)',
  usage: 'bosun volume prune [-a] [-f]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'all', short: 'a', type: 'boolean' }, { name: 'force', short: 'f', type: 'boolean' }]);
    const r = await clientFor(flags).json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', {
      query: { filters: flags.all ? JSON.stringify({ all: ['true'] }) : undefined },
    });
    if (r.VolumesDeleted?.length) console.log(`Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n`);
    console.log(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}`);
    return 0;
  },
};

export const volumeVerb: Verb = {
  name: 'volume',
  summary: 'Manage volumes: create, ls, inspect, rm, prune',
  usage: 'bosun volume create|ls|inspect|rm|prune ...',
  async run(argv) {
    const [sub, ...rest] = argv;
    const subs: Record<string, Verb> = { create, ls, list: ls, rm, remove: rm, prune, inspect: inspectVerb('inspect', 'volume', 'Show volume details') };
    const v = sub ? subs[sub] : undefined;
    if (!v) { console.error(`Usage: ${volumeVerb.usage}`); return 1; }
    return v.run(rest);
  },
};
