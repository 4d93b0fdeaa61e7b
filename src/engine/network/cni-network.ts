/**
 * Network implemented with the standard CNI plugins (bridge + host-local) on Linux bridges the
 * instance owns, iptables chains under its chainPrefix, fence routes for its subnets, and the
 * embedded DNS server on every user network's gateway.
 *
 * Concurrency: network-level mutations (create, remove, prune, start) run under one in-process
 * lock; attach and detach hold it only for their bookkeeping (endpoint record, interface name,
 * port reservation), and run the CNI plugins outside it, side by side (host-local IPAM serializes
 * its lease files with its own file lock), bounded by a process pool. Operations of one container
 * key are serialized among themselves (KeyedLock). Rules are rebuilt from the whole in-memory state
 * (see rules.ts) by one coalesced sync, only when published ports or bridges change, so a crash is
 * repaired by the next start().
 *
 * Endpoint states: "adding" (record written, CNI ADD running), "ready", "removing" (CNI DEL
 * running); start() releases every endpoint that is not "ready".
 */
import { hostResolvConf } from './resolv-conf.js';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Instance } from '../../server/instance.js';
import type { EngineEvents } from '../events.js';
import { BosunError, badRequest, conflict, internal, notFound } from '../../errors/index.js';
import { startDnsServer, type DnsServer } from '../../dns/index.js';
import type { Attachment, AttachOptions, Network, NetworkRecord } from './types.js';
import { contains, formatCidr, formatIp, nth, overlaps, parseCidr, parseIp, subnets, within, type Cidr } from './cidr.js';
import { mountPoints, NetnsDir } from './netns.js';
import { NetworkFiles, type Endpoint, type StoredNetwork } from './store.js';
import { deleteBridge, disableIpv6, ensureBridge } from './bridge.js';
import { ensureFenceRoute, removeFenceRoute, FENCE_METRIC } from './fence.js';
import { applyRules, dnatPorts, ensureJumps, type DnatPort } from './iptables.js';
import { reservePorts } from './ports.js';
import { invokeCni } from './cni-plugin.js';
import { resolveName, type NameView } from './name-resolver.js';
import { releaseLeases } from './leases.js';
import { teardownNetwork } from './teardown.js';
import { runOk } from './exec.js';
import { chains, type RuleState } from './rules.js';
import { KeyedLock } from './keyed-lock.js';
import { Limiter } from './limiter.js';
import { CoalescedSync } from './coalesced-sync.js';

const PREDEFINED = ['bridge', 'host', 'none'] as const;
/**
 * CNI plugin runs at once. Each run is a bridge plugin that execs host-local; both mostly wait on
 * the kernel's rtnl lock and the IPAM file lock, so a few more than the cores keeps them busy.
 */
const CNI_PARALLEL = 8;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const newId = () => randomBytes(32).toString('hex');
const endpointId = (key: string, networkId: string) => createHash('sha256').update(`${key}@${networkId}`).digest('hex');

function record(name: string, driver: NetworkRecord['Driver'], ipam: NetworkRecord['IPAM']['Config'], extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    Id: newId(),
    Name: name,
    Created: new Date().toISOString(),
    Scope: 'local',
    Driver: driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: ipam },
    Internal: false,
    Attachable: false,
    Ingress: false,
    Options: {},
    Labels: {},
    ...extra,
  };
}

export class CniNetwork implements Network {
  private readonly files: NetworkFiles;
  private readonly netns: NetnsDir;
  private readonly nets = new Map<string, StoredNetwork>();
  private readonly eps = new Map<string, Endpoint>();
  private readonly dns = new Map<string, DnsServer>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly perKey = new KeyedLock();
  private readonly cni = new Limiter(CNI_PARALLEL);
  private readonly rules = new CoalescedSync(() => applyRules(this.ruleState()));
  private readonly supernet: Cidr;
  private dnatRead: Promise<DnatPort[]> | undefined;

  constructor(private readonly instance: Instance, private readonly events: EngineEvents) {
    this.files = new NetworkFiles(instance.paths.networks);
    this.netns = new NetnsDir(instance.paths.netns);
    this.supernet = parseCidr(instance.supernet);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  // ---- lookups -------------------------------------------------------------------------------

  private find(ref: string): StoredNetwork {
    const all = [...this.nets.values()];
    const hit = all.find((n) => n.record.Id === ref) ?? all.find((n) => n.record.Name === ref);
    if (hit) return hit;
    const byPrefix = ref ? all.filter((n) => n.record.Id.startsWith(ref)) : [];
    if (byPrefix.length > 1) throw badRequest(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    if (!byPrefix.length) throw notFound(`network ${ref} not found`, { details: { kind: 'network', name: ref } });
    return byPrefix[0];
  }

  private endpointsOn(networkId: string): Endpoint[] {
    return [...this.eps.values()].filter((e) => e.networkId === networkId);
  }

  private isUserBridge(n: StoredNetwork): boolean {
    return n.record.Driver === 'bridge' && n.record.Name !== 'bridge';
  }

  /** The supernet plus every user subnet that lies outside it. */
  private fenced(): string[] {
    const out = [this.instance.supernet];
    for (const n of this.nets.values()) {
      for (const c of n.record.IPAM.Config) if (!within(parseCidr(c.Subnet), this.supernet)) out.push(c.Subnet);
    }
    return out;
  }

  private ruleState(): RuleState {
    const ports = [];
    for (const e of this.eps.values()) {
      if (e.state !== 'ready') continue;
      for (const p of e.attachment?.ports ?? []) ports.push({ ...p, ip: e.attachment!.ipAddress });
    }
    return {
      chainPrefix: this.instance.chainPrefix,
      ifPrefix: this.instance.ifPrefix,
      bridges: [...this.nets.values()].flatMap((n) => (n.bridge ? [n.bridge] : [])),
      fenced: this.fenced(),
      ports,
    };
  }

  private view(): NameView {
    return {
      endpointsOn: (id) => this.endpointsOn(id).filter((e) => e.state === 'ready'),
      endpointsOf: (key) => [...this.eps.values()].filter((e) => e.key === key && e.state === 'ready'),
      networkName: (id) => this.nets.get(id)?.record.Name,
      servesNames: (id) => { const n = this.nets.get(id); return n !== undefined && this.isUserBridge(n); },
    };
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(): Promise<void> {
    return this.locked(async () => {
      this.files.init();
      mkdirSync(this.instance.paths.cni, { recursive: true });
      this.nets.clear();
      for (const n of this.files.networks()) this.nets.set(n.record.Id, n);
      for (const name of PREDEFINED) {
        if ([...this.nets.values()].some((n) => n.record.Name === name)) continue;
        const n = this.predefined(name);
        this.files.saveNetwork(n);
        this.nets.set(n.record.Id, n);
      }
      this.eps.clear();
      for (const e of this.files.endpoints()) this.eps.set(`${e.key}@${e.networkId}`, e);

      await this.netns.ensureShared();
      for (const f of this.fenced()) await ensureFenceRoute(f);
      for (const n of this.nets.values()) if (n.bridge) await ensureBridge(n.bridge, this.gatewayCidr(n));

      // Half-done attaches (crash between the record and CNI ADD) and endpoints whose namespace is
      // gone (its container was cleaned up while no server ran) give their leases back.
      const mounted = new Set(mountPoints());
      for (const e of [...this.eps.values()]) {
        const alive = mounted.has(e.netnsPath) || (!e.netnsPath.startsWith(`${this.netns.dir}/`) && existsSync(e.netnsPath));
        if (e.state !== 'ready' || !alive || !this.nets.has(e.networkId)) {
          await this.release(e).catch((err: Error) => console.error(`releasing endpoint ${e.key} on ${e.networkId}: ${err.message}`));
        }
      }

      await this.rules.request();
      await ensureJumps(this.instance.chainPrefix);
      for (const n of this.nets.values()) if (this.isUserBridge(n)) await this.startDns(n);
    });
  }

  async close(): Promise<void> {
    await this.locked(async () => {
      for (const [id, d] of this.dns) {
        await d.close();
        this.dns.delete(id);
      }
    });
  }

  async destroy(): Promise<void> {
    await this.close();
    await teardownNetwork(this.instance);
    this.eps.clear();
  }

  private predefined(name: (typeof PREDEFINED)[number]): StoredNetwork {
    if (name === 'bridge') {
      const subnet = parseCidr(this.instance.defaultBridgeSubnet);
      const bridge = `${this.instance.ifPrefix}0`;
      return {
        bridge,
        record: record('bridge', 'bridge', [{ Subnet: formatCidr(subnet), Gateway: formatIp(nth(subnet, 1)) }], {
          Options: {
            'com.docker.network.bridge.default_bridge': 'true',
            'com.docker.network.bridge.enable_icc': 'true',
            'com.docker.network.bridge.enable_ip_masquerade': 'false',
            'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
            'com.docker.network.bridge.name': bridge,
            'com.docker.network.driver.mtu': '1500',
          },
        }),
      };
    }
    return { record: record(name, name === 'host' ? 'host' : 'null', []) };
  }

  private gatewayCidr(n: StoredNetwork): string {
    const c = n.record.IPAM.Config[0];
    return `${c.Gateway}/${parseCidr(c.Subnet).prefix}`;
  }

  private async startDns(n: StoredNetwork): Promise<void> {
    if (this.dns.has(n.record.Id)) return;
    const id = n.record.Id;
    try {
      const server = await startDnsServer({ host: n.record.IPAM.Config[0].Gateway, port: 53, resolve: (q, client) => resolveName(this.view(), id, q, client) });
      this.dns.set(id, server);
    } catch (e) {
      // Another DNS server owning *:53 on the host: containers still get addresses, only names fail.
      console.error(`network ${n.record.Name}: embedded DNS unavailable on ${n.record.IPAM.Config[0].Gateway}:53: ${(e as Error).message}`);
    }
  }

  private async stopDns(id: string): Promise<void> {
    const d = this.dns.get(id);
    this.dns.delete(id);
    await d?.close();
  }

  // ---- networks ------------------------------------------------------------------------------

  async list(): Promise<NetworkRecord[]> {
    return [...this.nets.values()].map((n) => n.record);
  }

  async get(ref: string): Promise<NetworkRecord> {
    return this.find(ref).record;
  }

  async create(name: string, opts: { driver?: string; subnet?: string; gateway?: string; internal?: boolean; labels?: Record<string, string>; options?: Record<string, string> } = {}): Promise<NetworkRecord> {
    return this.locked(async () => {
      if (!NAME.test(name)) throw badRequest(`invalid network name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      const driver = opts.driver || 'bridge';
      if (driver === 'host' || driver === 'null') throw new BosunError('Forbidden', `only one instance of "${driver}" network is allowed`);
      if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found`);
      if ([...this.nets.values()].some((n) => n.record.Name === name)) throw conflict(`network with name ${name} already exists`);

      // The node agent's pod network is the one network allowed inside the instance's pod range.
      const podNetwork = opts.options?.['bosun.pod-network'] === 'true';
      const subnet = opts.subnet ? await this.checkSubnet(opts.subnet, podNetwork) : this.freeSubnet();
      let gateway = nth(subnet, 1);
      if (opts.gateway) {
        const g = parseIp(opts.gateway);
        if (g === undefined || !contains(subnet, g) || g === subnet.base) throw badRequest(`invalid gateway ${opts.gateway}: not a host address of ${formatCidr(subnet)}`);
        gateway = g;
      }
      const bridge = this.freeBridge();
      const n: StoredNetwork = {
        bridge,
        record: record(name, 'bridge', [{ Subnet: formatCidr(subnet), Gateway: formatIp(gateway) }], {
          Internal: Boolean(opts.internal),
          Labels: opts.labels ?? {},
          Options: { ...(opts.options ?? {}) },
        }),
      };
      const outside = !within(subnet, this.supernet);
      try {
        if (outside) await ensureFenceRoute(formatCidr(subnet));
        await ensureBridge(bridge, this.gatewayCidr(n));
        this.nets.set(n.record.Id, n);
        await this.rules.request();
        this.files.saveNetwork(n);
      } catch (e) {
        this.nets.delete(n.record.Id);
        await deleteBridge(bridge).catch(() => undefined);
        if (outside) await removeFenceRoute(formatCidr(subnet));
        await this.rules.request().catch(() => undefined);
        throw e;
      }
      await this.startDns(n);
      this.events.emit('network', 'create', n.record.Id, { name, type: 'bridge' });
      return n.record;
    });
  }

  /** A user-requested subnet: any size that fits a bridge, overlapping nothing the host routes. */
  private async checkSubnet(s: string, podNetwork = false): Promise<Cidr> {
    let c: Cidr;
    try {
      c = parseCidr(s);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    if (c.prefix < 8 || c.prefix > 30) throw badRequest(`invalid subnet ${s}: prefix length must be between 8 and 30`);
    const overlapErr = () => new BosunError('Forbidden', `Pool overlaps with other one on this address space (${s})`);
    for (const n of this.nets.values()) for (const x of n.record.IPAM.Config) if (overlaps(parseCidr(x.Subnet), c)) throw overlapErr();
    if (podNetwork && !within(c, parseCidr(this.instance.podCidr))) throw badRequest(`invalid pod network subnet ${s}: not within ${this.instance.podCidr}`);
    for (const r of [this.instance.podCidr, this.instance.serviceCidr, this.instance.lbPool]) {
      if (podNetwork && r === this.instance.podCidr) continue;
      if (overlaps(parseCidr(r), c)) throw overlapErr();
    }
    // Host routes (LAN, other instances' fences, VPNs), except this instance's own fence route.
    const routes = JSON.parse(await runOk('ip', ['-j', 'route', 'show', 'table', 'main'])) as Array<{ dst: string; type?: string; metric?: number }>;
    for (const r of routes) {
      if (r.dst === 'default') continue;
      if (r.type === 'unreachable' && r.metric === FENCE_METRIC && r.dst === this.instance.supernet) continue;
      let rc: Cidr;
      try {
        rc = parseCidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
      } catch {
        continue;
      }
      if (overlaps(rc, c) && !within(rc, this.supernet)) throw overlapErr();
    }
    return c;
  }

  private freeSubnet(): Cidr {
    const used = [...this.nets.values()].flatMap((n) => n.record.IPAM.Config.map((x) => parseCidr(x.Subnet)));
    for (const s of subnets(parseCidr(this.instance.userNetworkPool), 24)) {
      if (!used.some((u) => overlaps(u, s))) return s;
    }
    throw badRequest('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  }

  private freeBridge(): string {
    const used = new Set([...this.nets.values()].map((n) => n.bridge));
    for (let i = 1; ; i++) if (!used.has(`${this.instance.ifPrefix}${i}`)) return `${this.instance.ifPrefix}${i}`;
  }

  async remove(ref: string): Promise<void> {
    return this.locked(async () => {
      const n = this.find(ref);
      if ((PREDEFINED as readonly string[]).includes(n.record.Name)) {
        throw new BosunError('Forbidden', `${n.record.Name} is a pre-defined network and cannot be removed`);
      }
      if (this.endpointsOn(n.record.Id).length) {
        throw conflict(`error while removing network: network ${n.record.Name} id ${n.record.Id} has active endpoints`);
      }
      await this.removeLocked(n);
    });
  }

  private async removeLocked(n: StoredNetwork): Promise<void> {
    await this.stopDns(n.record.Id);
    if (n.bridge) await deleteBridge(n.bridge);
    this.nets.delete(n.record.Id);
    await this.rules.request();
    for (const c of n.record.IPAM.Config) if (!within(parseCidr(c.Subnet), this.supernet)) await removeFenceRoute(c.Subnet);
    rmSync(join(this.instance.paths.cni, n.record.Id), { recursive: true, force: true });
    this.files.deleteNetwork(n.record.Id);
    this.events.emit('network', 'destroy', n.record.Id, { name: n.record.Name, type: n.record.Driver });
  }

  async prune(): Promise<string[]> {
    return this.locked(async () => {
      const removed: string[] = [];
      for (const n of [...this.nets.values()]) {
        if ((PREDEFINED as readonly string[]).includes(n.record.Name) || this.endpointsOn(n.record.Id).length) continue;
        await this.removeLocked(n);
        removed.push(n.record.Name);
      }
      return removed;
    });
  }

  // ---- namespaces and endpoints --------------------------------------------------------------

  async createNetns(key: string): Promise<string> {
    return this.perKey.run(key, () => this.netns.create(key));
  }

  async removeNetns(key: string): Promise<void> {
    await this.perKey.run(key, async () => {
      const eps = [...this.eps.values()].filter((e) => e.key === key);
      await Promise.all(eps.map((e) => this.release(e, true)));
      await this.netns.remove(key);
    });
  }

  private cniConf(n: StoredNetwork): { type: string } & Record<string, unknown> {
    const c = n.record.IPAM.Config[0];
    return {
      name: n.record.Id,
      type: 'bridge',
      bridge: n.bridge,
      isGateway: false,
      ipMasq: false,
      hairpinMode: true,
      ipam: {
        type: 'host-local',
        dataDir: this.instance.paths.cni,
        // No routes: a container reaches its own subnet (the gateway included, which is the host)
        // and nothing else; published-port flows arrive SNATed to the gateway (rules.ts).
        ranges: [[{ subnet: c.Subnet, gateway: c.Gateway }]],
      },
    };
  }

  async attach(key: string, netnsPath: string, networkRef: string, opts: AttachOptions): Promise<Attachment> {
    return this.perKey.run(key, async () => {
      const foreign = opts.ports?.length ? await this.foreignDnat() : [];
      const step = await this.locked(() => this.beginAttach(key, netnsPath, networkRef, opts, foreign));
      if ('done' in step) return step.done;
      const { ep, n } = step;
      const c = n.record.IPAM.Config[0];
      const id = n.record.Id;
      try {
        const res = await this.cni.run(() => invokeCni('ADD', this.cniConf(n), { containerId: key, netns: netnsPath, ifName: ep.ifName, extra: opts.ipv4Address ? { IP: opts.ipv4Address } : undefined }));
        const ipc = res?.ips?.[0];
        if (!ipc) throw internal(`CNI bridge returned no address for ${key} on ${n.record.Name}`);
        const [ip, len] = ipc.address.split('/');
        const iface = ipc.interface !== undefined ? res!.interfaces?.[ipc.interface] : res!.interfaces?.find((x) => x.sandbox);
        // The host end of the veth (the container's end never has IPv6: see NetnsDir.create).
        for (const x of res!.interfaces ?? []) if (!x.sandbox && x.name && x.name !== n.bridge) disableIpv6(x.name);
        const ports = ep.reservedPorts ?? [];
        ep.attachment = {
          networkId: id,
          networkName: n.record.Name,
          endpointId: endpointId(key, id),
          ipAddress: ip,
          ipPrefixLen: Number(len),
          gateway: ipc.gateway ?? c.Gateway,
          macAddress: iface?.mac ?? '',
          aliases: ep.aliases,
          ports,
        };
        delete ep.reservedPorts;
        ep.state = 'ready';
        this.files.saveEndpoint(ep);
        if (ports.length) await this.rules.request();
      } catch (e) {
        await this.release(ep).catch(() => undefined);
        throw e;
      }
      this.events.emit('network', 'connect', id, { container: key, name: n.record.Name, type: n.record.Driver });
      return ep.attachment;
    });
  }

  /**
   * The part of attach that needs the lock: the network must not be removed under it, and the
   * address, interface name and host ports it claims must not be claimed twice. It ends with the
   * endpoint recorded as "adding", which is what later attaches see.
   */
  private async beginAttach(key: string, netnsPath: string, networkRef: string, opts: AttachOptions, foreign: DnatPort[]): Promise<{ done: Attachment } | { ep: Endpoint; n: StoredNetwork }> {
    const n = this.find(networkRef === 'default' ? 'bridge' : networkRef);
    const id = n.record.Id;
    const existing = this.eps.get(`${key}@${id}`);
    if (existing?.state === 'ready' && existing.attachment) return { done: existing.attachment };
    if (existing) await this.release(existing);

    if (!n.bridge) {
      // host and none: Docker lists an endpoint, but there is nothing to plug in.
      return { done: { networkId: id, networkName: n.record.Name, endpointId: endpointId(key, id), ipAddress: '', ipPrefixLen: 0, gateway: '', macAddress: '', aliases: opts.aliases ?? [], ports: [] } };
    }

    const c = n.record.IPAM.Config[0];
    const subnet = parseCidr(c.Subnet);
    if (opts.ipv4Address) {
      const ip = parseIp(opts.ipv4Address);
      if (ip === undefined || !contains(subnet, ip) || ip === subnet.base || ip === parseIp(c.Gateway)) {
        throw badRequest(`invalid IPv4 address ${opts.ipv4Address}: not an available host address of ${c.Subnet}`);
      }
      if (this.endpointsOn(id).some((e) => (e.attachment?.ipAddress ?? e.requestedIp) === opts.ipv4Address)) throw conflict(`Address already in use: ${opts.ipv4Address} on network ${n.record.Name}`);
    }
    const ports = opts.ports?.length ? await reservePorts(opts.name || key.slice(0, 12), opts.ports, [...foreign, ...this.ownPorts()]) : [];

    const taken = new Set([...this.eps.values()].filter((e) => e.key === key).map((e) => e.ifName));
    let ifName = 'eth0';
    for (let i = 0; taken.has(ifName); i++) ifName = `eth${i + 1}`;
    const ep: Endpoint = {
      key, networkId: id, netnsPath, ifName, state: 'adding', name: opts.name, aliases: opts.aliases ?? [], hostname: opts.hostname,
      requestedIp: opts.ipv4Address, requestedPorts: opts.ports ?? [], ...(ports.length ? { reservedPorts: ports } : {}),
    };
    this.files.saveEndpoint(ep);
    this.eps.set(`${key}@${id}`, ep);
    return { ep, n };
  }

  /**
   * DNAT rules of other instances and other tools, read before taking the lock (it costs a spawn),
   * one read shared by every attach that asks while it runs: they race with those foreign writers
   * anyway. This instance's own ports come from memory, where in-flight reservations are too.
   */
  private foreignDnat(): Promise<DnatPort[]> {
    if (!this.dnatRead) {
      const own = chains(this.instance.chainPrefix).ports;
      this.dnatRead = dnatPorts().then((all) => all.filter((d) => d.chain !== own)).finally(() => { this.dnatRead = undefined; });
    }
    return this.dnatRead;
  }

  /** Host ports this instance's endpoints hold, those still being attached or detached included. */
  private ownPorts(): DnatPort[] {
    const chain = chains(this.instance.chainPrefix).ports;
    return [...this.eps.values()].flatMap((e) =>
      (e.attachment?.ports ?? e.reservedPorts ?? []).map((p) => ({ protocol: p.protocol, hostIp: p.hostIp, from: p.hostPort, to: p.hostPort, chain })),
    );
  }

  async detach(key: string, netnsPath: string, networkRef: string): Promise<void> {
    await this.perKey.run(key, async () => {
      let n: StoredNetwork;
      try {
        n = this.find(networkRef === 'default' ? 'bridge' : networkRef);
      } catch (e) {
        if (e instanceof BosunError && e.kind === 'NotFound') return;
        throw e;
      }
      const ep = this.eps.get(`${key}@${n.record.Id}`);
      if (!ep) return;
      await this.release(ep, true, netnsPath || ep.netnsPath);
    });
  }

  /**
   * CNI DEL (gives the IP lease back), then the record, then the rules if it published ports.
   * Needs no lock: the endpoint stays in the map (blocking removal of its network, keeping its
   * ports reserved) until its lease is gone, and its key's operations are serialized.
   */
  private async release(ep: Endpoint, announce = false, netnsPath = ep.netnsPath): Promise<void> {
    const n = this.nets.get(ep.networkId);
    ep.state = 'removing';
    this.files.saveEndpoint(ep);
    if (n?.bridge) {
      try {
        await this.cni.run(() => invokeCni('DEL', this.cniConf(n), { containerId: ep.key, netns: netnsPath, ifName: ep.ifName }));
      } catch {
        // The plugin could not finish (a namespace half gone): its lease must still go, or the
        // address is lost until teardown. The veth dies with the namespace.
        releaseLeases(join(this.instance.paths.cni, n.record.Id), ep.key, ep.ifName);
      }
    } else if (!n) {
      rmSync(join(this.instance.paths.cni, ep.networkId), { recursive: true, force: true });
    }
    const hadPorts = Boolean(ep.attachment?.ports.length);
    const k = `${ep.key}@${ep.networkId}`;
    if (this.eps.get(k) === ep) {
      this.eps.delete(k);
      this.files.deleteEndpoint(ep.key, ep.networkId);
    }
    if (hadPorts) await this.rules.request();
    if (announce && n) this.events.emit('network', 'disconnect', n.record.Id, { container: ep.key, name: n.record.Name, type: n.record.Driver });
  }

  async resolvConf(networkNames: string[]): Promise<{ nameservers: string[]; search: string[]; options: string[] }> {
    const nets = networkNames.map((r) => { try { return this.find(r === 'default' ? 'bridge' : r); } catch { return undefined; } });
    const user = nets.find((n) => n && this.isUserBridge(n));
    if (user) return { nameservers: [user.record.IPAM.Config[0].Gateway], search: [], options: ['ndots:0'] };
    // The host network shares the host's resolver; the default bridge gets none (Docker offers no
    // names there and the host's servers lie beyond the fence).
    if (nets.some((n) => n?.record.Driver === 'host')) return hostResolvConf();
    return { nameservers: [], search: [], options: [] };
  }
}
