/**
 * RollingUpdate (pkg/controller/deployment/rolling.go): grow the new ReplicaSet while the total
 * stays within replicas + maxSurge, shrink old ReplicaSets while available pods stay at or above
 * replicas − maxUnavailable. Old ReplicaSets' unhealthy pods go first, since removing them costs
 * no availability. Each sync takes at most one step and returns; the ReplicaSet status changes
 * those steps cause bring the next sync.
 */
import type { ReplicaSet } from '../replicaset/index.js';
import { syncRolloutStatus } from './progress.js';
import { all, cleanupDeployment, getAllReplicaSetsAndSyncRevision, newReplicaCount, scaleReplicaSet, type ReplicaSets } from './sync.js';
import {
  activeReplicaSets, availableReplicas, byCreation, deploymentComplete, maxUnavailable, replicasOf, specReplicas,
  type Deployment, type SyncContext,
} from './util.js';

export async function rolloutRolling(ctx: SyncContext, d: Deployment, rss: ReplicaSet[]): Promise<void> {
  const s = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, true);
  if (await reconcileNewReplicaSet(ctx, d, s)) return syncRolloutStatus(ctx, d, s);
  if (await reconcileOldReplicaSets(ctx, d, s)) return syncRolloutStatus(ctx, d, s);
  const st = d.status ?? {};
  if (deploymentComplete(d, st)) await cleanupDeployment(ctx, d, s.oldRSs);
  return syncRolloutStatus(ctx, d, s);
}

async function reconcileNewReplicaSet(ctx: SyncContext, d: Deployment, s: ReplicaSets): Promise<boolean> {
  const rs = s.newRS;
  if (!rs) return false;
  const cur = rs.spec.replicas ?? 0;
  const want = cur > replicasOf(d) ? replicasOf(d) : newReplicaCount(d, all(s), rs);
  if (want === cur) return false;
  s.newRS = await scaleReplicaSet(ctx, d, rs, want);
  return true;
}

async function reconcileOldReplicaSets(ctx: SyncContext, d: Deployment, s: ReplicaSets): Promise<boolean> {
  const oldCount = specReplicas(s.oldRSs);
  if (oldCount === 0) return false;
  const allCount = specReplicas(all(s));
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = s.newRS ? (s.newRS.spec.replicas ?? 0) - (s.newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(ctx, d, s, maxScaledDown);
  const scaled = await scaleDownOldForRollingUpdate(ctx, d, s);
  return cleaned + scaled > 0;
}

/** Scales old ReplicaSets down by their unavailable pods, oldest first, up to `max`. */
async function cleanupUnhealthyReplicas(ctx: SyncContext, d: Deployment, s: ReplicaSets, max: number): Promise<number> {
  let total = 0;
  const order = [...s.oldRSs].sort(byCreation);
  for (const rs of order) {
    if (total >= max) break;
    const size = rs.spec.replicas ?? 0;
    const avail = rs.status?.availableReplicas ?? 0;
    // Status lags a scale-down: more available than wanted means nothing unhealthy to remove,
    // never a reason to grow an old ReplicaSet.
    if (size === 0 || size <= avail) continue;
    const down = Math.min(max - total, size - avail);
    const updated = await scaleReplicaSet(ctx, d, rs, size - down);
    s.oldRSs[s.oldRSs.indexOf(rs)] = updated;
    total += down;
  }
  return total;
}

/** Scales old ReplicaSets down, oldest first, as far as availability above the minimum allows. */
async function scaleDownOldForRollingUpdate(ctx: SyncContext, d: Deployment, s: ReplicaSets): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const availableCount = availableReplicas(all(s));
  if (availableCount <= minAvailable) return 0;
  const budget = availableCount - minAvailable;
  let total = 0;
  for (const rs of activeReplicaSets(s.oldRSs).sort(byCreation)) {
    if (total >= budget) break;
    const size = rs.spec.replicas ?? 0;
    const down = Math.min(size, budget - total);
    const updated = await scaleReplicaSet(ctx, d, rs, size - down);
    s.oldRSs[s.oldRSs.indexOf(rs)] = updated;
    total += down;
  }
  return total;
}
