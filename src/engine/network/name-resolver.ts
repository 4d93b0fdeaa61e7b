/**
 * Docker's embedded-DNS semantics for user-defined networks, as a resolver for src/dns: a query
 * arriving on a network's gateway is answered from the endpoints of every network the asking
 * container shares with the target (container name, aliases, 12-char short ID, hostname, and
 * `name.network`), with PTR for their addresses. Names it does not own are never forwarded: a
 * single label is NXDOMAIN (it would have been a container), anything else REFUSED.
 */
import { parseReverseName, RCode, type DnsClient, type Question, type Response, type ResourceRecord } from '../../dns/index.js';
import type { Endpoint } from './store.js';

const TTL = 600;

export interface NameView {
  /** Ready endpoints on the network with this ID. */
  endpointsOn(networkId: string): Endpoint[];
  /** Ready endpoints of one container key, on any network. */
  endpointsOf(key: string): Endpoint[];
  networkName(networkId: string): string | undefined;
  /** Whether the network serves names (user-defined bridge networks). */
  servesNames(networkId: string): boolean;
}

export function namesOf(e: Endpoint, networkName: string): string[] {
  const base = [e.name, ...e.aliases, e.key.slice(0, 12), ...(e.hostname ? [e.hostname] : [])].filter(Boolean).map((n) => n.toLowerCase());
  return [...new Set([...base, ...base.map((n) => `${n}.${networkName.toLowerCase()}`)])];
}

export function resolveName(view: NameView, networkId: string, q: Question, client: DnsClient): Response {
  // The asker's networks, this one first; a client we do not know (the host) sees this network only.
  const asker = view.endpointsOn(networkId).find((e) => e.attachment?.ipAddress === client.address);
  const nets = [networkId, ...(asker ? view.endpointsOf(asker.key).map((e) => e.networkId).filter((id) => id !== networkId && view.servesNames(id)) : [])];

  const ptr = parseReverseName(q.name);
  if (ptr !== undefined) {
    for (const id of nets) {
      const e = view.endpointsOn(id).find((x) => x.attachment?.ipAddress === ptr);
      if (e) {
        const answers: ResourceRecord[] = q.type === 12 || q.type === 255 ? [{ name: q.name, ttl: TTL, data: { type: 'PTR', target: `${e.name}.${view.networkName(id) ?? ''}` } }] : [];
        return { rcode: RCode.NOERROR, authoritative: true, answers };
      }
    }
    return { rcode: RCode.REFUSED };
  }

  const name = q.name.replace(/\.$/, '');
  for (const id of nets) {
    const netName = view.networkName(id) ?? '';
    const hits = view.endpointsOn(id).filter((e) => e.attachment && namesOf(e, netName).includes(name));
    if (!hits.length) continue;
    // Known name, other type (AAAA from a dual-stack resolver): NOERROR with no data, not NXDOMAIN,
    // so the resolver keeps the A answer.
    const answers: ResourceRecord[] = q.type === 1 || q.type === 255 ? hits.map((e) => ({ name: q.name, ttl: TTL, data: { type: 'A' as const, address: e.attachment!.ipAddress } })) : [];
    return { rcode: RCode.NOERROR, authoritative: true, answers };
  }
  return name.includes('.') ? { rcode: RCode.REFUSED } : { rcode: RCode.NXDOMAIN, authoritative: true };
}
