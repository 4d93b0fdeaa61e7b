/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods matching
 * the selector. Handlers only enqueue the owning ReplicaSet's `namespace/name`; `sync` claims pods
 * (adopting matching orphans, releasing children that stopped matching), creates or deletes toward
 * the desired count only when its expectations say the cache has caught up with its own previous
 * writes, and then writes status — the only writer of ReplicaSet status.
 */
import { isKind } from '../../errors/index.js';
import { labelSelectorMatcher, type KObject, type LabelSelectorObject } from '../../api/index.js';
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import type { ControllerOptions } from '../framework/controller.js';
import { EventRecorder, type EventSink } from '../framework/events.js';
import { UIDTrackingExpectations } from '../framework/expectations.js';
import { keyOf, splitKey } from '../framework/indexer.js';
import type { Informer } from '../framework/informer.js';
import { claimObjects, controllerRefOf } from '../framework/owner-refs.js';
import {
  compareForDeletion, isPodActive, isPodAvailable, isPodReady, podFromTemplate, type Pod, type PodTemplate,
} from '../framework/pods.js';
import { WorkQueue } from '../framework/workqueue.js';

/** At most this many creates or deletes per sync, so one huge scale cannot starve the others. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
  conditions?: Array<{ type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }>;
}

export type ReplicaSet = KObject & {
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelectorObject; template: PodTemplate };
  status?: Partial<ReplicaSetStatus>;
};

export class ReplicaSetController {
  readonly queue = new WorkQueue();
  readonly expectations = new UIDTrackingExpectations();
  private readonly events: EventSink;
  private readonly now: () => number;

  constructor(
    private readonly client: ControllerClient,
    private readonly rsInformer: Informer<ReplicaSet>,
    private readonly podInformer: Informer<Pod>,
    opts: ControllerOptions = {},
  ) {
    this.events = opts.events ?? new EventRecorder(client, 'replicaset-controller');
    this.now = opts.now ?? Date.now;
    rsInformer.addHandlers({
      add: (rs) => this.queue.add(keyOf(rs)),
      update: (_old, rs) => this.queue.add(keyOf(rs)),
      delete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    podInformer.addHandlers({
      add: (pod) => this.podAdded(pod),
      update: (old, pod) => this.podUpdated(old, pod),
      delete: (pod) => this.podDeleted(pod),
    });
  }

  /** The ReplicaSet a controller reference points at, if the cache has that very one (same uid). */
  private resolve(namespace: string | undefined, ref: ReturnType<typeof controllerRefOf>): ReplicaSet | undefined {
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.rsInformer.store.getByName(namespace, ref.name);
    return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** Orphans wake every ReplicaSet whose selector matches, so one of them can adopt. */
  private enqueueMatching(pod: Pod): void {
    for (const rs of this.rsInformer.store.listNamespace(pod.metadata?.namespace ?? '')) {
      if (labelSelectorMatcher(rs.spec?.selector)(pod.metadata?.labels)) this.queue.add(keyOf(rs));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      // Restarted controllers can see a pod already being deleted as new: count it as a deletion.
      this.podDeleted(pod);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata?.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.queue.add(keyOf(rs));
      return;
    }
    this.enqueueMatching(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) {
      // Graceful deletion: the pod is on its way out, and the ReplicaSet may replace it now.
      this.podDeleted(pod);
    }
    const oldRef = controllerRefOf(old), ref = controllerRefOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const prev = this.resolve(old.metadata?.namespace, oldRef);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (ref) {
      const rs = this.resolve(pod.metadata?.namespace, ref);
      if (!rs) return;
      this.queue.add(keyOf(rs));
      // A pod that just became ready turns available minReadySeconds later: look again then.
      const minReady = rs.spec.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    const rs = this.resolve(pod.metadata?.namespace, ref);
    if (!rs) return;
    this.expectations.deletionObservedOf(keyOf(rs), keyOf(pod));
    this.queue.add(keyOf(rs));
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.rsInformer.store.getByName(namespace, name);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key) && !rs.metadata?.deletionTimestamp;
    const matches = labelSelectorMatcher(rs.spec.selector);
    const candidates = this.podInformer.store.listNamespace(namespace ?? '').filter(isPodActive);
    const pods = await claimObjects(candidates, {
      client: this.client, ref: resources.pods, owner: rs, ownerApiVersion: 'apps/v1', ownerKind: 'ReplicaSet', matches,
      recheckOwner: async () => {
        try {
          return await this.client.get(resources.replicasets, name, namespace);
        } catch (err) {
          if (isKind(err, 'NotFound')) return undefined;
          throw err;
        }
      },
    });
    let manageError: unknown;
    if (needsSync) {
      try {
        await this.manageReplicas(key, rs, pods);
      } catch (err) {
        manageError = err;
      }
    }
    const status = this.computeStatus(rs, pods, manageError);
    const written = await this.writeStatus(rs, status);
    const minReady = rs.spec.minReadySeconds ?? 0;
    const desired = rs.spec.replicas ?? 1;
    if (manageError === undefined && minReady > 0 && written.readyReplicas === desired && written.availableReplicas !== desired) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  private async manageReplicas(key: string, rs: ReplicaSet, pods: Pod[]): Promise<void> {
    const diff = pods.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      // Expect all of them before the first call: a create's watch event may beat the call's reply.
      this.expectations.expectCreations(key, n);
      let created = 0;
      let failure: unknown;
      // Slow start (batches of 1, 2, 4, …): a quota or admission failure costs one call, not n.
      for (let batch = 1; created < n && failure === undefined; batch *= 2) {
        const size = Math.min(batch, n - created);
        const results = await Promise.allSettled(Array.from({ length: size }, () => this.createPod(rs)));
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          this.expectations.creationObserved(key);
          failure ??= r.reason;
        }
        created += size;
      }
      // Creates never attempted will never be observed either.
      for (let i = created; i < n; i++) this.expectations.creationObserved(key);
      // A terminating namespace refuses new pods; the garbage collector is about to remove the set anyway.
      if (failure !== undefined && !isKind(failure, 'Forbidden')) throw failure;
      return;
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const victims = [...pods].sort(compareForDeletion).slice(0, n);
      this.expectations.expectDeletionsOf(key, victims.map((p) => keyOf(p)));
      const results = await Promise.allSettled(victims.map(async (pod) => {
        try {
          await this.client.delete(resources.pods, pod.metadata!.name!, { namespace: pod.metadata!.namespace, preconditions: { uid: pod.metadata!.uid } });
          this.events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata!.name}`);
        } catch (err) {
          // The informer will never observe this deletion: stop waiting for it.
          this.expectations.deletionObservedOf(key, keyOf(pod));
          if (!isKind(err, 'NotFound')) {
            this.events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
            throw err;
          }
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async createPod(rs: ReplicaSet): Promise<void> {
    const pod = podFromTemplate(rs.spec.template, rs, 'apps/v1', 'ReplicaSet');
    try {
      const created = await this.client.create(resources.pods, pod, { namespace: rs.metadata!.namespace });
      this.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata!.name}`);
    } catch (err) {
      this.events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private computeStatus(rs: ReplicaSet, pods: Pod[], manageError: unknown): ReplicaSetStatus {
    const templateLabels = rs.spec.template?.metadata?.labels ?? {};
    const minReady = rs.spec.minReadySeconds ?? 0;
    const now = this.now();
    let fullyLabeled = 0, ready = 0, available = 0;
    for (const p of pods) {
      const labels = p.metadata?.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (isPodReady(p)) ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
    const status: ReplicaSetStatus = {
      replicas: pods.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available,
      observedGeneration: rs.metadata?.generation,
    };
    // ReplicaFailure tells `kubectl describe` why pods are missing (quota, admission, validation).
    const prior = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    const others = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
    if (manageError !== undefined && pods.length < (rs.spec.replicas ?? 1) && !isKind(manageError, 'Conflict')) {
      const message = (manageError as Error).message;
      const cond = prior?.status === 'True' && prior.message === message ? prior
        : { type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), reason: 'FailedCreate', message };
      status.conditions = [...others, cond];
    } else if (others.length) {
      status.conditions = others;
    }
    return status;
  }

  /** Writes status when it changed; a conflict re-reads the ReplicaSet and tries once more. */
  private async writeStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSetStatus> {
    const cur = rs.status ?? {};
    const same = (['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const)
      .every((k) => (cur[k] ?? 0) === (status[k] ?? 0))
      && JSON.stringify(cur.conditions ?? []) === JSON.stringify(status.conditions ?? []);
    if (same) return status;
    // Zero counts are left out, as the real API's omitempty fields are (replicas is not omitempty).
    const wire: Partial<ReplicaSetStatus> = { ...status };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) if (!wire[k]) delete wire[k];
    if (!wire.conditions) delete wire.conditions;
    const body = (base: KObject): KObject => ({ ...structuredClone(base), status: wire });
    try {
      await this.client.update(resources.replicasets, body(rs), { subresource: 'status' });
    } catch (err) {
      if (isKind(err, 'NotFound')) return status;
      if (!isKind(err, 'Conflict')) throw err;
      const fresh = await this.client.get(resources.replicasets, rs.metadata!.name!, rs.metadata!.namespace);
      await this.client.update(resources.replicasets, body(fresh), { subresource: 'status' });
    }
    return status;
  }
}
