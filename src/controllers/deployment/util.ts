/**
 * Deployment facts shared by the sync, rolling, recreate, rollback and progress halves
 * (pkg/controller/deployment/util): annotation names, the pod-template-hash, surge/unavailable
 * arithmetic, revisions and conditions.
 */
import { deepEqual, type KObject, type LabelSelectorObject } from '../../api/index.js';
import type { ControllerClient } from '../framework/client.js';
import type { EventSink } from '../framework/events.js';
import type { PodTemplate } from '../framework/pods.js';
import type { ReplicaSet } from '../replicaset/index.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Annotations that describe one ReplicaSet and are never copied from its Deployment. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

/** progressDeadlineSeconds = MaxInt32 means "no deadline" (the field's documented sentinel). */
export const NO_DEADLINE = 2147483647;

export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: DeploymentCondition[];
}

export type IntOrPercent = number | string;

export type Deployment = KObject & {
  spec: {
    replicas?: number;
    selector: LabelSelectorObject;
    template: PodTemplate;
    strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
};

/** What every step of a sync needs. */
export interface SyncContext {
  client: ControllerClient;
  events: EventSink;
  now: () => number;
  /** Asks for another sync of this Deployment after `ms` (progress deadlines, minReadySeconds). */
  requeueAfter: (ms: number) => void;
}

export const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const replicasOf = (o: { spec?: { replicas?: number } }) => o.spec?.replicas ?? 1;

// --- pod-template-hash ------------------------------------------------------------------------

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * FNV-32a of the template (keys sorted) and the collision count, written as a decimal string whose
 * characters are mapped onto a vowel-free alphabet (rand.SafeEncodeString) — the same shape as
 * Kubernetes' hashes ("5d8f7c9b4"), so names stay valid DNS labels and never spell words.
 */
export function computeHash(template: PodTemplate, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const feed = (bytes: Uint8Array) => {
    for (const b of bytes) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  };
  feed(Buffer.from(canonical(semantic(template)), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    feed(b);
  }
  return [...String(h >>> 0)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}

/**
 * Drops null values and empty arrays, recursively. Kubernetes compares decoded Go structs, where
 * `"creationTimestamp": null` (which kubectl's `rollout undo` patch carries in the template) and
 * an absent field, or `[]` and no list, are the same thing; JSON objects must be normalised to
 * compare the same way.
 */
function semantic<T>(v: T): T {
  if (Array.isArray(v)) return v.map(semantic) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) continue;
      out[k] = semantic(x);
    }
    return out as T;
  }
  return v;
}

/** Templates equal apart from the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  const strip = (t: PodTemplate | undefined) => {
    const c = semantic(structuredClone(t ?? {}));
    if (c.metadata?.labels) {
      delete c.metadata.labels[POD_TEMPLATE_HASH];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

// --- surge and unavailability ----------------------------------------------------------------

/** An int-or-percent scaled against `total`; percentages round up or down as asked. */
export function scaledValue(v: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * ResolveFenceposts: surge rounds up, unavailable rounds down, and both at zero would deadlock a
 * rollout, so unavailable becomes 1 (validation forbids asking for both 0 explicitly).
 */
export function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const n = replicasOf(d);
  const surge = scaledValue(ru.maxSurge ?? '25%', n, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', n, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export const isRollingUpdate = (d: Deployment) => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicasOf(d));
}

// --- replica counts ---------------------------------------------------------------------------

export const specReplicas = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
export const statusReplicas = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
export const activeReplicaSets = (rss: ReplicaSet[]) => rss.filter((rs) => (rs.spec.replicas ?? 0) > 0);

const created = (rs: KObject) => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;
/** Oldest first; the name breaks ties (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: KObject, b: KObject): number {
  return created(a) - created(b) || (a.metadata!.name! < b.metadata!.name! ? -1 : 1);
}

// --- revisions --------------------------------------------------------------------------------

export function revisionOf(o: KObject | undefined): number {
  const v = Number(o?.metadata?.annotations?.[REVISION] ?? '0');
  return Number.isFinite(v) ? v : 0;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/**
 * Brings a ReplicaSet's annotations in line with its Deployment (SetNewReplicaSetAnnotations):
 * copies the Deployment's own annotations (change-cause included, which `kubectl rollout history`
 * shows), raises the revision to `newRevision` — remembering a superseded revision in
 * revision-history, the trace a rollback leaves — and, on a new ReplicaSet, the replica annotations.
 * Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const ann = ((rs.metadata ??= {}).annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const old = ann[REVISION];
  const oldNum = Number(old ?? '0');
  if (old === undefined || oldNum < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
    if (old !== undefined && oldNum > 0) {
      ann[REVISION_HISTORY] = ann[REVISION_HISTORY] ? `${ann[REVISION_HISTORY]},${old}` : old;
    }
  }
  if (!exists) setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d));
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = ((rs.metadata ??= {}).annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS] !== String(desired)) {
    ann[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS] !== String(max)) {
    ann[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function annotationNumber(o: KObject, key: string): number | undefined {
  const v = o.metadata?.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

// --- conditions -------------------------------------------------------------------------------

export function getCondition(st: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return st?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: number): DeploymentCondition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** SetDeploymentCondition: an identical status+reason changes nothing; the same status keeps its transition time. */
export function setCondition(st: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(st, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  st.conditions = [...(st.conditions ?? []).filter((x) => x.type !== c.type), c];
}

export function removeCondition(st: DeploymentStatus, type: string): void {
  if (!st.conditions) return;
  st.conditions = st.conditions.filter((c) => c.type !== type);
}

/** All replicas updated, running and available, for the current generation (DeploymentComplete). */
export function deploymentComplete(d: Deployment, st: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return (st.updatedReplicas ?? 0) === n && (st.replicas ?? 0) === n && (st.availableReplicas ?? 0) === n
    && (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

export const hasProgressDeadline = (d: Deployment) => (d.spec.progressDeadlineSeconds ?? 600) !== NO_DEADLINE;
