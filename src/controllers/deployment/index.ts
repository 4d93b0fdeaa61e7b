/**
 * Deployment controller entry: `start(client, opts)` runs it on (possibly shared) informers for
 * deployments, replicasets and pods until `stop()`. It writes ReplicaSets only; the ReplicaSet
 * controller (src/controllers/replicaset) must run too for pods to exist.
 */
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import { launch, type ControllerOptions, type RunningController } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import type { Pod } from '../framework/pods.js';
import type { ReplicaSet } from '../replicaset/index.js';
import { DeploymentController } from './deployment.js';
import type { Deployment } from './util.js';

export { DeploymentController } from './deployment.js';
export {
  computeHash, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH,
  type Deployment, type DeploymentStatus, type DeploymentCondition,
} from './util.js';

export function start(client: ControllerClient, opts: ControllerOptions = {}): RunningController & { controller: DeploymentController } {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const controller = new DeploymentController(client,
    informers.informer<Deployment>(resources.deployments), informers.informer<ReplicaSet>(resources.replicasets),
    informers.informer<Pod>(resources.pods), opts);
  return { controller, ...launch('deployment-controller', informers, !opts.informers, controller.queue, (k) => controller.sync(k), opts) };
}
