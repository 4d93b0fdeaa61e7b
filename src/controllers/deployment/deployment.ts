/**
 * The Deployment controller (pkg/controller/deployment): handlers enqueue the owning Deployment's
 * `namespace/name`; `sync` claims ReplicaSets by selector and ownerReferences, then takes one
 * level-based step — scale-only when paused or resized, otherwise the strategy's rollout — and
 * writes status.
 */
import { isKind } from '../../errors/index.js';
import { labelSelectorMatcher } from '../../api/index.js';
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import type { ControllerOptions } from '../framework/controller.js';
import { EventRecorder, type EventSink } from '../framework/events.js';
import { keyOf, splitKey } from '../framework/indexer.js';
import type { Informer } from '../framework/informer.js';
import { claimObjects, controllerRefOf, type OwnerReference } from '../framework/owner-refs.js';
import type { Pod } from '../framework/pods.js';
import { WorkQueue } from '../framework/workqueue.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { checkPausedConditions } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { getAllReplicaSetsAndSyncRevision, isScalingEvent, syncDeploymentStatus, syncScaleOnly, writeStatus } from './sync.js';
import type { Deployment, SyncContext } from './util.js';

const OWNER_INDEX = 'controller-uid';

export class DeploymentController {
  readonly queue = new WorkQueue();
  private readonly events: EventSink;
  private readonly now: () => number;

  constructor(
    private readonly client: ControllerClient,
    private readonly dInformer: Informer<Deployment>,
    private readonly rsInformer: Informer<ReplicaSet>,
    private readonly podInformer: Informer<Pod>,
    opts: ControllerOptions = {},
  ) {
    this.events = opts.events ?? new EventRecorder(client, 'deployment-controller');
    this.now = opts.now ?? Date.now;
    const byOwner = (o: Pod | ReplicaSet) => {
      const ref = controllerRefOf(o);
      return ref ? [ref.uid] : [];
    };
    rsInformer.store.addIndex(OWNER_INDEX, byOwner);
    podInformer.store.addIndex(OWNER_INDEX, byOwner);
    dInformer.addHandlers({
      add: (d) => this.queue.add(keyOf(d)),
      update: (_o, d) => this.queue.add(keyOf(d)),
      delete: (d) => this.queue.add(keyOf(d)),
    });
    rsInformer.addHandlers({
      add: (rs) => this.rsChanged(rs),
      update: (old, rs) => {
        const oldRef = controllerRefOf(old);
        if (oldRef && oldRef.uid !== controllerRefOf(rs)?.uid) this.enqueueRef(old.metadata?.namespace, oldRef);
        this.rsChanged(rs);
      },
      delete: (rs) => this.enqueueRef(rs.metadata?.namespace, controllerRefOf(rs)),
    });
    podInformer.addHandlers({
      // Only Recreate waits on pods: it may proceed once the last old pod is gone.
      delete: (pod) => {
        const rsRef = controllerRefOf(pod);
        const rs = rsRef?.kind === 'ReplicaSet' ? this.rsInformer.store.getByName(pod.metadata?.namespace, rsRef.name) : undefined;
        if (!rs || rs.metadata?.uid !== rsRef?.uid) return;
        const d = this.resolve(rs.metadata?.namespace, controllerRefOf(rs));
        if (d && d.spec.strategy?.type === 'Recreate') this.queue.add(keyOf(d));
      },
    });
  }

  private resolve(namespace: string | undefined, ref: OwnerReference | undefined): Deployment | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.dInformer.store.getByName(namespace, ref.name);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  private enqueueRef(namespace: string | undefined, ref: OwnerReference | undefined): void {
    const d = this.resolve(namespace, ref);
    if (d) this.queue.add(keyOf(d));
  }

  private rsChanged(rs: ReplicaSet): void {
    const ref = controllerRefOf(rs);
    if (ref) {
      this.enqueueRef(rs.metadata?.namespace, ref);
      return;
    }
    for (const d of this.dInformer.store.listNamespace(rs.metadata?.namespace ?? '')) {
      if (labelSelectorMatcher(d.spec?.selector)(rs.metadata?.labels)) this.queue.add(keyOf(d));
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.dInformer.store.getByName(namespace, name);
    if (!cached) return;
    const d = structuredClone(cached);
    const ctx: SyncContext = { client: this.client, events: this.events, now: this.now, requeueAfter: (ms) => this.queue.addAfter(key, ms) };
    const sel = d.spec.selector ?? {};
    if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      // An empty selector would match every pod in the namespace: refuse, as Kubernetes does.
      this.events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await writeStatus(ctx, d, { ...(d.status ?? {}), observedGeneration: d.metadata?.generation });
      }
      return;
    }
    const rss = await this.claimReplicaSets(d);
    if (d.metadata?.deletionTimestamp) {
      const s = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, false);
      return syncDeploymentStatus(ctx, d, s);
    }
    await checkPausedConditions(ctx, d);
    if (d.spec.paused) return syncScaleOnly(ctx, d, rss);
    const probe = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, false);
    if (isScalingEvent(d, probe)) return syncScaleOnly(ctx, d, rss);
    if (d.spec.strategy?.type === 'Recreate') {
      return rolloutRecreate(ctx, d, rss, (rs) => this.podInformer.store.byIndex(OWNER_INDEX, rs.metadata!.uid!));
    }
    return rolloutRolling(ctx, d, rss);
  }

  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const ns = d.metadata!.namespace!;
    return claimObjects(this.rsInformer.store.listNamespace(ns), {
      client: this.client, ref: resources.replicasets, owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment',
      matches: labelSelectorMatcher(d.spec.selector),
      recheckOwner: async () => {
        try {
          return await this.client.get(resources.deployments, d.metadata!.name!, ns);
        } catch (err) {
          if (isKind(err, 'NotFound')) return undefined;
          throw err;
        }
      },
    });
  }
}
