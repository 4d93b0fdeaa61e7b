/**
 * Scheduler entry: `start(client, opts)` binds pending pods to nodes until `stop()`. It talks to
 * the API server only through the client, like the controllers.
 */
import { resources } from '../client/index.js';
import { launch, SharedInformerFactory, type ControllerClient, type RunningController } from '../controllers/framework/index.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import type { Node, Pod } from './node-info.js';

export { Scheduler, DEFAULT_SCHEDULER_NAME, NO_NODES_MESSAGE, UNSCHEDULABLE_RETRY_MS, type SchedulerOptions } from './scheduler.js';
export { DEFAULT_FILTERS, fitErrorMessage, runFilters, tolerates, type Filter, type FilterResult } from './filters.js';
export { NodeInfo, podRequests, amount, type Node, type Pod, type Taint, type Toleration, type Resources } from './node-info.js';

export function start(client: ControllerClient, opts: SchedulerOptions = {}): RunningController & { scheduler: Scheduler } {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const scheduler = new Scheduler(client, informers.informer<Pod>(resources.pods), informers.informer<Node>(resources.nodes), opts);
  return { scheduler, ...launch('scheduler', informers, !opts.informers, scheduler.queue, (k) => scheduler.sync(k), opts) };
}
