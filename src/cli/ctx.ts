import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './args.js';
import type { Verb } from './types.js';
import { KubeconfigSet, stateDir } from '../kubeconfig/index.js';

const previousFile = () => join(stateDir(), 'kubectx');

export const ctxVerb: Verb = {
  name: 'ctx',
  summary: 'List or switch kubeconfig contexts (kubectx): NAME switches, - goes back, NEW=OLD renames',
  usage: 'bosun ctx [--kubeconfig FILE] [NAME | - | -c | -d NAME | NEW=OLD]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      { name: 'kubeconfig', type: 'string' },
      { name: 'current', short: 'c', type: 'boolean' },
      { name: 'delete', short: 'd', type: 'string' },
    ]);
    const set = new KubeconfigSet(flags.kubeconfig as string | undefined);
    const current = set.currentContext();
    if (flags.current) {
      if (!current) { console.error('error: current-context is not set'); return 1; }
      console.log(current);
      return 0;
    }
    if (flags.delete) {
      const name = flags.delete === '.' ? current : (flags.delete as string);
      const found = name ? set.findContext(name) : undefined;
      if (!name || !found) { console.error(`error: no context exists with the name: "${name ?? ''}"`); return 1; }
      const contexts = found.file.config.contexts!.filter((c) => c.name !== name);
      found.file.set(['contexts'], contexts);
      found.file.write();
      console.log(`Deleted context ${name}.`);
      return 0;
    }
    const target = positionals[0];
    if (target === undefined) {
      for (const c of set.contexts()) console.log(c.name === current ? `* ${c.name}` : `  ${c.name}`);
      return 0;
    }
    if (target.includes('=')) {
      const [to, fromArg] = target.split('=', 2);
      const from = fromArg === '.' ? current : fromArg;
      const found = from ? set.findContext(from) : undefined;
      if (!from || !found) { console.error(`error: no context exists with the name: "${fromArg}"`); return 1; }
      if (set.findContext(to)) { console.error(`error: context "${to}" already exists`); return 1; }
      found.file.set(['contexts', found.index, 'name'], to);
      found.file.write();
      if (current === from) set.setCurrentContext(to);
      console.log(`Context "${from}" renamed to "${to}".`);
      return 0;
    }
    let name = target;
    if (target === '-') {
      if (!existsSync(previousFile())) { console.error('error: no previous context found'); return 1; }
      name = readFileSync(previousFile(), 'utf8').trim();
    }
    if (!set.findContext(name)) { console.error(`error: no context exists with the name: "${name}"`); return 1; }
    set.setCurrentContext(name);
    if (current && current !== name) {
      mkdirSync(stateDir(), { recursive: true });
      writeFileSync(previousFile(), current + '\n');
    }
    console.log(`Switched to context "${name}".`);
    return 0;
  },
};
