/** `bosun inspect`: containers, then images, networks and volumes, as docker walks them. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { isKind } from '../../errors/index.js';
import { clientFor, dataDirFlag, type EngineClient } from './client.js';

const PATHS: Record<string, (ref: string) => string> = {
  container: (r) => `/containers/${encodeURIComponent(r)}/json`,
  image: (r) => `/images/${r}/json`,
  network: (r) => `/networks/${encodeURIComponent(r)}`,
  volume: (r) => `/volumes/${encodeURIComponent(r)}`,
};

export async function inspectAny(c: EngineClient, ref: string, type?: string): Promise<unknown> {
  for (const [kind, path] of Object.entries(PATHS)) {
    if (type && type !== kind) continue;
    try {
      return await c.json('GET', path(ref));
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
  }
  return undefined;
}

/** Inspect verbs share this: print a JSON array, or exit 1 naming what was not found. */
export function inspectVerb(name: string, type: string | undefined, summary: string): Verb {
  return {
    name,
    summary,
    usage: `bosun ${name} [--type T] NAME [NAME...]`,
    async run(argv) {
      const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'type', type: 'string' }]);
      if (!positionals.length) { console.error(`bosun ${name}: requires at least 1 argument`); return 1; }
      const c = clientFor(flags);
      const out: unknown[] = [];
      let code = 0;
      for (const ref of positionals) {
        const obj = await inspectAny(c, ref, type ?? (flags.type as string | undefined));
        if (obj === undefined) {
          console.error(`Error: No such ${type ?? 'object'}: ${ref}`);
          code = 1;
        } else out.push(obj);
      }
      console.log(JSON.stringify(out, null, 4));
      return code;
    },
  };
}

export const inspectCmd = inspectVerb('inspect', undefined, 'Show low-level information on containers, images, networks or volumes');
