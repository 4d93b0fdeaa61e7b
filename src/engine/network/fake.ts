/**
 * MemoryNetwork: the Network contract without touching the host, for unit tests of components
 * built on it (container manager, daemon). Records, endpoints, address leases, published ports and
 * events behave as in CniNetwork (both run network-suite.ts); nothing is plugged into a kernel.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EngineEvents } from '../events.js';
import { BosunError, badRequest, conflict, notFound } from '../../errors/index.js';
import { contains, formatCidr, formatIp, nth, overlaps, parseCidr, parseIp, subnets, type Cidr } from './cidr.js';
import { reservePorts, validateBinding } from './ports.js';
import type { Attachment, AttachOptions, Network, NetworkRecord } from './types.js';

const PREDEFINED = ['bridge', 'host', 'none'];

export interface MemoryNetworkOptions {
  defaultBridgeSubnet: string;
  userNetworkPool: string;
}

interface FakeEndpoint {
  key: string;
  networkId: string;
  attachment: Attachment;
}

export class MemoryNetwork implements Network {
  private readonly nets: NetworkRecord[] = [];
  private readonly eps = new Map<string, FakeEndpoint>();
  private readonly namespaces = new Set<string>();

  constructor(private readonly events: EngineEvents, private readonly opts: MemoryNetworkOptions) {
    const sub = parseCidr(opts.defaultBridgeSubnet);
    this.nets.push(this.record('bridge', 'bridge', [{ Subnet: formatCidr(sub), Gateway: formatIp(nth(sub, 1)) }]));
    this.nets.push(this.record('host', 'host', []));
    this.nets.push(this.record('none', 'null', []));
  }

  private record(name: string, driver: NetworkRecord['Driver'], config: NetworkRecord['IPAM']['Config'], extra: Partial<NetworkRecord> = {}): NetworkRecord {
    return {
      Id: randomBytes(32).toString('hex'), Name: name, Created: new Date().toISOString(), Scope: 'local', Driver: driver, EnableIPv6: false,
      IPAM: { Driver: 'default', Options: null, Config: config }, Internal: false, Attachable: false, Ingress: false, Options: {}, Labels: {}, ...extra,
    };
  }

  private find(ref: string): NetworkRecord {
    const hit = this.nets.find((n) => n.Id === ref) ?? this.nets.find((n) => n.Name === ref);
    if (hit) return hit;
    const byPrefix = ref ? this.nets.filter((n) => n.Id.startsWith(ref)) : [];
    if (byPrefix.length > 1) throw badRequest(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    if (!byPrefix.length) throw notFound(`network ${ref} not found`);
    return byPrefix[0];
  }

  private endpointsOn(id: string): FakeEndpoint[] {
    return [...this.eps.values()].filter((e) => e.networkId === id);
  }

  async list(): Promise<NetworkRecord[]> {
    return [...this.nets];
  }

  async get(ref: string): Promise<NetworkRecord> {
    return this.find(ref);
  }

  async create(name: string, opts: { driver?: string; subnet?: string; gateway?: string; internal?: boolean; labels?: Record<string, string>; options?: Record<string, string> } = {}): Promise<NetworkRecord> {
    const driver = opts.driver || 'bridge';
    if (driver === 'host' || driver === 'null') throw new BosunError('Forbidden', `only one instance of "${driver}" network is allowed`);
    if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found`);
    if (this.nets.some((n) => n.Name === name)) throw conflict(`network with name ${name} already exists`);
    const used = this.nets.flatMap((n) => n.IPAM.Config.map((c) => parseCidr(c.Subnet)));
    let subnet: Cidr | undefined;
    if (opts.subnet) {
      try {
        subnet = parseCidr(opts.subnet);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      if (used.some((u) => overlaps(u, subnet!))) throw new BosunError('Forbidden', `Pool overlaps with other one on this address space (${opts.subnet})`);
    } else {
      for (const s of subnets(parseCidr(this.opts.userNetworkPool), 24)) if (!used.some((u) => overlaps(u, s))) { subnet = s; break; }
      if (!subnet) throw badRequest('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
    }
    const gateway = opts.gateway ?? formatIp(nth(subnet, 1));
    const n = this.record(name, 'bridge', [{ Subnet: formatCidr(subnet), Gateway: gateway }], { Internal: Boolean(opts.internal), Labels: opts.labels ?? {}, Options: opts.options ?? {} });
    this.nets.push(n);
    this.events.emit('network', 'create', n.Id, { name, type: 'bridge' });
    return n;
  }

  async remove(ref: string): Promise<void> {
    const n = this.find(ref);
    if (PREDEFINED.includes(n.Name)) throw new BosunError('Forbidden', `${n.Name} is a pre-defined network and cannot be removed`);
    if (this.endpointsOn(n.Id).length) throw conflict(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    this.nets.splice(this.nets.indexOf(n), 1);
    this.events.emit('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
  }

  async prune(): Promise<string[]> {
    const gone = this.nets.filter((n) => !PREDEFINED.includes(n.Name) && !this.endpointsOn(n.Id).length).map((n) => n.Name);
    for (const name of gone) await this.remove(name);
    return gone;
  }

  async createNetns(key: string): Promise<string> {
    this.namespaces.add(key);
    return `/fake/netns/${key}`;
  }

  async removeNetns(key: string): Promise<void> {
    for (const e of [...this.eps.values()]) if (e.key === key) await this.detach(key, '', e.networkId);
    this.namespaces.delete(key);
  }

  async attach(key: string, _netnsPath: string, networkRef: string, opts: AttachOptions): Promise<Attachment> {
    const n = this.find(networkRef === 'default' ? 'bridge' : networkRef);
    const existing = this.eps.get(`${key}@${n.Id}`);
    if (existing) return existing.attachment;
    const endpointId = createHash('sha256').update(`${key}@${n.Id}`).digest('hex');
    if (!n.IPAM.Config.length) return { networkId: n.Id, networkName: n.Name, endpointId, ipAddress: '', ipPrefixLen: 0, gateway: '', macAddress: '', aliases: opts.aliases ?? [], ports: [] };
    const c = n.IPAM.Config[0];
    const subnet = parseCidr(c.Subnet);
    const taken = new Set(this.endpointsOn(n.Id).map((e) => e.attachment.ipAddress));
    let ip: string | undefined;
    if (opts.ipv4Address) {
      const want = parseIp(opts.ipv4Address);
      if (want === undefined || !contains(subnet, want) || want === subnet.base || opts.ipv4Address === c.Gateway) throw badRequest(`invalid IPv4 address ${opts.ipv4Address}: not an available host address of ${c.Subnet}`);
      if (taken.has(opts.ipv4Address)) throw conflict(`Address already in use: ${opts.ipv4Address} on network ${n.Name}`);
      ip = opts.ipv4Address;
    } else {
      for (let i = 2; i < 2 ** (32 - subnet.prefix) - 1 && !ip; i++) {
        const cand = formatIp(nth(subnet, i));
        if (!taken.has(cand) && cand !== c.Gateway) ip = cand;
      }
      if (!ip) throw badRequest(`no IP addresses available in network ${n.Name}`);
    }
    for (const p of opts.ports ?? []) validateBinding(p);
    const published = [...this.eps.values()].flatMap((e) => e.attachment.ports.map((p) => ({ protocol: p.protocol, hostIp: p.hostIp, from: p.hostPort, to: p.hostPort, chain: 'memory' })));
    const ports = opts.ports?.length ? await reservePorts(opts.name || key.slice(0, 12), opts.ports, published) : [];
    const mac = `02:42:${randomBytes(4).toString('hex').match(/../g)!.join(':')}`;
    const attachment: Attachment = { networkId: n.Id, networkName: n.Name, endpointId, ipAddress: ip, ipPrefixLen: subnet.prefix, gateway: c.Gateway, macAddress: mac, aliases: opts.aliases ?? [], ports };
    this.eps.set(`${key}@${n.Id}`, { key, networkId: n.Id, attachment });
    this.events.emit('network', 'connect', n.Id, { container: key, name: n.Name, type: n.Driver });
    return attachment;
  }

  async detach(key: string, _netnsPath: string, networkRef: string): Promise<void> {
    let n: NetworkRecord;
    try {
      n = this.find(networkRef === 'default' ? 'bridge' : networkRef);
    } catch {
      return;
    }
    if (!this.eps.delete(`${key}@${n.Id}`)) return;
    this.events.emit('network', 'disconnect', n.Id, { container: key, name: n.Name, type: n.Driver });
  }

  async resolvConf(networkNames: string[]): Promise<{ nameservers: string[]; search: string[]; options: string[] }> {
    for (const r of networkNames) {
      const n = this.nets.find((x) => x.Name === r || x.Id === r);
      if (n && n.Driver === 'bridge' && n.Name !== 'bridge') return { nameservers: [n.IPAM.Config[0].Gateway], search: [], options: ['ndots:0'] };
    }
    return { nameservers: [], search: [], options: [] };
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}

  async destroy(): Promise<void> {
    this.eps.clear();
    this.namespaces.clear();
  }
}
