/** iptables through its CLI (nf_tables or legacy alike); `-w` waits for the xtables lock. */
import { run, runOk } from './exec.js';
import { chains, jumps, restoreText, type RuleState } from './rules.js';

export async function applyRules(state: RuleState): Promise<void> {
  await runOk('iptables-restore', ['-w', '--noflush'], { input: restoreText(state) });
}

/** Idempotent: a jump is inserted only when `-C` does not find it. */
export async function ensureJumps(chainPrefix: string): Promise<void> {
  for (const j of jumps(chainPrefix)) {
    const check = await run('iptables', ['-w', '-t', j.table, '-C', j.chain, ...j.spec]);
    if (check.code !== 0) await runOk('iptables', ['-w', '-t', j.table, '-I', j.chain, '1', ...j.spec]);
  }
}

/** Splits one `iptables -S` line; comments are the only quoted words it prints. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

async function listRules(table: string): Promise<string[][]> {
  const r = await run('iptables', ['-w', '-t', table, '-S']);
  if (r.code !== 0) return [];
  return r.stdout.split('\n').filter(Boolean).map(tokenize);
}

/** Removes every rule that jumps into one of the instance's chains, then the chains themselves. */
export async function removeChains(chainPrefix: string): Promise<void> {
  const c = chains(chainPrefix);
  const ours = new Set([c.fwd, c.out, c.ports, c.post]);
  for (const table of ['filter', 'nat']) {
    const rules = await listRules(table);
    for (const r of rules) {
      const j = r.indexOf('-j');
      if (r[0] === '-A' && !ours.has(r[1]) && j > 0 && ours.has(r[j + 1])) {
        await run('iptables', ['-w', '-t', table, '-D', ...r.slice(1)]);
      }
    }
    for (const r of rules) {
      if (r[0] === '-N' && ours.has(r[1])) {
        await run('iptables', ['-w', '-t', table, '-F', r[1]]);
        await run('iptables', ['-w', '-t', table, '-X', r[1]]);
      }
    }
  }
}

export interface DnatPort {
  protocol: string;
  /** Destination address the rule is limited to, or undefined for any. */
  hostIp?: string;
  from: number;
  to: number;
  chain: string;
}

/**
 * Host ports any DNAT rule on the machine already forwards (this instance's, another instance's,
 * a Docker daemon's or the CNI portmap plugin's): such a port is taken even though no socket
 * listens on it.
 */
export async function dnatPorts(): Promise<DnatPort[]> {
  const out: DnatPort[] = [];
  for (const r of await listRules('nat')) {
    if (r[0] !== '-A' || r[r.indexOf('-j') + 1] !== 'DNAT') continue;
    const get = (flag: string) => { const i = r.indexOf(flag); return i >= 0 ? r[i + 1] : undefined; };
    const dport = get('--dport') ?? get('--dports');
    if (!dport) continue;
    const dst = get('-d');
    for (const part of dport.split(',')) {
      const [a, b] = part.split(':').map(Number);
      out.push({ protocol: get('-p') ?? 'all', hostIp: dst?.replace(/\/32$/, ''), from: a, to: b || a, chain: r[1] });
    }
  }
  return out;
}
