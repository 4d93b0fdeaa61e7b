/**
 * What an instance leaves on the host: conmon processes, network namespaces, mounts, cgroups and
 * IP leases. Tests compare footprints to prove that create/start/remove (and refused requests)
 * leave nothing behind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Footprint {
  conmon: number[];
  netns: string[];
  mounts: string[];
  cgroups: string[];
  leases: string[];
}

function conmonPids(dataDir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const argv = cmd.split('\0');
    if (argv[0]?.endsWith('conmon') && cmd.includes(dataDir)) out.push(Number(name));
  }
  return out.sort((a, b) => a - b);
}

function walkDirs(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    try {
      if (!statSync(p).isDirectory()) continue;
    } catch {
      continue;
    }
    out.push(p);
    walkDirs(p, out);
  }
}

/** Files in the CNI host-local store named like an IPv4 address: one per leased address. */
function leases(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) visit(p);
      else if (/^\d+\.\d+\.\d+\.\d+$/.test(n)) out.push(p);
    }
  };
  visit(dir);
  return out.sort();
}

export function footprint(dataDir: string): Footprint {
  const instance = JSON.parse(readFileSync(join(dataDir, 'instance.json'), 'utf8')) as { id: string };
  const cgroupParent = `bosun-${instance.id}`;
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && m.startsWith(dataDir + '/'))
    .sort();
  const cgroups: string[] = [];
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    const base = join('/sys/fs/cgroup', ctrl, cgroupParent);
    if (existsSync(base)) walkDirs(base, cgroups);
  }
  const netnsDir = join(dataDir, 'run', 'netns');
  return {
    conmon: conmonPids(dataDir),
    netns: existsSync(netnsDir) ? readdirSync(netnsDir).sort() : [],
    mounts,
    cgroups: cgroups.sort(),
    leases: leases(join(dataDir, 'engine', 'cni')),
  };
}
