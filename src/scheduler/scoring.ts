/**
 * Score plugins (0–100 each, summed): NodeResourcesFit's LeastAllocated — prefer the node with the
 * most cpu and memory left after placing the pod — and spreading — prefer the node running the
 * fewest pods of the same controller, so a ReplicaSet's replicas land on different nodes.
 * Containers without requests count as 100m cpu and 200Mi memory here (the scheduler's non-zero
 * defaults), otherwise best-effort pods would all pile onto one node.
 */
import { controllerRefOf } from '../controllers/framework/index.js';
import { podRequests, type NodeInfo, type Pod } from './node-info.js';

const DEFAULT_CPU_MILLI = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

function nonZero(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0, memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = podRequests({ spec: { containers: [c] } });
    cpu += r.cpu || DEFAULT_CPU_MILLI;
    memory += r.memory || DEFAULT_MEMORY;
  }
  return { cpu, memory };
}

export function leastAllocated(pod: Pod, ni: NodeInfo): number {
  const want = nonZero(pod);
  let used = { cpu: 0, memory: 0 };
  for (const p of ni.pods) {
    const r = nonZero(p);
    used = { cpu: used.cpu + r.cpu, memory: used.memory + r.memory };
  }
  const score = (r: 'cpu' | 'memory') => {
    const cap = ni.allocatable(r);
    if (cap <= 0) return 0;
    const after = used[r] + want[r];
    return after > cap ? 0 : ((cap - after) * 100) / cap;
  };
  return (score('cpu') + score('memory')) / 2;
}

/** 100 on the node with the fewest pods of the pod's controller, down to 0 on the one with the most. */
export function spreadScores(pod: Pod, nodes: NodeInfo[]): Map<NodeInfo, number> {
  const ref = controllerRefOf(pod);
  const out = new Map<NodeInfo, number>();
  const counts = nodes.map((ni) => (ref ? ni.pods.filter((p) => controllerRefOf(p)?.uid === ref.uid).length : 0));
  const max = Math.max(0, ...counts);
  nodes.forEach((ni, i) => out.set(ni, max === 0 ? 100 : ((max - counts[i]!) * 100) / max));
  return out;
}

/** The best node: highest total score, the name breaking ties so equal runs choose alike. */
export function pickNode(pod: Pod, feasible: NodeInfo[]): NodeInfo | undefined {
  const spread = spreadScores(pod, feasible);
  let best: NodeInfo | undefined;
  let bestScore = -1;
  for (const ni of [...feasible].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const s = leastAllocated(pod, ni) + spread.get(ni)!;
    if (s > bestScore) {
      best = ni;
      bestScore = s;
    }
  }
  return best;
}
