/**
 * Pod facts controllers agree on (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils): what
 * counts as active, ready and available, and how a pod is stamped out of a template.
 */
import type { KObject } from '../../api/index.js';
import { newControllerRef } from './owner-refs.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export type Pod = KObject & {
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: { phase?: string; conditions?: PodCondition[]; containerStatuses?: Array<{ restartCount?: number }>; [k: string]: unknown };
};

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

/** Not finished and not on its way out: what a controller counts toward its replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (a zero minReadySeconds makes every ready pod available). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: Record<string, unknown>;
}

/** A pod for `owner` from its template (controller.GetPodFromTemplate): `<owner>-` generated name, controller ref. */
export function podFromTemplate(template: PodTemplate, owner: KObject, ownerApiVersion: string, ownerKind: string): KObject {
  const tm = template.metadata ?? {};
  const meta: Record<string, unknown> = {
    generateName: `${owner.metadata!.name}-`,
    namespace: owner.metadata!.namespace,
    ownerReferences: [newControllerRef(owner, ownerApiVersion, ownerKind)],
  };
  if (tm.labels) meta.labels = { ...tm.labels };
  if (tm.annotations) meta.annotations = { ...tm.annotations };
  if (tm.finalizers) meta.finalizers = [...tm.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(template.spec ?? {}) };
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Deletion order (controller.ActivePods.Less): unassigned before assigned, Pending before Unknown
 * before Running, not ready before ready, ready for less time first, more restarts first, newer
 * first. Pods earlier in the sorted array go first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const an = !!a.spec?.nodeName, bn = !!b.spec?.nodeName;
  if (an !== bn) return an ? 1 : -1;
  const ap = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0, bp = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (ap !== bp) return ap - bp;
  const ar = isPodReady(a), br = isPodReady(b);
  if (ar !== br) return ar ? 1 : -1;
  if (ar && br) {
    const at = Date.parse(podCondition(a, 'Ready')?.lastTransitionTime ?? '') || 0;
    const bt = Date.parse(podCondition(b, 'Ready')?.lastTransitionTime ?? '') || 0;
    if (at !== bt) return bt - at;
  }
  const restarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ac = Date.parse(a.metadata?.creationTimestamp ?? '') || 0, bc = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  return bc - ac;
}
