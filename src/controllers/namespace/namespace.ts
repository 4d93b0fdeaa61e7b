/**
 * The namespace controller (pkg/controller/namespace): a namespace marked for deletion (phase
 * Terminating) is emptied — every object of every namespaced kind that can be listed and deleted
 * is deleted — and once nothing is left the `kubernetes` finalizer is removed through
 * `namespaces/{name}/finalize`, after which the API server deletes the namespace. Objects still
 * held (by finalizers of their own, or a pod's grace period) make the sync look again later.
 */
import { isKind } from '../../errors/index.js';
import { catalog, type KObject } from '../../api/index.js';
import { resources } from '../../client/index.js';
import type { ControllerClient, ResourceRef } from '../framework/client.js';
import type { Informer } from '../framework/informer.js';
import { WorkQueue } from '../framework/workqueue.js';

/** How long to wait before checking again on content that is still going away. */
export const RECHECK_MS = 2000;

/** Every namespaced kind the catalog can list and delete (what discovery would report). */
export function namespacedResources(): ResourceRef[] {
  return catalog.filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete'))
    .map((r) => ({ group: r.group, version: r.version, resource: r.resource, namespaced: true }));
}

export interface NamespaceControllerOptions {
  /** The namespaced collections to empty (default: namespacedResources()). */
  kinds?: ResourceRef[];
  recheckMs?: number;
  /** Wait before emptying a namespace whose deletion was just seen (Kubernetes waits 5 s). */
  gracePeriodMs?: number;
}

/**
 * Kubernetes delays namespace cleanup by 5 s so that last-moment creates are seen and so that a
 * client deleting a whole manifest (`kubectl delete -f`, namespace first) still finds and deletes
 * each object itself instead of racing the controller into NotFound errors.
 */
const DELETION_GRACE_MS = 5_000;

export class NamespaceController {
  readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 60_000 });

  private readonly kinds: ResourceRef[];
  private readonly recheckMs: number;

  constructor(private readonly client: ControllerClient, private readonly informer: Informer, opts: NamespaceControllerOptions = {}) {
    this.kinds = opts.kinds ?? namespacedResources();
    this.recheckMs = opts.recheckMs ?? RECHECK_MS;
    const grace = opts.gracePeriodMs ?? DELETION_GRACE_MS;
    const enqueue = (ns: KObject) => {
      if (ns.metadata?.deletionTimestamp) this.queue.addAfter(ns.metadata.name!, grace);
    };
    informer.addHandlers({ add: enqueue, update: (_o, ns) => enqueue(ns) });
  }

  async sync(name: string): Promise<void> {
    const ns = this.informer.store.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    const finalizers = (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (!finalizers.includes('kubernetes')) return;
    let remaining = 0;
    for (const ref of this.kinds) {
      let items: KObject[];
      try {
        items = (await this.client.list(ref, { namespace: name })).items;
      } catch (err) {
        // A kind the server does not serve (yet) has nothing in this namespace.
        if (isKind(err, 'NotFound') || isKind(err, 'MethodNotAllowed')) continue;
        throw err;
      }
      for (const o of items) {
        remaining++;
        if (o.metadata?.deletionTimestamp) continue;
        try {
          await this.client.delete(ref, o.metadata!.name!, { namespace: name, propagationPolicy: 'Background' });
        } catch (err) {
          if (!isKind(err, 'NotFound')) throw err;
        }
      }
    }
    if (remaining > 0) {
      // Deletes just issued, or objects still finalizing: verify the namespace is empty on a later pass.
      this.queue.addAfter(name, this.recheckMs);
      return;
    }
    try {
      await this.client.request('PUT', this.client.path(resources.namespaces, undefined, name, 'finalize'), {
        ...ns, spec: { ...(ns.spec as object), finalizers: finalizers.filter((f) => f !== 'kubernetes') },
      });
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
  }
}
