/**
 * Images: an OCI image-layout store with overlayfs snapshots (see oci-store.ts). The engine wiring
 * calls `createImageStore`; the daemon and container manager use the ImageStore contract in
 * types.ts; pull/push and the registry use the ImageContent additions.
 */
import type { Instance } from '../../server/instance.js';
import type { EngineEvents } from '../events.js';
import { OciImageStore } from './oci-store.js';

export type { ImageStore, ImageContent, CommitOptions, Image, ImageRuntimeConfig, HistoryEntry, Mount, ImportOptions } from './types.js';
export { OciImageStore, type ManifestJson, type ConfigJson } from './oci-store.js';
export { MEDIA, hostArchitecture } from './media.js';
export {
  parseReference, parseNormalized, parseTagReference, familiarString, familiarName, canonicalString, fullName,
  type Reference,
} from './reference.js';
export { readTar, writeTar, maybeGunzip, headerBlocks, type TarHeader, type TarEntry, type TarInput } from './tar.js';
export { applyChanges } from './changes.js';

/**
 * Opens the instance's image store (an ImageStore and ImageContent; OciImageStore adds
 * `rootfsMounts`, `addRepoDigest`) and makes sure
 * `busybox:latest` exists (built locally if not).
 */
export async function createImageStore(instance: Instance, events: EngineEvents): Promise<OciImageStore> {
  const store = OciImageStore.open(instance.paths.images, instance.paths.snapshots, events);
  await store.ensureBusybox();
  return store;
}
