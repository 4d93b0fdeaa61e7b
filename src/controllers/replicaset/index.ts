/**
 * ReplicaSet controller entry: `start(client, opts)` runs it on (possibly shared) informers for
 * replicasets and pods until `stop()`.
 */
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import { launch, type ControllerOptions, type RunningController } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import type { Pod } from '../framework/pods.js';
import { ReplicaSetController, type ReplicaSet } from './replica-set.js';

export { ReplicaSetController, BURST_REPLICAS, type ReplicaSet, type ReplicaSetStatus } from './replica-set.js';

export function start(client: ControllerClient, opts: ControllerOptions = {}): RunningController & { controller: ReplicaSetController } {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const controller = new ReplicaSetController(client, informers.informer<ReplicaSet>(resources.replicasets), informers.informer<Pod>(resources.pods), opts);
  return { controller, ...launch('replicaset-controller', informers, !opts.informers, controller.queue, (k) => controller.sync(k), opts) };
}
