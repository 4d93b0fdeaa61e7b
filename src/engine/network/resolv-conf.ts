import { readFileSync } from 'node:fs';

/** The host's own resolver settings, for containers and pods that use the host's DNS. */
export function hostResolvConf(): { nameservers: string[]; search: string[]; options: string[] } {
  const out = { nameservers: [] as string[], search: [] as string[], options: [] as string[] };
  let text = '';
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [k, ...v] = line.trim().split(/\s+/);
    if (k === 'nameserver' && v[0]) out.nameservers.push(v[0]);
    else if (k === 'search' || k === 'domain') out.search = v;
    else if (k === 'options') out.options.push(...v);
  }
  return out;
}
