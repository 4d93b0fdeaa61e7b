/**
 * The instance's iptables rules, computed from state (pure) and applied in one atomic
 * `iptables-restore --noflush` that rewrites only the instance's own chains. Rebuilding the whole
 * set from the persisted networks and endpoints on every change keeps the kernel level-triggered:
 * a crash between two steps is repaired by the next sync.
 *
 *   filter FORWARD    → PREFIX-FWD    same-bridge traffic and published-port (DNAT) flows pass;
 *                                     anything else to or from a fenced subnet is dropped, so
 *                                     containers never reach the outside and networks stay isolated
 *   filter OUTPUT     → PREFIX-OUT    the host may talk to fenced subnets only through our bridges
 *   nat PREROUTING    → PREFIX-PORTS  (dst-type LOCAL) DNAT of published ports
 *   nat OUTPUT        → PREFIX-PORTS  (dst-type LOCAL) the same for clients on the host itself
 *   nat POSTROUTING   → PREFIX-POST   SNAT of published-port flows to the bridge address, so the
 *                                     container's reply comes back through the host's conntrack
 */
import type { PortBinding } from './types.js';

export interface PublishedPort extends PortBinding {
  /** Container address the port is forwarded to. */
  ip: string;
}

export interface RuleState {
  chainPrefix: string;
  ifPrefix: string;
  bridges: string[];
  /** CIDRs no packet may leave the machine for (the supernet and user subnets outside it). */
  fenced: string[];
  ports: PublishedPort[];
}

export interface Chains {
  fwd: string;
  out: string;
  ports: string;
  post: string;
}

export function chains(chainPrefix: string): Chains {
  return { fwd: `${chainPrefix}-FWD`, out: `${chainPrefix}-OUT`, ports: `${chainPrefix}-PORTS`, post: `${chainPrefix}-POST` };
}

export interface Jump {
  table: 'filter' | 'nat';
  chain: string;
  spec: string[];
}

/** Rules in built-in chains that lead into ours; inserted first so host rules cannot pre-empt the fence. */
export function jumps(chainPrefix: string): Jump[] {
  const c = chains(chainPrefix);
  const local = ['-m', 'addrtype', '--dst-type', 'LOCAL'];
  return [
    { table: 'filter', chain: 'FORWARD', spec: ['-j', c.fwd] },
    { table: 'filter', chain: 'OUTPUT', spec: ['-j', c.out] },
    { table: 'nat', chain: 'PREROUTING', spec: [...local, '-j', c.ports] },
    { table: 'nat', chain: 'OUTPUT', spec: [...local, '-j', c.ports] },
    { table: 'nat', chain: 'POSTROUTING', spec: ['-j', c.post] },
  ];
}

/** "" and the unspecified addresses mean every host address: no -d match. */
export function isAnyAddress(hostIp: string): boolean {
  return hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';
}

export function restoreText(s: RuleState): string {
  const c = chains(s.chainPrefix);
  const ours = `${s.ifPrefix}+`;
  const filter = [`:${c.fwd} - [0:0]`, `:${c.out} - [0:0]`];
  for (const br of s.bridges) filter.push(`-A ${c.fwd} -i ${br} -o ${br} -j ACCEPT`);
  filter.push(`-A ${c.fwd} -o ${ours} -m conntrack --ctstate DNAT --ctdir ORIGINAL -j ACCEPT`);
  // Replies of published-port flows: POSTROUTING rewrites their source back to the host address
  // the client dialled, so what leaves the machine no longer carries a fenced address.
  filter.push(`-A ${c.fwd} -i ${ours} -m conntrack --ctstate DNAT --ctdir REPLY -j ACCEPT`);
  for (const f of s.fenced) filter.push(`-A ${c.fwd} -d ${f} -j DROP`, `-A ${c.fwd} -s ${f} -j DROP`);
  filter.push(`-A ${c.out} -o lo -j RETURN`, `-A ${c.out} -o ${ours} -j RETURN`);
  for (const f of s.fenced) filter.push(`-A ${c.out} -d ${f} -j DROP`, `-A ${c.out} -s ${f} -j DROP`);

  const nat = [`:${c.ports} - [0:0]`, `:${c.post} - [0:0]`];
  for (const p of s.ports) {
    const dst = isAnyAddress(p.hostIp) ? '' : `-d ${p.hostIp}/32 `;
    nat.push(`-A ${c.ports} ${dst}-p ${p.protocol} -m ${p.protocol} --dport ${p.hostPort} -j DNAT --to-destination ${p.ip}:${p.containerPort}`);
  }
  // Every published-port flow reaches the container from its gateway: containers have no default
  // route (nothing may leave the machine), so they can answer only an on-link address; and a
  // 127.0.0.1 source (routable to the bridge thanks to route_localnet) could not be answered at all.
  nat.push(`-A ${c.post} -o ${ours} -m conntrack --ctstate DNAT --ctdir ORIGINAL -j MASQUERADE`);

  return ['*filter', ...filter, 'COMMIT', '*nat', ...nat, 'COMMIT', ''].join('\n');
}
