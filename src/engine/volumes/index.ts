/** Named and anonymous volumes, Docker's "local" driver. */
export type { VolumeStore, VolumeRecord } from './types.js';
export { LocalVolumeStore } from './local-volume-store.js';
