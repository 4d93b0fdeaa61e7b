/** `bosun network create|ls|inspect|rm|connect|disconnect|prune`. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { each } from './each.js';
import { clientFor, dataDirFlag } from './client.js';
import { shortId, table } from './format.js';
import { filtersFrom } from './ps.js';
import { inspectVerb } from './inspect.js';

const kv = (items: string[]) => Object.fromEntries(items.map((s) => { const eq = s.indexOf('='); return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)]; }));

const create: Verb = {
  name: 'create',
  summary: 'Create a network',
  usage: 'bosun network create [-d bridge] [--subnet CIDR] [--gateway IP] [--internal] [--label K=V] [-o K=V] NAME',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      dataDirFlag,
      { name: 'driver', short: 'd', type: 'string', default: 'bridge' },
      { name: 'subnet', type: 'string' },
      { name: 'gateway', type: 'string' },
      { name: 'internal', type: 'boolean' },
      { name: 'attachable', type: 'boolean' },
      { name: 'label', type: 'list' },
      { name: 'opt', short: 'o', type: 'list' },
    ]);
    if (positionals.length !== 1) { console.error('bosun network create: requires exactly 1 argument'); return 1; }
    const r = await clientFor(flags).json<{ Id: string }>('POST', '/networks/create', {
      body: {
        Name: positionals[0],
        Driver: flags.driver,
        IPAM: { Driver: 'default', Options: {}, Config: flags.subnet ? [{ Subnet: flags.subnet, Gateway: flags.gateway ?? '' }] : [] },
        Internal: Boolean(flags.internal),
        Attachable: Boolean(flags.attachable),
        Options: kv(flags.opt as string[]),
        Labels: kv(flags.label as string[]),
      },
    });
    console.log(r.Id);
    return 0;
  },
};

const ls: Verb = {
  name: 'ls',
  summary: 'List networks',
  usage: 'bosun network ls [-q] [-f KEY=VALUE]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'quiet', short: 'q', type: 'boolean' }, { name: 'filter', short: 'f', type: 'list' }, { name: 'no-trunc', type: 'boolean' }]);
    const nets = await clientFor(flags).json<Array<{ Id: string; Name: string; Driver: string; Scope: string }>>('GET', '/networks', { query: { filters: filtersFrom(flags.filter as string[]) } });
    const id = (n: { Id: string }) => (flags['no-trunc'] ? n.Id : shortId(n.Id));
    if (flags.quiet) for (const n of nets) console.log(id(n));
    else process.stdout.write(table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], nets.sort((a, b) => a.Name.localeCompare(b.Name)).map((n) => [id(n), n.Name, n.Driver, n.Scope])));
    return 0;
  },
};

const rm: Verb = {
  name: 'rm',
  summary: 'Remove networks',
  usage: 'bosun network rm NETWORK [NETWORK...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }]);
    const c = clientFor(flags);
    return each(positionals, (n) => c.call('DELETE', `/networks/${encodeURIComponent(n)}`).then(() => undefined), {
      ignore: (err) => Boolean(flags.force) && (err as { kind?: string }).kind === 'NotFound',
    });
  },
};

const connect: Verb = {
  name: 'connect',
  summary: 'Connect a container to a network',
  usage: 'bosun network connect [--alias A] [--ip IP] NETWORK CONTAINER',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'alias', type: 'list' }, { name: 'ip', type: 'string' }]);
    if (positionals.length !== 2) { console.error('bosun network connect: requires exactly 2 arguments'); return 1; }
    await clientFor(flags).call('POST', `/networks/${encodeURIComponent(positionals[0])}/connect`, {
      body: { Container: positionals[1], EndpointConfig: { Aliases: flags.alias, IPAMConfig: flags.ip ? { IPv4Address: flags.ip } : null } },
    });
    return 0;
  },
};

const disconnect: Verb = {
  name: 'disconnect',
  summary: 'Disconnect a container from a network',
  usage: 'bosun network disconnect [-f] NETWORK CONTAINER',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }]);
    if (positionals.length !== 2) { console.error('bosun network disconnect: requires exactly 2 arguments'); return 1; }
    await clientFor(flags).call('POST', `/networks/${encodeURIComponent(positionals[0])}/disconnect`, { body: { Container: positionals[1], Force: Boolean(flags.force) } });
    return 0;
  },
};

const prune: Verb = {
  name: 'prune',
  summary: 'Remove networks no container uses',
  usage: 'bosun network prune [-f]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }]);
    const r = await clientFor(flags).json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune');
    if (r.NetworksDeleted?.length) console.log(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}`);
    return 0;
  },
};

export const networkVerb: Verb = {
  name: 'network',
  summary: 'Manage networks: create, ls, inspect, rm, connect, disconnect, prune',
  usage: 'bosun network create|ls|inspect|rm|connect|disconnect|prune ...',
  async run(argv) {
    const [sub, ...rest] = argv;
    const subs: Record<string, Verb> = { create, ls, list: ls, rm, remove: rm, connect, disconnect, prune, inspect: inspectVerb('inspect', 'network', 'Show network details') };
    const v = sub ? subs[sub] : undefined;
    if (!v) { console.error(`Usage: ${networkVerb.usage}`); return 1; }
    return v.run(rest);
  },
};
