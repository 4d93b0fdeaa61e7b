/** host-local IPAM leases, for the one case the plugin cannot release them itself. */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from './cidr.js';

/**
 * host-local keeps one file per leased address, named by the address, holding
 * "<container id>\r\n<ifname>" (older versions: the id only).
 */
export function releaseLeases(dir: string, key: string, ifName: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (parseIp(name) === undefined) continue;
    const [owner, iface] = readFileSync(join(dir, name), 'utf8').split(/\r?\n/);
    if (owner?.trim() === key && (!iface || iface.trim() === ifName)) rmSync(join(dir, name), { force: true });
  }
}

