/**
 * What the scheduler knows about one node: its allocatable resources, the pods bound to it (or
 * assumed bound by this scheduler while the informer catches up), and what those pods use —
 * requested resources and host ports. Resources are integers: cpu in millicores, everything else
 * in base units (bytes, counts).
 */
import { parseQuantity, type KObject } from '../api/index.js';

export type Resources = Record<string, number>;

export interface ContainerPort {
  containerPort?: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}

interface Container {
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  ports?: ContainerPort[];
}

export type Pod = KObject & {
  spec?: {
    nodeName?: string;
    schedulerName?: string;
    nodeSelector?: Record<string, string>;
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
    tolerations?: Toleration[];
    containers?: Container[];
    initContainers?: Array<Container & { restartPolicy?: string }>;
    overhead?: Record<string, string | number>;
    [k: string]: unknown;
  };
  status?: { phase?: string; conditions?: Array<Record<string, unknown>>; [k: string]: unknown };
};

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export type Node = KObject & {
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { allocatable?: Record<string, string | number>; capacity?: Record<string, string | number> };
};

/** A quantity in the scheduler's integer units: millicores for cpu, base units otherwise. */
export function amount(resource: string, q: string | number): number {
  const v = parseQuantity(q);
  return resource === 'cpu' ? Math.round(v * 1000) : Math.round(v);
}

function add(into: Resources, from: Record<string, string | number> | undefined): void {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + amount(k, v);
}

/**
 * A pod's effective requests (resource.PodRequests): the sum over its containers (and restartable
 * "sidecar" init containers), or the largest single init container when that is bigger, plus
 * pod overhead.
 */
export function podRequests(pod: Pod): Resources {
  const sum: Resources = {};
  for (const c of pod.spec?.containers ?? []) add(sum, c.resources?.requests);
  let sidecars: Resources = {};
  const initMax: Resources = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const r: Resources = {};
    add(r, c.resources?.requests);
    if (c.restartPolicy === 'Always') {
      add(sum, c.resources?.requests);
      sidecars = { ...sidecars };
      add(sidecars, c.resources?.requests);
      continue;
    }
    // A regular init container runs beside the sidecars started before it.
    for (const [k, v] of Object.entries(r)) initMax[k] = Math.max(initMax[k] ?? 0, v + (sidecars[k] ?? 0));
  }
  for (const [k, v] of Object.entries(initMax)) sum[k] = Math.max(sum[k] ?? 0, v);
  add(sum, pod.spec?.overhead);
  return sum;
}

export function hostPortsOf(pod: Pod): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) out.push(p);
  }
  return out;
}

export class NodeInfo {
  readonly pods: Pod[] = [];
  readonly requested: Resources = {};
  readonly ports: ContainerPort[] = [];

  constructor(readonly node: Node) {}

  get name(): string {
    return this.node.metadata!.name!;
  }

  allocatable(resource: string): number {
    const a = this.node.status?.allocatable ?? this.node.status?.capacity ?? {};
    return a[resource] === undefined ? 0 : amount(resource, a[resource]!);
  }

  addPod(pod: Pod): void {
    this.pods.push(pod);
    for (const [k, v] of Object.entries(podRequests(pod))) this.requested[k] = (this.requested[k] ?? 0) + v;
    this.ports.push(...hostPortsOf(pod));
  }
}
