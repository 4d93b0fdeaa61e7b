/**
 * Rollout progress (pkg/controller/deployment/progress.go): the Progressing condition moves through
 * NewReplicaSetCreated / FoundNewReplicaSet → ReplicaSetUpdated while replicas move, to
 * NewReplicaSetAvailable once the rollout is complete, or to ProgressDeadlineExceeded (status False)
 * when nothing moved for progressDeadlineSeconds — the reason `kubectl rollout status` fails on.
 * The deadline is measured from the condition's lastUpdateTime, so a stalled Deployment needs a
 * sync at that moment even with no event: `requeueAfter` asks for it.
 */
import { deepEqual } from '../../api/index.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { all, calculateStatus, writeStatus, type ReplicaSets } from './sync.js';
import {
  deploymentComplete, getCondition, hasProgressDeadline, newCondition, removeCondition, setCondition,
  type Deployment, type DeploymentStatus, type SyncContext,
} from './util.js';

function timedOut(d: Deployment, st: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st, 'Progressing');
  if (!c || c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < now;
}

function progressing(d: Deployment, st: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export async function syncRolloutStatus(ctx: SyncContext, d: Deployment, s: ReplicaSets): Promise<void> {
  const st = calculateStatus(ctx, d, s);
  const now = ctx.now();
  if (!hasProgressDeadline(d)) removeCondition(st, 'Progressing');
  const cur = getCondition(st, 'Progressing');
  const complete = st.replicas === st.updatedReplicas && cur?.reason === 'NewReplicaSetAvailable';
  const rsName = s.newRS?.metadata?.name;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, st)) {
      setCondition(st, newCondition('Progressing', 'True', 'NewReplicaSetAvailable',
        rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata!.name}" has successfully progressed.`, now));
    } else if (progressing(d, st)) {
      const c = newCondition('Progressing', 'True', 'ReplicaSetUpdated',
        rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata!.name}" is progressing.`, now);
      // Fresh lastUpdateTime (the deadline restarts), same lastTransitionTime while it stays True.
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      removeCondition(st, 'Progressing');
      setCondition(st, c);
    } else if (timedOut(d, st, now)) {
      setCondition(st, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded',
        rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata!.name}" has timed out progressing.`, now));
    }
  }
  const failure = all(s).map((rs: ReplicaSet) => rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True')).find(Boolean);
  if (failure) {
    setCondition(st, newCondition('ReplicaFailure', 'True', failure.reason ?? 'FailedCreate', failure.message ?? '', now));
  } else {
    removeCondition(st, 'ReplicaFailure');
  }
  if (deepEqual(d.status ?? {}, st)) {
    requeueStuck(ctx, d, st);
    return;
  }
  await writeStatus(ctx, d, st);
}

/** Schedules the sync that will notice a deadline passing with nothing else happening. */
function requeueStuck(ctx: SyncContext, d: Deployment, st: DeploymentStatus): void {
  const c = getCondition(st, 'Progressing');
  if (!hasProgressDeadline(d) || !c || c.reason === 'NewReplicaSetAvailable' || c.reason === 'ProgressDeadlineExceeded') return;
  if (deploymentComplete(d, st)) return;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return;
  ctx.requeueAfter(Math.max(1000, from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - ctx.now()));
}

/** Progressing=Unknown with DeploymentPaused / DeploymentResumed, so `kubectl rollout status` can say why nothing moves. */
export async function checkPausedConditions(ctx: SyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const c = getCondition(d.status, 'Progressing');
  if (c?.reason === 'ProgressDeadlineExceeded') return;
  const pausedCond = c?.reason === 'DeploymentPaused';
  const st = structuredClone(d.status ?? {});
  if (d.spec.paused && !pausedCond) {
    setCondition(st, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', ctx.now()));
  } else if (!d.spec.paused && pausedCond) {
    setCondition(st, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', ctx.now()));
  } else {
    return;
  }
  await writeStatus(ctx, d, st);
}
