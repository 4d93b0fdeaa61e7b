import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './args.js';
import type { Verb } from './types.js';
import { KubeconfigSet, stateDir } from '../kubeconfig/index.js';

const previousFile = (context: string) => join(stateDir(), 'kubens', context.replace(/[/:]/g, '_'));

/**
 * Namespaces are listed through kubectl, as kubens does, so the verb works against any cluster and
 * any auth plugin the kubeconfig names.
 */
function kubectl(args: string[], kubeconfig: string | undefined, context: string): { ok: boolean; out: string; err: string } {
  const base = kubeconfig ? ['--kubeconfig', kubeconfig] : [];
  const r = spawnSync('kubectl', [...base, '--context', context, ...args], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '') || (r.error?.message ?? '') };
}

export const nsVerb: Verb = {
  name: 'ns',
  summary: "List or switch the current context's namespace (kubens): NAME switches, - goes back",
  usage: 'bosun ns [--kubeconfig FILE] [--force] [NAME | - | -c]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      { name: 'kubeconfig', type: 'string' },
      { name: 'current', short: 'c', type: 'boolean' },
      { name: 'force', short: 'f', type: 'boolean' },
    ]);
    const kc = flags.kubeconfig as string | undefined;
    const set = new KubeconfigSet(kc);
    const context = set.currentContext();
    if (!context) { console.error('error: current-context is not set'); return 1; }
    const found = set.findContext(context);
    if (!found) { console.error(`error: context "${context}" not found`); return 1; }
    const currentNs = found.file.config.contexts![found.index].context?.namespace || 'default';
    if (flags.current) { console.log(currentNs); return 0; }
    const target = positionals[0];
    if (target === undefined) {
      const r = kubectl(['get', 'namespaces', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'], kc, context);
      if (!r.ok) { process.stderr.write(r.err); return 1; }
      for (const n of r.out.split('\n').filter(Boolean)) console.log(n === currentNs ? `* ${n}` : `  ${n}`);
      return 0;
    }
    let name = target;
    if (target === '-') {
      if (!existsSync(previousFile(context))) { console.error('error: no previous namespace found for current context'); return 1; }
      name = readFileSync(previousFile(context), 'utf8').trim();
    }
    if (!flags.force) {
      const r = kubectl(['get', 'namespace', name, '-o', 'name'], kc, context);
      if (!r.ok) { console.error(`error: no namespace exists with name "${name}"`); return 1; }
    }
    set.setNamespace(context, name);
    if (currentNs !== name) {
      mkdirSync(join(stateDir(), 'kubens'), { recursive: true });
      writeFileSync(previousFile(context), currentNs + '\n');
    }
    console.log(`Context "${context}" modified.\nActive namespace is "${name}".`);
    return 0;
  },
};
