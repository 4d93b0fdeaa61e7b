/** Namespace controller entry: `start(client, opts)` empties and finalizes Terminating namespaces until `stop()`. */
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import { launch, type ControllerOptions, type RunningController } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import { NamespaceController, type NamespaceControllerOptions } from './namespace.js';

export { NamespaceController, namespacedResources, RECHECK_MS, type NamespaceControllerOptions } from './namespace.js';

export function start(client: ControllerClient, opts: ControllerOptions & NamespaceControllerOptions = {}): RunningController & { controller: NamespaceController } {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const controller = new NamespaceController(client, informers.informer(resources.namespaces), opts);
  return { controller, ...launch('namespace-controller', informers, !opts.informers, controller.queue, (k) => controller.sync(k), opts) };
}
