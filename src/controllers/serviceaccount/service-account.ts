/**
 * The service account controller (pkg/controller/serviceaccount): every active namespace has a
 * `default` ServiceAccount, recreated if deleted. Since Kubernetes 1.24 no token Secret is made for
 * it: pods get a bound, expiring token projected by the node agent through TokenRequest.
 */
import { isKind } from '../../errors/index.js';
import type { KObject } from '../../api/index.js';
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import type { Informer } from '../framework/informer.js';
import { WorkQueue } from '../framework/workqueue.js';

export const DEFAULT_SERVICE_ACCOUNTS = ['default'];

export class ServiceAccountController {
  readonly queue = new WorkQueue();

  constructor(private readonly client: ControllerClient, private readonly namespaces: Informer, private readonly accounts: Informer,
    private readonly names = DEFAULT_SERVICE_ACCOUNTS) {
    namespaces.addHandlers({ add: (ns) => this.queue.add(ns.metadata!.name!), update: (_o, ns) => this.queue.add(ns.metadata!.name!) });
    accounts.addHandlers({
      delete: (sa) => {
        if (this.names.includes(sa.metadata!.name!)) this.queue.add(sa.metadata!.namespace!);
      },
    });
  }

  /** `key` is a namespace name. */
  async sync(key: string): Promise<void> {
    const ns = this.namespaces.store.get(key);
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
    for (const name of this.names) {
      if (this.accounts.store.getByName(key, name)) continue;
      const sa: KObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: key } };
      try {
        await this.client.create(resources.serviceaccounts, sa, { namespace: key });
      } catch (err) {
        // Already there (the cache is behind), or the namespace started terminating meanwhile.
        if (!isKind(err, 'AlreadyExists') && !isKind(err, 'Forbidden') && !isKind(err, 'NotFound')) throw err;
      }
    }
  }
}
