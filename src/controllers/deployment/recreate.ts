/**
 * Recreate (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to zero, wait until
 * none of their pods is left running (terminating ones included — the point of Recreate is that
 * old and new never run side by side), then create or scale up the new ReplicaSet.
 */
import type { Pod } from '../framework/pods.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSet } from './sync.js';
import { activeReplicaSets, deploymentComplete, replicasOf, type Deployment, type SyncContext } from './util.js';

/** `podsOf(rs)`: the pods the informer holds whose controller is that ReplicaSet. */
export async function rolloutRecreate(ctx: SyncContext, d: Deployment, rss: ReplicaSet[], podsOf: (rs: ReplicaSet) => Pod[]): Promise<void> {
  let s = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(s.oldRSs)) {
    const updated = await scaleReplicaSet(ctx, d, rs, 0);
    s.oldRSs[s.oldRSs.indexOf(rs)] = updated;
    scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ctx, d, s);
  const oldRunning = s.oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0
    || podsOf(rs).some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
  if (oldRunning) return syncRolloutStatus(ctx, d, s);
  if (!s.newRS) s = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, true);
  if (s.newRS && (s.newRS.spec.replicas ?? 0) !== replicasOf(d)) s.newRS = await scaleReplicaSet(ctx, d, s.newRS, replicasOf(d));
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, d, s.oldRSs);
  return syncRolloutStatus(ctx, d, s);
}
