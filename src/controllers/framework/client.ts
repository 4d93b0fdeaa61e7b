/**
 * The slice of the typed client (src/client's KubeClient) that controllers and the scheduler use.
 * KubeClient satisfies it structurally; `FakeClient` (fake.ts) implements it in memory for unit
 * tests. Subresources without a typed helper (pods/binding, namespaces/finalize) go through
 * `request` on a path built by `path`, exactly as they travel on the wire.
 */
import type { KObject } from '../../api/index.js';
import type {
  DeleteOptions, KList, ListOptions, PatchType, ResourceRef, WatchEvent, WatchOptions, WriteOptions,
} from '../../client/index.js';

export type { DeleteOptions, KList, ListOptions, PatchType, ResourceRef, WatchEvent, WatchOptions, WriteOptions };

export interface ControllerClient {
  get<T extends KObject = KObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T>;
  list<T extends KObject = KObject>(ref: ResourceRef, o?: ListOptions): Promise<KList<T>>;
  create<T extends KObject = KObject>(ref: ResourceRef, obj: KObject, o?: WriteOptions & { namespace?: string }): Promise<T>;
  update<T extends KObject = KObject>(ref: ResourceRef, obj: KObject, o?: WriteOptions & { subresource?: 'status' }): Promise<T>;
  patch<T extends KObject = KObject>(ref: ResourceRef, name: string, patch: unknown, type: PatchType,
    o?: WriteOptions & { namespace?: string; subresource?: string; force?: boolean }): Promise<T>;
  delete<T = KObject>(ref: ResourceRef, name: string, o?: DeleteOptions & { namespace?: string }): Promise<T>;
  /** Events after `resourceVersion`; ends with a Gone error when that version is too old (re-list). */
  watch<T extends KObject = KObject>(ref: ResourceRef, o?: WatchOptions): AsyncIterable<WatchEvent<T>> & { close(): void };
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  path(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string;
}
