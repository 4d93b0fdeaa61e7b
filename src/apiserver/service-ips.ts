/**
 * ClusterIP and NodePort allocation for Services, done by the registry on create as the real
 * server's service REST does. The used set is rebuilt from the stored Services when first needed
 * and kept in memory after; addresses handed out but not yet stored are held in the same set, so
 * two concurrent creates never get the same address.
 */
import { BosunError } from '../errors/index.js';
import type { KObject } from '../api/index.js';
import type { Store } from '../store/index.js';

type ServiceSpec = {
  type?: string; clusterIP?: string; clusterIPs?: string[]; ipFamilies?: string[]; ipFamilyPolicy?: string;
  ports?: Array<{ port?: number; nodePort?: number; protocol?: string; targetPort?: number | string }>;
  sessionAffinity?: string; internalTrafficPolicy?: string; externalTrafficPolicy?: string;
};

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

const invalid = (name: string, field: string, message: string) =>
  new BosunError('Invalid', `Service "${name}" is invalid: ${field}: ${message}`, { details: { name, kind: 'Service' }, causes: [{ field, reason: 'FieldValueInvalid', message }] });

export class ServiceIpAllocator {
  private readonly base: number;
  private readonly size: number;
  private used?: Promise<{ ips: Set<string>; ports: Set<number> }>;

  constructor(private readonly store: Store, cidr: string) {
    const [net, bits] = cidr.split('/');
    this.base = ipToInt(net);
    this.size = 2 ** (32 - Number(bits));
  }

  /** The first address of the range belongs to the `kubernetes` Service, as in Kubernetes. */
  get apiServiceIp(): string {
    return intToIp(this.base + 1);
  }

  private load() {
    this.used ??= this.store.list('/registry/services/').then((res) => {
      const ips = new Set<string>();
      const ports = new Set<number>();
      for (const kv of res.items) {
        const spec = ((kv.value as KObject).spec ?? {}) as ServiceSpec;
        if (spec.clusterIP && spec.clusterIP !== 'None') ips.add(spec.clusterIP);
        for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
      }
      return { ips, ports };
    });
    return this.used;
  }

  private inRange(ip: string): boolean {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
    const n = ipToInt(ip);
    return n > this.base && n < this.base + this.size - 1;
  }

  /** Fills spec.clusterIP(s) and node ports of a new Service, reserving them. */
  async assign(svc: KObject): Promise<void> {
    const spec = (svc.spec ??= {}) as ServiceSpec;
    const name = svc.metadata?.name ?? '';
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    for (const p of spec.ports ?? []) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
    if (spec.type === 'ExternalName') return;
    spec.internalTrafficPolicy ??= 'Cluster';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    const { ips, ports } = await this.load();
    if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    } else if (spec.clusterIP) {
      if (!this.inRange(spec.clusterIP)) throw invalid(name, 'spec.clusterIPs', `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range`);
      if (ips.has(spec.clusterIP)) throw invalid(name, 'spec.clusterIPs', `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
      ips.add(spec.clusterIP);
      spec.clusterIPs = [spec.clusterIP];
    } else {
      const start = Math.floor(Math.random() * (this.size - 3));
      let ip: string | undefined;
      for (let i = 0; i < this.size - 3 && !ip; i++) {
        const cand = intToIp(this.base + 2 + ((start + i) % (this.size - 3)));
        if (!ips.has(cand)) ip = cand;
      }
      if (!ip) throw new BosunError('Internal', 'failed to allocate a serviceIP: range is full');
      ips.add(ip);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
    this.nodePorts(spec, name, ports, new Set());
  }

  /** Gives every port of a NodePort/LoadBalancer Service a node port; `own` are ports it already holds. */
  private nodePorts(spec: ServiceSpec, name: string, used: Set<number>, own: Set<number>): void {
    if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') return;
    spec.externalTrafficPolicy ??= 'Cluster';
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (p.nodePort) {
        if (used.has(p.nodePort) && !own.has(p.nodePort)) throw invalid(name, `spec.ports[${i}].nodePort`, `Invalid value: ${p.nodePort}: provided port is already allocated`);
      } else {
        let port = NODE_PORT_MIN + Math.floor(Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
        while (used.has(port)) port = port === NODE_PORT_MAX ? NODE_PORT_MIN : port + 1;
        p.nodePort = port;
      }
      used.add(p.nodePort);
    }
  }

  /**
   * clusterIP is immutable: an update that omits it keeps it, one that changes it is refused.
   * Node ports carry over, and a Service turned NodePort/LoadBalancer gets the ones it lacks.
   */
  async keep(cur: KObject, next: KObject): Promise<void> {
    const c = (cur.spec ?? {}) as ServiceSpec;
    const n = (next.spec ??= {}) as ServiceSpec;
    if (n.type === 'ExternalName' || c.type === 'ExternalName') return;
    if (!n.clusterIP) {
      n.clusterIP = c.clusterIP;
      n.clusterIPs = c.clusterIPs;
    } else if (n.clusterIP !== c.clusterIP) {
      throw invalid(next.metadata?.name ?? '', 'spec.clusterIPs[0]', 'Invalid value: field is immutable');
    }
    n.clusterIPs ??= c.clusterIPs;
    n.ipFamilies ??= c.ipFamilies;
    n.ipFamilyPolicy ??= c.ipFamilyPolicy;
    for (const p of n.ports ?? []) {
      const old = (c.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (!p.nodePort && old?.nodePort && (n.type === 'NodePort' || n.type === 'LoadBalancer')) p.nodePort = old.nodePort;
    }
    const { ports } = await this.load();
    this.nodePorts(n, next.metadata?.name ?? '', ports, new Set((c.ports ?? []).map((p) => p.nodePort ?? 0)));
  }

  release(svc: KObject): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    void this.load().then(({ ips, ports }) => {
      if (spec.clusterIP) ips.delete(spec.clusterIP);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.delete(p.nodePort);
    });
  }
}
