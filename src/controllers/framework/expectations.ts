/**
 * ControllerExpectations: how many creates and deletes a controller has issued for a key and not
 * yet seen come back through its informer. Until they are all observed the cache is known to be
 * stale for that key, and the controller must not act on its counts again — otherwise a second
 * sync right after creating 3 pods would see 0 of them and create 3 more. Expectations expire
 * (5 minutes, as in Kubernetes) so a lost watch event can delay a controller but never wedge it.
 */

export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly records = new Map<string, Expectation>();

  constructor(private readonly ttlMs = EXPECTATIONS_TTL_MS, private readonly now: () => number = Date.now) {}

  get(key: string): { add: number; del: number } | undefined {
    const e = this.records.get(key);
    return e && { add: e.add, del: e.del };
  }

  /** True when the controller may trust its cache for `key` (nothing pending, or the record expired). */
  satisfied(key: string): boolean {
    const e = this.records.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.timestamp > this.ttlMs;
  }

  set(key: string, add: number, del: number): void {
    this.records.set(key, { add, del, timestamp: this.now() });
  }

  expectCreations(key: string, n: number): void {
    this.set(key, n, 0);
  }

  expectDeletions(key: string, n: number): void {
    this.set(key, 0, n);
  }

  /** Lowers pending counts: an observed event, or a create/delete call that failed and will never be observed. */
  lower(key: string, add: number, del: number): void {
    const e = this.records.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}

/**
 * Expectations whose deletions are tracked by pod key, so a deletion seen twice (the update that
 * sets deletionTimestamp, then the final DELETED event) is counted once.
 */
export class UIDTrackingExpectations extends ControllerExpectations {
  private readonly pendingDeletes = new Map<string, Set<string>>();

  /**
   * Replaces the record (as ExpectDeletions does): it is only called when the previous one was
   * satisfied or expired, and raising an expired record would leave it expired — unguarded.
   */
  expectDeletionsOf(key: string, podKeys: string[]): void {
    this.pendingDeletes.set(key, new Set(podKeys));
    this.set(key, 0, podKeys.length);
  }

  /** A pod deletion was observed (or its delete call failed): counted once per pod key. */
  deletionObservedOf(key: string, podKey: string): void {
    const set = this.pendingDeletes.get(key);
    if (!set?.has(podKey)) return;
    set.delete(podKey);
    this.deletionObserved(key);
  }

  override delete(key: string): void {
    super.delete(key);
    this.pendingDeletes.delete(key);
  }
}
