/**
 * Rollback, the way kubectl 1.27–1.33 does it: `kubectl rollout undo [--to-revision]` copies the
 * chosen ReplicaSet's template back into the Deployment itself (apps/v1 has no rollbackTo). All
 * the controller has to do is recognise that the Deployment's template is one an existing
 * ReplicaSet already runs, make that ReplicaSet the new one again instead of creating a copy, and
 * give it the next revision — recording the revision it had before in revision-history, which is
 * how `kubectl rollout history` shows a revision moving to the top.
 */
import { resources } from '../../client/index.js';
import type { ReplicaSet } from '../replicaset/index.js';
import {
  equalIgnoreHash, REVISION, setNewReplicaSetAnnotations, type Deployment, type SyncContext,
} from './util.js';
import { byCreation } from './util.js';

/** The oldest ReplicaSet whose template is the Deployment's (FindNewReplicaSet). */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/**
 * Re-annotates the existing ReplicaSet for the current template: the Deployment's annotations,
 * revision `newRevision` when it was older, minReadySeconds. Writes only when something changed.
 */
export async function reviveReplicaSet(ctx: SyncContext, d: Deployment, rs: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
  const copy = structuredClone(rs);
  const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
  const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
  if (!annotationsChanged && !minReadyChanged) return rs;
  copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
  return ctx.client.update<ReplicaSet>(resources.replicasets, copy);
}

/** The Deployment carries the revision of its new ReplicaSet (SetDeploymentRevision). */
export function revisionNeedsUpdate(d: Deployment, revision: string | undefined): boolean {
  return revision !== undefined && d.metadata?.annotations?.[REVISION] !== revision;
}
