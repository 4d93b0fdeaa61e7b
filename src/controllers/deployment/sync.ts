/**
 * The parts of a Deployment sync every strategy shares (pkg/controller/deployment/sync.go):
 * finding or creating the new ReplicaSet for the current template (and syncing revisions),
 * scaling a ReplicaSet with its replica annotations and ScalingReplicaSet event, proportional
 * scaling when the Deployment is resized mid-rollout or paused, revision history cleanup, and
 * status — the Deployment controller is the only writer of Deployment status.
 */
import { deepEqual } from '../../api/index.js';
import { isKind } from '../../errors/index.js';
import { resources } from '../../client/index.js';
import { newControllerRef } from '../framework/owner-refs.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { findNewReplicaSet, reviveReplicaSet, revisionNeedsUpdate } from './rollback.js';
import {
  activeReplicaSets, annotationNumber, availableReplicas, byCreation, computeHash, DESIRED_REPLICAS, equalIgnoreHash, getCondition,
  isRollingUpdate, MAX_REPLICAS, maxRevision, maxSurge, maxUnavailable, newCondition, POD_TEMPLATE_HASH, readyReplicas, replicasOf,
  REVISION, revisionOf, setCondition, setNewReplicaSetAnnotations, setReplicasAnnotations, specReplicas, statusReplicas,
  type Deployment, type DeploymentStatus, type SyncContext,
} from './util.js';

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export const all = (s: ReplicaSets): ReplicaSet[] => (s.newRS ? [...s.oldRSs, s.newRS] : [...s.oldRSs]);

/** Updates the Deployment's metadata (annotations) and keeps `d` current for the writes after it. */
async function writeDeploymentAnnotations(ctx: SyncContext, d: Deployment, annotations: Record<string, string>): Promise<void> {
  const updated = await ctx.client.patch<Deployment>(resources.deployments, d.metadata!.name!,
    { metadata: { annotations, resourceVersion: d.metadata!.resourceVersion } }, 'merge', { namespace: d.metadata!.namespace });
  d.metadata = updated.metadata;
}

/** Writes status when it differs from what the Deployment has. */
export async function writeStatus(ctx: SyncContext, d: Deployment, status: DeploymentStatus): Promise<void> {
  if (deepEqual(d.status ?? {}, status)) return;
  const updated = await ctx.client.update<Deployment>(resources.deployments, { ...d, status }, { subresource: 'status' });
  d.metadata = updated.metadata;
  d.status = updated.status;
}

/**
 * Splits the Deployment's ReplicaSets into the new one (current template) and the old ones, and
 * brings revisions in line. With `create`, a missing new ReplicaSet is created.
 */
export async function getAllReplicaSetsAndSyncRevision(ctx: SyncContext, d: Deployment, rss: ReplicaSet[], create: boolean): Promise<ReplicaSets> {
  const existing = findNewReplicaSet(d, rss);
  const oldRSs = rss.filter((rs) => rs !== existing);
  const newRS = await getNewReplicaSet(ctx, d, oldRSs, existing, create);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(ctx: SyncContext, d: Deployment, oldRSs: ReplicaSet[],
  existing: ReplicaSet | undefined, create: boolean): Promise<ReplicaSet | undefined> {
  const newRevision = maxRevision(oldRSs) + 1;
  const status: DeploymentStatus = structuredClone(d.status ?? {});
  if (existing) {
    const rs = await reviveReplicaSet(ctx, d, existing, newRevision);
    const revision = rs.metadata?.annotations?.[REVISION];
    if (revisionNeedsUpdate(d, revision)) await writeDeploymentAnnotations(ctx, d, { [REVISION]: revision! });
    if (!getCondition(status, 'Progressing')) {
      setCondition(status, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${rs.metadata!.name}"`, ctx.now()));
      await writeStatus(ctx, d, status);
    }
    return rs;
  }
  if (!create) return undefined;

  const collisionCount = d.status?.collisionCount;
  const hash = computeHash(d.spec.template, collisionCount);
  const template = structuredClone(d.spec.template);
  ((template.metadata ??= {}).labels ??= {})[POD_TEMPLATE_HASH] = hash;
  const selector = structuredClone(d.spec.selector);
  (selector.matchLabels ??= {})[POD_TEMPLATE_HASH] = hash;
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata!.name}-${hash}`, namespace: d.metadata!.namespace, labels: { ...template.metadata!.labels },
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  rs.spec.replicas = newReplicaCount(d, all({ newRS: rs, oldRSs }), rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let createdRS: ReplicaSet;
  try {
    createdRS = await ctx.client.create<ReplicaSet>(resources.replicasets, rs, { namespace: d.metadata!.namespace });
  } catch (err) {
    if (!isKind(err, 'AlreadyExists')) {
      const st = structuredClone(d.status ?? {});
      setCondition(st, newCondition('ReplicaFailure', 'True', 'FailedRSCreate', `Failed to create new replica set "${rs.metadata!.name}": ${(err as Error).message}`, ctx.now()));
      await writeStatus(ctx, d, st);
      throw err;
    }
    // Either our own create the informer has not shown yet, or a hash collision with a stranger.
    const other = await ctx.client.get<ReplicaSet>(resources.replicasets, rs.metadata!.name!, d.metadata!.namespace);
    const ours = other.metadata?.ownerReferences?.some((r) => r.controller && r.uid === d.metadata!.uid);
    if (ours && equalIgnoreHash(other.spec.template, d.spec.template)) return other;
    const st = structuredClone(d.status ?? {});
    st.collisionCount = (st.collisionCount ?? 0) + 1;
    await writeStatus(ctx, d, st);
    throw err;
  }
  if ((createdRS.spec.replicas ?? 0) > 0) {
    ctx.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${createdRS.metadata!.name} to ${createdRS.spec.replicas} from 0`);
  }
  await writeDeploymentAnnotations(ctx, d, { [REVISION]: String(newRevision) });
  const st = structuredClone(d.status ?? {});
  setCondition(st, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${createdRS.metadata!.name}"`, ctx.now()));
  await writeStatus(ctx, d, st);
  return createdRS;
}

/** How big the new ReplicaSet may be now (NewRSNewReplicas): within maxSurge for RollingUpdate, everything for Recreate. */
export function newReplicaCount(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = specReplicas(allRSs);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return newRS.spec.replicas ?? 0;
  const up = Math.min(maxTotal - current, replicasOf(d) - (newRS.spec.replicas ?? 0));
  return (newRS.spec.replicas ?? 0) + up;
}

/**
 * Sets a ReplicaSet's size and replica annotations; records ScalingReplicaSet when the size moved.
 * Returns the ReplicaSet as written (or as it was, when nothing needed writing).
 */
export async function scaleReplicaSet(ctx: SyncContext, d: Deployment, rs: ReplicaSet, size: number): Promise<ReplicaSet> {
  const copy = structuredClone(rs);
  const from = rs.spec.replicas ?? 0;
  const annotationsChanged = setReplicasAnnotations(copy, replicasOf(d), replicasOf(d) + maxSurge(d));
  if (from === size && !annotationsChanged) return rs;
  copy.spec.replicas = size;
  const updated = await ctx.client.update<ReplicaSet>(resources.replicasets, copy);
  if (from !== size) {
    ctx.events.event(d, 'Normal', 'ScalingReplicaSet',
      `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata!.name} to ${size} from ${from}`);
  }
  return updated;
}

/**
 * A resize while a rollout is under way or paused (DeploymentController.scale): the one active
 * ReplicaSet takes it all; otherwise the difference is spread over the active ReplicaSets in
 * proportion to their size, the largest (newest on ties) getting the rounding leftovers.
 */
export async function scale(ctx: SyncContext, d: Deployment, s: ReplicaSets): Promise<void> {
  const active = activeReplicaSets(all(s));
  const activeOrLatest = active.length === 1 ? active[0]
    : active.length === 0 ? (s.newRS ?? [...s.oldRSs].sort(byCreation).at(-1)) : undefined;
  if (activeOrLatest) {
    if ((activeOrLatest.spec.replicas ?? 0) !== replicasOf(d)) await scaleReplicaSet(ctx, d, activeOrLatest, replicasOf(d));
    return;
  }
  const n = replicasOf(d);
  if (s.newRS && (s.newRS.spec.replicas ?? 0) === n && annotationNumber(s.newRS, DESIRED_REPLICAS) === n
    && (s.newRS.status?.availableReplicas ?? 0) === n) {
    for (const rs of activeReplicaSets(s.oldRSs)) await scaleReplicaSet(ctx, d, rs, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allowed = n > 0 ? n + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(active);
  if (toAdd === 0) return;
  const sized = [...active].sort((a, b) => {
    const diff = (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0);
    if (diff) return diff;
    return toAdd > 0 ? -byCreation(a, b) : byCreation(a, b);
  });
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of sized) {
    const p = proportion(d, rs, toAdd, added);
    sizes.set(rs, (rs.spec.replicas ?? 0) + p);
    added += p;
  }
  const leftover = toAdd - added;
  if (leftover !== 0 && sized.length) sizes.set(sized[0]!, Math.max(0, sizes.get(sized[0]!)! + leftover));
  for (const rs of sized) await scaleReplicaSet(ctx, d, rs, sizes.get(rs)!);
}

function proportion(d: Deployment, rs: ReplicaSet, toAdd: number, added: number): number {
  if ((rs.spec.replicas ?? 0) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(d, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(d: Deployment, rs: ReplicaSet): number {
  const n = replicasOf(d);
  if (n === 0) return -(rs.spec.replicas ?? 0);
  const deploymentReplicas = n + maxSurge(d);
  const annotated = annotationNumber(rs, MAX_REPLICAS) ?? (d.status?.replicas ?? 0);
  if (!annotated) return 0;
  return Math.round(((rs.spec.replicas ?? 0) * deploymentReplicas) / annotated) - (rs.spec.replicas ?? 0);
}

/** Did spec.replicas change since the ReplicaSets were last sized for it? */
export function isScalingEvent(d: Deployment, s: ReplicaSets): boolean {
  for (const rs of activeReplicaSets(all(s))) {
    const desired = annotationNumber(rs, DESIRED_REPLICAS);
    if (desired !== undefined && desired !== replicasOf(d)) return true;
  }
  return false;
}

/** Deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(ctx: SyncContext, d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of byRevision.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0) continue;
    if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await ctx.client.delete(resources.replicasets, rs.metadata!.name!, { namespace: rs.metadata!.namespace, preconditions: { uid: rs.metadata!.uid } });
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
  }
}

/** The status the ReplicaSets add up to, with the Available condition (calculateStatus). */
export function calculateStatus(ctx: SyncContext, d: Deployment, s: ReplicaSets): DeploymentStatus {
  const rss = all(s);
  const available = availableReplicas(rss);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation,
    replicas: statusReplicas(rss),
    updatedReplicas: s.newRS?.status?.replicas ?? 0,
    readyReplicas: readyReplicas(rss),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(rss) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  status.conditions = structuredClone(d.status?.conditions ?? []);
  // Every count is omitempty on the wire: zeros are left out, as the real controller's writes show.
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (!status[k]) delete status[k];
  }
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', ctx.now()));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', ctx.now()));
  }
  return status;
}

export async function syncDeploymentStatus(ctx: SyncContext, d: Deployment, s: ReplicaSets): Promise<void> {
  await writeStatus(ctx, d, calculateStatus(ctx, d, s));
}

/** A paused Deployment, or a pure resize: scale without rolling, then status (DeploymentController.sync). */
export async function syncScaleOnly(ctx: SyncContext, d: Deployment, rss: ReplicaSet[]): Promise<void> {
  const s = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, false);
  await scale(ctx, d, s);
  if (d.spec.paused) await cleanupDeployment(ctx, d, s.oldRSs);
  await syncDeploymentStatus(ctx, d, s);
}
