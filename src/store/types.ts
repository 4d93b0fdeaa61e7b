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
 *
 * Values: callers pass plain JSON values; the store serialises them at once, so the caller may
 * keep mutating what it passed. Values the store returns (KV.value, WatchEvent.value/prevValue)
 * are deep-frozen snapshots shared with the watch cache and with other readers — never mutate
 * them (clone first, e.g. `structuredClone`); freezing makes a stray write throw instead of
 * silently corrupting every later read. When a returned value is an object with a `metadata`
 * object, the store has set `metadata.resourceVersion` to `String(modRevision)` (for DELETED
 * events: the deletion's revision), as k8s.io/apiserver's storage versioner does, so an object
 * can be served exactly as returned. Byte values (Uint8Array) are stored raw: that is how the
 * encryption wrapper hands its `k8s:enc:…` envelopes to a backend.
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
  /** Exclusive start key for pagination (the API server's continue token carries it with the revision). */
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
  /**
   * Yields events one at a time in revision order; rejects (throws from `next()`) with Gone if the
   * watcher fell too far behind or its start revision was compacted. After `close()` the iterator
   * ends (`done: true`).
   */
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent>;
  close(): void;
  /**
   * When every event produced so far has been handed out: a store revision this watch has
   * delivered everything up to (it can be ahead of the last event when other keys changed);
   * 0 while events are still queued. This is what a Kubernetes BOOKMARK should carry, as the
   * watch cache's bookmarks do, so a client resuming from it after a quiet spell isn't sent Gone.
   * Ask between events (after the last one handed out was sent on), not while one is in hand.
   */
  progress?(): number;
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
  /**
   * fromRevision > 0: every change under prefix with revision > fromRevision, then live changes
   * (Gone if fromRevision is below the compacted revision).
   * fromRevision = 0: like Kubernetes' watch with resourceVersion "0" — first an ADDED event for
   * every key that exists now (at one consistent revision R, each carrying its own modRevision),
   * then every change after R.
   */
  watch(prefix: string, fromRevision: number): Watcher;
  /** Current store revision. */
  revision(): Promise<number>;
  /** Number of keys under a prefix (for quotas and cheap counts). */
  count(prefix: string): Promise<number>;
  /**
   * Drops history at and below `revision` (current values stay): later watches and lists from
   * a revision < `revision` fail Gone. Backends also compact on their own past a retention window.
   */
  compact(revision: number): Promise<void>;
  /** Lowest revision a watch or list may still start from (0 if nothing was ever compacted). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}
