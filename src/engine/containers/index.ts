/** Docker's container model over the runtime, images, network and volumes (see types.ts). */
export type * from './types.js';
export { RuncContainerManager, normalizeSignal, type ManagerDeps } from './manager.js';
export { humanDuration, statusString } from './summary.js';
export { readUserDb } from './rootfs.js';
