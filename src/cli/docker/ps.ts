/** `bosun ps`: docker's container table. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { clientFor, dataDirFlag } from './client.js';
import { ago, humanSize, shortId, table, truncate } from './format.js';

interface Summary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  Status: string;
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
  SizeRw?: number;
  SizeRootFs?: number;
}

export function formatPorts(ports: Summary['Ports']): string {
  return (ports ?? []).map((p) => (p.PublicPort ? `${p.IP || '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`)).join(', ');
}

/** `--filter k=v` flags → the filters JSON (values of one key OR, keys AND). */
export function filtersFrom(specs: string[]): string | undefined {
  if (!specs.length) return undefined;
  const f: Record<string, string[]> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq < 0) throw new Error(`bad format of filter (expected name=value): ${s}`);
    (f[s.slice(0, eq)] ??= []).push(s.slice(eq + 1));
  }
  return JSON.stringify(f);
}

export const psVerb: Verb = {
  name: 'ps',
  summary: 'List containers (-a includes stopped ones)',
  usage: 'bosun ps [-a] [-q] [-s] [--no-trunc] [-f KEY=VALUE]',
  async run(argv) {
    const { flags } = parseArgs(argv, [
      dataDirFlag,
      { name: 'all', short: 'a', type: 'boolean' },
      { name: 'quiet', short: 'q', type: 'boolean' },
      { name: 'size', short: 's', type: 'boolean' },
      { name: 'no-trunc', type: 'boolean' },
      { name: 'filter', short: 'f', type: 'list' },
      { name: 'last', short: 'n', type: 'number' },
      { name: 'latest', short: 'l', type: 'boolean' },
    ]);
    const limit = flags.latest ? 1 : (flags.last as number | undefined);
    const list = await clientFor(flags).json<Summary[]>('GET', '/containers/json', {
      query: { all: Boolean(flags.all) || limit !== undefined, size: Boolean(flags.size), limit, filters: filtersFrom(flags.filter as string[]) },
    });
    const full = Boolean(flags['no-trunc']);
    if (flags.quiet) {
      for (const c of list) console.log(full ? c.Id : shortId(c.Id));
      return 0;
    }
    const headers = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
    if (flags.size) headers.push('SIZE');
    const rows = list.map((c) => {
      const row = [
        full ? c.Id : shortId(c.Id),
        c.Image,
        JSON.stringify(full ? c.Command : truncate(c.Command, 20)),
        ago(c.Created),
        c.Status,
        formatPorts(c.Ports),
        c.Names.map((n) => n.replace(/^\//, '')).join(','),
      ];
      if (flags.size) row.push(`${humanSize(c.SizeRw ?? 0)} (virtual ${humanSize(c.SizeRootFs ?? 0)})`);
      return row;
    });
    process.stdout.write(table(headers, rows));
    return 0;
  },
};
