/**
 * The Node object and its heartbeats. Like the kubelet: the Node is created (or adopted) once,
 * its status is patched when something changed and at least every NODE_STATUS_REPORT_MS so the
 * conditions' lastHeartbeatTime stays fresh, and a Lease in kube-node-lease is renewed every
 * LEASE_RENEW_MS — the cheap heartbeat the node lifecycle controller watches.
 */
import { arch, hostname } from 'node:os';
import { isKind } from '../errors/index.js';
import type { KObject } from '../api/index.js';
import { resources } from '../client/index.js';
import type { ControllerClient } from '../controllers/framework/index.js';
import { diskStats, hostInfo, memAvailableKi } from './host-info.js';

export const LEASE_RENEW_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;
const NODE_STATUS_REPORT_MS = 60_000;
const LEASE_NAMESPACE = 'kube-node-lease';
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

const stamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** MicroTime: RFC3339 with exactly six fractional digits. */
const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export interface NodeOptions {
  nodeName?: string;
  dataDir: string;
  podCidr: string;
  /** InternalIP: the pod network's gateway, the host's address as pods see it. */
  internalIP: string;
  runtimeVersion: string;
  kubeletVersion: string;
  log: (msg: string) => void;
}

export function defaultNodeName(): string {
  return hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

interface Condition { type: string; status: string; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string }

export class NodeRegistration {
  readonly name: string;
  private node?: KObject;
  private conditions: Condition[] = [];
  private lastReport = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private leaseFailures = 0;

  constructor(private readonly client: ControllerClient, private readonly o: NodeOptions) {
    this.name = o.nodeName ?? defaultNodeName();
  }

  private computeConditions(now: string): Condition[] {
    const memLow = memAvailableKi() < 100 * 1024;
    const disk = diskStats(this.o.dataDir);
    const diskLow = disk.free < disk.total * 0.1;
    const want: Array<[string, boolean, string, string]> = [
      ['MemoryPressure', memLow, memLow ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory', memLow ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available'],
      ['DiskPressure', diskLow, diskLow ? 'KubeletHasDiskPressure' : 'KubeletHasNoDiskPressure', diskLow ? 'kubelet has disk pressure' : 'kubelet has no disk pressure'],
      ['PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', true, 'KubeletReady', 'kubelet is posting ready status'],
    ];
    return want.map(([type, on, reason, message]) => {
      const status = on ? 'True' : 'False';
      const prev = this.conditions.find((c) => c.type === type);
      return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now };
    });
  }

  private status(now: string): Record<string, unknown> {
    const info = hostInfo(this.o.dataDir, this.o.runtimeVersion, this.o.kubeletVersion);
    this.conditions = this.computeConditions(now);
    return {
      capacity: info.capacity,
      allocatable: info.allocatable,
      conditions: this.conditions,
      addresses: [{ type: 'InternalIP', address: this.o.internalIP }, { type: 'Hostname', address: this.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: info.nodeInfo,
    };
  }

  /** Creates or adopts the Node and its Lease; the first status is written before this resolves. */
  async register(): Promise<void> {
    const a = GOARCH[arch()] ?? arch();
    const labels = {
      'kubernetes.io/hostname': this.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': a,
      'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': a,
    };
    const spec = { podCIDR: this.o.podCidr, podCIDRs: [this.o.podCidr] };
    try {
      this.node = await this.client.create(resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: this.name, labels }, spec });
    } catch (err) {
      if (!isKind(err, 'AlreadyExists')) throw err;
      // Re-registration after a restart: keep the object (and whatever labels users added).
      this.node = await this.client.patch(resources.nodes, this.name, { metadata: { labels }, spec }, 'merge');
    }
    await this.reportStatus();
    await this.renewLease();
    this.schedule();
  }

  private async reportStatus(): Promise<void> {
    const now = stamp();
    this.node = await this.client.patch(resources.nodes, this.name, { status: this.status(now) }, 'merge', { subresource: 'status' });
    this.lastReport = Date.now();
  }

  private async ensureLeaseNamespace(): Promise<void> {
    try {
      await this.client.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LEASE_NAMESPACE } });
    } catch (err) {
      if (!isKind(err, 'AlreadyExists')) throw err;
    }
  }

  private async renewLease(): Promise<void> {
    const spec = { holderIdentity: this.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime() };
    try {
      await this.client.patch(resources.leases, this.name, { spec }, 'merge', { namespace: LEASE_NAMESPACE });
      return;
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
    const lease: KObject = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: {
        name: this.name, namespace: LEASE_NAMESPACE,
        ownerReferences: this.node?.metadata?.uid ? [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: this.node.metadata.uid }] : undefined,
      },
      spec,
    };
    try {
      await this.client.create(resources.leases, lease, { namespace: LEASE_NAMESPACE });
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
      await this.ensureLeaseNamespace();
      await this.client.create(resources.leases, lease, { namespace: LEASE_NAMESPACE });
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    // Failed renewals retry sooner, as the kubelet's lease controller does (200 ms doubling).
    const delay = this.leaseFailures ? Math.min(200 * 2 ** (this.leaseFailures - 1), LEASE_RENEW_MS) : LEASE_RENEW_MS;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.renewLease();
      const before = JSON.stringify(this.conditions.map((c) => [c.type, c.status]));
      const now = this.computeConditions(stamp());
      if (JSON.stringify(now.map((c) => [c.type, c.status])) !== before || Date.now() - this.lastReport >= NODE_STATUS_REPORT_MS) await this.reportStatus();
      this.leaseFailures = 0;
    } catch (err) {
      this.leaseFailures++;
      this.o.log(`node ${this.name}: heartbeat failed: ${(err as Error).message}`);
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
