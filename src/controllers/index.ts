/**
 * The controller manager: every controller of issue 4 on one shared set of informers, so each
 * collection is listed and watched once per process. `startControllers(client, opts)` is what the
 * server (or a separate process) calls; the scheduler (src/scheduler) is started beside it, on the
 * same informers when the caller passes one factory to both.
 *
 * Every informer keeps one watch request open for good (about 18 here),
 * and KubeClient's keep-alive agent defaults to 16 sockets: give the client these run on
 * `{ maxSockets: 64 }` or more, or ordinary requests queue behind the watches forever.
 */
import type { ControllerClient } from './framework/client.js';
import type { ControllerOptions, RunningController } from './framework/controller.js';
import { SharedInformerFactory } from './framework/informer.js';
import { start as startReplicaSets } from './replicaset/index.js';
import { start as startDeployments } from './deployment/index.js';
import { start as startGarbageCollector } from './garbagecollector/index.js';
import { start as startNamespaces } from './namespace/index.js';
import { start as startServiceAccounts } from './serviceaccount/index.js';

export type { ControllerClient, ControllerOptions, RunningController };

export const CONTROLLERS = ['replicaset', 'deployment', 'garbagecollector', 'namespace', 'serviceaccount'] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

export interface ManagerOptions extends ControllerOptions {
  /** Which controllers to run (default: all). */
  controllers?: ControllerName[];
}

/** `opts.informers`: a factory shared with other components (the scheduler), stopped by its owner. */
export function startControllers(client: ControllerClient, opts: ManagerOptions = {}): RunningController {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const shared = { ...opts, informers };
  const want = new Set(opts.controllers ?? CONTROLLERS);
  const running: RunningController[] = [];
  if (want.has('replicaset')) running.push(startReplicaSets(client, shared));
  if (want.has('deployment')) running.push(startDeployments(client, shared));
  if (want.has('garbagecollector')) running.push(startGarbageCollector(client, shared));
  if (want.has('namespace')) running.push(startNamespaces(client, shared));
  if (want.has('serviceaccount')) running.push(startServiceAccounts(client, shared));
  return {
    ready: Promise.all(running.map((r) => r.ready)).then(() => undefined),
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
      if (!opts.informers) await informers.stop();
    },
  };
}
