/**
 * The controller framework: informers over the typed client, an indexed cache, a rate-limited
 * work queue, expectations, ownerReference helpers, an event recorder, and an in-memory fake client
 * for unit tests (exported from `./fake.js` only, so production code never pulls it in).
 */
export type { ControllerClient } from './client.js';
export { Indexer, keyOf, splitKey, NAMESPACE_INDEX, type IndexFunc } from './indexer.js';
export { Informer, SharedInformerFactory, type InformerHandlers, type InformerOptions } from './informer.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
export { ControllerExpectations, UIDTrackingExpectations, EXPECTATIONS_TTL_MS } from './expectations.js';
export { controllerRefOf, newControllerRef, claimObjects, patchOwnerRefs, type OwnerReference, type ClaimOptions } from './owner-refs.js';
export { EventRecorder, type EventSink } from './events.js';
export { runWorkers, launch, settle, type ControllerOptions, type RunningController } from './controller.js';
export {
  isPodActive, isPodReady, isPodAvailable, podCondition, podFromTemplate, compareForDeletion,
  type Pod, type PodCondition, type PodTemplate,
} from './pods.js';
