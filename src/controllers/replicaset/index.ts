/**
 * ReplicaSet controller entry: `start(client, opts)` runs it on (possibly shared) informers for
 * replicasets and pods until `stop()`.
 */
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import { runWorkers, type ControllerOptions, type RunningController } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import type { Pod } from '../framework/pods.js';
import { ReplicaSetController, type ReplicaSet } from './replica-set.js';

export { ReplicaSetController, BURST_REPLICAS, type ReplicaSet, type ReplicaSetStatus } from './replica-set.js';

export function start(client: ControllerClient, opts: ControllerOptions = {}): RunningController & { controller: ReplicaSetController } {
  const own = !opts.informers;
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const controller = new ReplicaSetController(client, informers.informer<ReplicaSet>(resources.replicasets), informers.informer<Pod>(resources.pods), opts);
  informers.start();
  const ready = informers.waitForSync();
  const workers = ready.then(() => runWorkers('replicaset-controller', controller.queue, (k) => controller.sync(k), opts.workers ?? 5, opts.log));
  return {
    controller, ready,
    async stop() {
      controller.queue.shutDown();
      if (own) await informers.stop();
      await workers;
    },
  };
}
