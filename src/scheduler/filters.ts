/**
 * Filter plugins: each answers, for one pod and one node, the reasons the pod cannot go there
 * (empty when it can), worded exactly as Kubernetes' plugins word them — the FailedScheduling
 * message is a histogram of these strings. `resolvable` says whether evicting pods could help
 * (Unschedulable) or not (UnschedulableAndUnresolvable), which picks the preemption sentence.
 */
import { NodeInfo, podRequests, hostPortsOf, type NodeSelectorRequirement, type NodeSelectorTerm, type Pod, type Taint, type Toleration } from './node-info.js';

export interface FilterResult {
  reasons: string[];
  resolvable: boolean;
}

export interface Filter {
  name: string;
  run(pod: Pod, node: NodeInfo): FilterResult | undefined;
}

const fail = (reasons: string[], resolvable: boolean): FilterResult => ({ reasons, resolvable });

/** NodeUnschedulable: `kubectl cordon` sets spec.unschedulable; a toleration of the matching taint overrides it. */
export const nodeUnschedulable: Filter = {
  name: 'NodeUnschedulable',
  run(pod, ni) {
    if (!ni.node.spec?.unschedulable) return undefined;
    const taint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
    if ((pod.spec?.tolerations ?? []).some((t) => tolerates(t, taint))) return undefined;
    return fail(['node(s) were unschedulable'], false);
  },
};

function matchRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': case 'Lt': {
      if (value === undefined || (r.values ?? []).length !== 1) return false;
      const have = Number.parseInt(value, 10), want = Number.parseInt(r.values![0]!, 10);
      if (!Number.isInteger(have) || !Number.isInteger(want) || String(have) !== value.trim()) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default: return false;
  }
}

/** One term: all expressions (labels) and fields (metadata.name only) match; an empty term matches nothing. */
export function matchTerm(term: NodeSelectorTerm, labels: Record<string, string>, name: string): boolean {
  const exprs = term.matchExpressions ?? [], fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  return exprs.every((r) => matchRequirement(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined))
    && fields.every((r) => r.key === 'metadata.name' && matchRequirement(r, name));
}

/** NodeAffinity: spec.nodeSelector (every label equal) and the required node affinity (any term). */
export const nodeAffinity: Filter = {
  name: 'NodeAffinity',
  run(pod, ni) {
    const labels = ni.node.metadata?.labels ?? {};
    const sel = pod.spec?.nodeSelector ?? {};
    const selOk = Object.entries(sel).every(([k, v]) => labels[k] === v);
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const affOk = terms === undefined || terms.some((t) => matchTerm(t, labels, ni.name));
    return selOk && affOk ? undefined : fail(["node(s) didn't match Pod's node affinity/selector"], false);
  },
};

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** TaintToleration: every NoSchedule/NoExecute taint must be tolerated; the first one that is not is named. */
export const taintToleration: Filter = {
  name: 'TaintToleration',
  run(pod, ni) {
    const tols = pod.spec?.tolerations ?? [];
    const bad = (ni.node.spec?.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tols.some((x) => tolerates(x, t)));
    return bad ? fail([`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`], false) : undefined;
  },
};

/** NodePorts: a (protocol, hostPort) pair is taken when another pod holds it on the same or a wildcard host IP. */
export const nodePorts: Filter = {
  name: 'NodePorts',
  run(pod, ni) {
    const wild = (ip?: string) => !ip || ip === '0.0.0.0' || ip === '::';
    const clash = hostPortsOf(pod).some((p) => ni.ports.some((u) => u.hostPort === p.hostPort
      && (u.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && (wild(u.hostIP) || wild(p.hostIP) || u.hostIP === p.hostIP)));
    return clash ? fail(["node(s) didn't have free ports for the requested pod ports"], true) : undefined;
  },
};

/** NodeResourcesFit: pod count first, then every requested resource against allocatable minus what bound pods request. */
export const nodeResourcesFit: Filter = {
  name: 'NodeResourcesFit',
  run(pod, ni) {
    const reasons: string[] = [];
    if (ni.pods.length + 1 > ni.allocatable('pods')) reasons.push('Too many pods');
    const req = podRequests(pod);
    for (const r of Object.keys(req).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1))) {
      if (req[r]! === 0) continue;
      if (req[r]! > ni.allocatable(r) - (ni.requested[r] ?? 0)) reasons.push(`Insufficient ${r}`);
    }
    return reasons.length ? fail(reasons, true) : undefined;
  },
};

const order = (r: string) => (r === 'cpu' ? 0 : r === 'memory' ? 1 : r === 'ephemeral-storage' ? 2 : 3);

/** In the order the default profile runs them. */
export const DEFAULT_FILTERS: Filter[] = [nodeUnschedulable, nodeAffinity, nodePorts, nodeResourcesFit, taintToleration];

/** The reasons a node rejects a pod (first failing filter wins, as in the framework), or undefined when it fits. */
export function runFilters(pod: Pod, ni: NodeInfo, filters = DEFAULT_FILTERS): FilterResult | undefined {
  for (const f of filters) {
    const r = f.run(pod, ni);
    if (r) return r;
  }
  return undefined;
}

/**
 * The FailedScheduling message (framework.FitError): "0/3 nodes are available: 1 Insufficient
 * cpu, 2 node(s) had untolerated taint {…}. preemption: 0/3 nodes are available: 1 No preemption
 * victims found for incoming pod, 2 Preemption is not helpful for scheduling.." — the histogram is
 * sorted as strings, and the doubled final period is what Kubernetes really prints.
 */
export function fitErrorMessage(total: number, results: FilterResult[]): string {
  const hist = (items: string[]) => {
    const counts = new Map<string, number>();
    for (const s of items) counts.set(s, (counts.get(s) ?? 0) + 1);
    return [...counts].map(([s, n]) => `${n} ${s}`).sort().join(', ');
  };
  const reasons = hist(results.flatMap((r) => r.reasons));
  const preemption = hist(results.map((r) => (r.resolvable ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling')));
  return `0/${total} nodes are available: ${reasons}. preemption: 0/${total} nodes are available: ${preemption}..`;
}

export type { NodeInfo };
