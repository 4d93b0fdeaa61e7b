/**
 * Garbage collector entry: `start(client, opts)` watches the monitored collections (by default
 * every built-in workload and config kind that carries ownerReferences in practice) until `stop()`.
 */
import { resources } from '../../client/index.js';
import type { ControllerClient, ResourceRef } from '../framework/client.js';
import { launch, type ControllerOptions, type RunningController } from '../framework/controller.js';
import { SharedInformerFactory } from '../framework/informer.js';
import { GarbageCollector } from './garbage-collector.js';

export { GarbageCollector } from './garbage-collector.js';

export const DEFAULT_MONITORED: ResourceRef[] = [
  resources.pods, resources.replicasets, resources.deployments, resources.statefulsets, resources.daemonsets, resources.jobs,
  resources.cronjobs, resources.services, resources.endpoints, resources.endpointslices, resources.configmaps, resources.secrets,
  resources.serviceaccounts, resources.persistentvolumeclaims,
];

export function start(client: ControllerClient, opts: ControllerOptions & { monitored?: ResourceRef[] } = {}): RunningController & { controller: GarbageCollector } {
  const informers = opts.informers ?? new SharedInformerFactory(client, { log: opts.log });
  const controller = new GarbageCollector(client, informers, opts.monitored ?? DEFAULT_MONITORED);
  return { controller, ...launch('garbage-collector', informers, !opts.informers, controller.queue, (k) => controller.sync(k), opts) };
}
