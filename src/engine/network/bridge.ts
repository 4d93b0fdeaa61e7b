/**
 * Linux bridges of the instance, made before any container attaches so the gateway address (and
 * the DNS server bound to it) exists from the start. The CNI bridge plugin then finds the bridge
 * ready and runs with isGateway=false: it neither touches the address nor turns on the host-wide
 * net.ipv4.ip_forward; forwarding is enabled on our bridges only (IPv4 forwarding is decided per
 * input interface), which is all hairpin published-port flows need.
 */
import { writeFileSync } from 'node:fs';
import { internal } from '../../errors/index.js';
import { run, runOk } from './exec.js';

interface IpLink {
  ifname: string;
  master?: string;
}

export async function links(): Promise<IpLink[]> {
  return JSON.parse(await runOk('ip', ['-j', 'link', 'show'])) as IpLink[];
}

function sysctl(ifname: string, key: string, value: string): void {
  writeFileSync(`/proc/sys/net/ipv4/conf/${ifname}/${key}`, value);
}

/**
 * Container networks are IPv4 only, as Docker's are without --ipv6: an interface with IPv6 on
 * would still get a link-local address, run duplicate address detection, join multicast groups
 * and solicit routers, all flooded across the bridge for nothing. (A host with IPv6 off
 * altogether has no such file.)
 */
export function disableIpv6(ifname: string): void {
  try {
    writeFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  const add = await run('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  if (add.code !== 0 && !/File exists/.test(add.stderr)) throw internal(`creating bridge ${name}: ${add.stderr.trim()}`);
  await runOk('ip', ['-batch', '-'], { input: `addr replace ${gatewayCidr} dev ${name}\nlink set ${name} up\n` });
  // A DNAT from 127.0.0.1 (a client on the host) to a container is routed out of the bridge with
  // its loopback source still in place; without route_localnet the kernel drops it as a martian.
  sysctl(name, 'route_localnet', '1');
  sysctl(name, 'forwarding', '1');
  disableIpv6(name);
}

/** Deletes the bridge and any veth still enslaved to it (a container whose netns outlived us). */
export async function deleteBridge(name: string): Promise<void> {
  for (const l of await links()) {
    if (l.master === name) await run('ip', ['link', 'del', l.ifname]);
  }
  const r = await run('ip', ['link', 'del', name]);
  if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr)) throw internal(`deleting bridge ${name}: ${r.stderr.trim()}`);
}

/** The instance's bridges present on the host: `${ifPrefix}<n>`. */
export async function instanceBridges(ifPrefix: string): Promise<string[]> {
  const re = new RegExp(`^${ifPrefix}\\d+$`);
  return (await links()).map((l) => l.ifname).filter((n) => re.test(n));
}
