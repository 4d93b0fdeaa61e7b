/** ServiceAccount controller entry: `start(client, opts)` keeps a `default` ServiceAccount in every namespace until `stop()`. */
import { resources } from '../../client/index.js';
import type { ControllerClient } from '../framework/client.js';
import { launch, type ControllerOptions, type RunningController } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import { ServiceAccountController } from './service-account.js';

export { ServiceAccountController, DEFAULT_SERVICE_ACCOUNTS } from './service-account.js';

export function start(client: ControllerClient, opts: ControllerOptions = {}): RunningController & { controller: ServiceAccountController } {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const controller = new ServiceAccountController(client, informers.informer(resources.namespaces), informers.informer(resources.serviceaccounts));
  return { controller, ...launch('serviceaccount-controller', informers, !opts.informers, controller.queue, (k) => controller.sync(k), opts) };
}
