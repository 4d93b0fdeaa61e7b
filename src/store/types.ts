/**
 * Store: the Kubernetes API server's persistence contract, modelled on k8s.io/apiserver's
 * storage.Interface. Keys are strings like "/registry/apps/deployments/default/web"; values are
 * JSON objects. Every write gets the next global revision (one counter for the whole store),
 * which the API server exposes as metadata.resourceVersion.
 *
 * Guarantees every implementation gives (the conformance suite in store-suite.ts checks them):
 * - a write resolves only once it is durable (SQLite: committed with WAL sync; etcd: acknowledged);
 * - `create` fails AlreadyExists if the key exists; `update`/`delete` with `expectedRevision`
 *   fail Conflict if the key's current mod revision differs; missing keys fail NotFound;
 * - `watch(prefix, fromRevision)` delivers every change with revision > fromRevision in order,
 *   then live changes; fromRevision older than the compacted history fails Gone;
 * - `list` is a consistent snapshot at the returned revision.
 */
export interface KV {
  key: string;
  value: unknown;
  /** Revision of the last write to this key. */
  modRevision: number;
  createRevision: number;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  /** For DELETED, the last value before deletion. */
  value: unknown;
  /** For DELETED, the revision of the deletion. */
  modRevision: number;
  /** The previous value for MODIFIED and DELETED (needed to evaluate selectors on the old object). */
  prevValue?: unknown;
}

export interface ListOptions {
  /** Exclusive start key for pagination. */
  startAfter?: string;
  limit?: number;
  /** Read at this revision if still in history; Gone otherwise. 0/undefined = latest. */
  revision?: number;
}

export interface ListResult {
  items: KV[];
  /** Store revision the list is consistent at. */
  revision: number;
  /** True when `limit` cut the list. */
  more: boolean;
}

export interface Watcher {
  /** Resolves to the next batch of events (in revision order); rejects with Gone if the watcher fell too far behind. */
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent>;
  close(): void;
}

export interface Store {
  create(key: string, value: unknown): Promise<KV>;
  get(key: string): Promise<KV>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Replaces the value; with expectedRevision, only if the key is still at it. */
  update(key: string, value: unknown, expectedRevision?: number): Promise<KV>;
  /**
   * Read-modify-write: calls `fn` with the current value until the write succeeds without a
   * conflicting concurrent write. `fn` may throw to abort.
   */
  guaranteedUpdate(key: string, fn: (current: KV) => unknown | Promise<unknown>): Promise<KV>;
  delete(key: string, expectedRevision?: number): Promise<KV>;
  watch(prefix: string, fromRevision: number): Watcher;
  /** Current store revision. */
  revision(): Promise<number>;
  /** Number of keys under a prefix (for quotas and cheap counts). */
  count(prefix: string): Promise<number>;
  close(): Promise<void>;
}
