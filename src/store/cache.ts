/**
 * WatchCache: a Store wrapper that serves reads from memory, like k8s.io/apiserver's cacher.
 * At start it lists everything under its root from the backend and opens one watch from that
 * list's revision; the watch keeps an MvccIndex (current objects + a bounded history window)
 * up to date. Gets, lists, counts and watches are answered from the index; writes go to the
 * backend.
 *
 * Read-your-writes: every write through this wrapper records the revision it produced, and a
 * read first waits until the index has applied that revision, so a client never reads an
 * object older than its own acknowledged write. (A delete's result carries the last value's
 * revision, not the deletion's, so a delete waits until the index no longer holds that value.)
 *
 * If the backend watch breaks (backend restarted, or it failed the watch Gone), the cache
 * re-lists and re-watches; its own watchers end with Gone then, since the events in between are
 * unknown, and their clients re-list — exactly what a Kubernetes client does on 410.
 */
import { BosunError, isKind } from '../errors/index.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import { MvccIndex } from './mvcc-index.js';
import { tooLarge } from './revision-errors.js';
import type { KV, ListOptions, ListResult, Store, WatchEvent, Watcher } from './types.js';

export interface WatchCacheOptions {
  /** Keys cached (default "": all). */
  root?: string;
  /** Changes kept in memory for watch resume and paginated lists at a past revision. */
  historyLimit?: number;
  /** Events a watcher may leave unread before it gets Gone. */
  watcherBuffer?: number;
  /** How long a read waits for the cache to catch up before it fails Timeout. */
  catchUpTimeoutMs?: number;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

export class WatchCache implements Store {
  private readonly index: MvccIndex;
  private readonly root: string;
  private readonly timeoutMs: number;
  private source: Watcher | undefined;
  private lastWrite = 0;
  private waiters = new Set<Waiter>();
  private closed = false;
  private pumping: Promise<void> = Promise.resolve();

  private constructor(
    private readonly inner: Store,
    opts: WatchCacheOptions,
  ) {
    this.root = opts.root ?? '';
    this.timeoutMs = opts.catchUpTimeoutMs ?? 10_000;
    this.index = new MvccIndex({ historyLimit: opts.historyLimit ?? 10_000, watcherBuffer: opts.watcherBuffer ?? 10_000 });
  }

  /** Fills the cache from `inner` and starts following it. */
  static async start(inner: Store, opts: WatchCacheOptions = {}): Promise<WatchCache> {
    const c = new WatchCache(inner, opts);
    await c.sync(null);
    return c;
  }

  /** List + watch from the list's revision; `err` ends the cache's own watchers when re-syncing. */
  private async sync(err: unknown): Promise<void> {
    const items: KV[] = [];
    let startAfter: string | undefined;
    let revision = 0;
    // Paged at one revision, so a huge store is never held twice in one backend response.
    for (;;) {
      const page = await this.inner.list(this.root, { limit: 5000, startAfter, revision: revision || undefined });
      revision = page.revision;
      items.push(...page.items);
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    this.index.reset(items, revision, err);
    this.source = this.inner.watch(this.root, revision);
    this.pumping = this.pump(this.source);
    this.notify();
  }

  private async pump(w: Watcher): Promise<void> {
    try {
      for await (const ev of w) {
        this.apply(ev);
        this.notify();
      }
      if (this.closed) return;
      throw new BosunError('Unavailable', 'backend watch ended');
    } catch (err) {
      if (this.closed) return;
      await this.resync(err);
    }
  }

  private async resync(cause: unknown): Promise<void> {
    const gone = new BosunError('Gone', 'the watch cache re-listed from its backend; re-list and watch again', { cause });
    for (let delay = 100; !this.closed; delay = Math.min(delay * 2, 5000)) {
      try {
        await this.sync(gone);
        return;
      } catch (err) {
        if (!isKind(err, 'Unavailable') && !isKind(err, 'Gone')) console.error(`watch cache re-sync: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  private apply(ev: WatchEvent): void {
    const prev = this.index.get(ev.key);
    if (ev.type === 'DELETED') {
      if (!prev) {
        this.index.advance(ev.modRevision);
        return;
      }
      this.index.apply({ type: 'DELETED', kv: prev, revision: ev.modRevision, prev });
      return;
    }
    // An event can arrive as ADDED for a key the index holds if the backend replayed across a
    // re-list boundary; the index's own state decides ADDED vs MODIFIED.
    const createRevision = ev.type === 'ADDED' || !prev ? ev.modRevision : prev.createRevision;
    const kv: KV = { key: ev.key, value: ev.value, modRevision: ev.modRevision, createRevision };
    this.index.apply(prev ? { type: 'MODIFIED', kv, revision: ev.modRevision, prev } : { type: 'ADDED', kv, revision: ev.modRevision });
  }

  private notify(): void {
    for (const w of this.waiters) {
      if (w.ready()) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  private waitFor(ready: () => boolean, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    if (this.closed) return Promise.reject(new BosunError('Unavailable', 'store is closed'));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        ready,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new BosunError('Timeout', `watch cache did not catch up to ${what} within ${this.timeoutMs} ms`));
        }, this.timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  /** Waits until every write made through this cache is visible in it. */
  private fresh(): Promise<void> {
    const want = this.lastWrite;
    return this.waitFor(() => this.index.revision >= want, `revision ${want}`);
  }

  private wrote(revision: number): void {
    if (revision > this.lastWrite) this.lastWrite = revision;
  }

  private covers(key: string): boolean {
    return key.startsWith(this.root);
  }

  async create(key: string, value: unknown): Promise<KV> {
    const kv = await this.inner.create(key, value);
    this.wrote(kv.modRevision);
    return kv;
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<KV> {
    const kv = await this.inner.update(key, value, expectedRevision);
    this.wrote(kv.modRevision);
    return kv;
  }

  guaranteedUpdate(key: string, fn: (current: KV) => unknown): Promise<KV> {
    // Reads come from the cache: a stale read just costs one Conflict and a retry.
    return guaranteedUpdate(this, key, fn);
  }

  async delete(key: string, expectedRevision?: number): Promise<KV> {
    const kv = await this.inner.delete(key, expectedRevision);
    if (this.covers(key)) {
      await this.waitFor(() => this.index.revision > kv.modRevision && this.index.get(key)?.modRevision !== kv.modRevision, `the deletion of ${key}`);
      this.wrote(this.index.revision);
    }
    return kv;
  }

  async get(key: string): Promise<KV> {
    if (!this.covers(key)) return this.inner.get(key);
    await this.fresh();
    const kv = this.index.get(key);
    if (!kv) throw new BosunError('NotFound', `key ${key} not found`);
    return kv;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    if (!this.covers(prefix)) return this.inner.list(prefix, opts);
    await this.fresh();
    const at = opts.revision ?? 0;
    if (at > this.index.revision) {
      // A revision the backend has produced but the cache has not seen yet (e.g. the client read
      // it from another API server); wait briefly, as Kubernetes does, before calling it too large.
      await this.waitFor(() => this.index.revision >= at, `revision ${at}`).catch(async (err) => {
        if (!isKind(err, 'Timeout')) throw err;
        throw tooLarge(at, this.index.revision);
      });
    }
    // Older than the in-memory window: the backend may still have it (or answers Gone).
    if (at && at < this.index.compacted) return this.inner.list(prefix, opts);
    return this.index.list(prefix, opts);
  }

  watch(prefix: string, fromRevision: number): Watcher {
    if (!this.covers(prefix)) return this.inner.watch(prefix, fromRevision);
    return this.index.watch(prefix, fromRevision);
  }

  async revision(): Promise<number> {
    await this.fresh();
    return this.index.revision;
  }

  async count(prefix: string): Promise<number> {
    if (!this.covers(prefix)) return this.inner.count(prefix);
    await this.fresh();
    return this.index.count(prefix);
  }

  async compact(revision: number): Promise<void> {
    await this.inner.compact(revision);
    await this.fresh();
    this.index.compact(revision);
  }

  async compactedRevision(): Promise<number> {
    return this.index.compacted;
  }

  /** Watchers currently served (for metrics and tests). */
  get watcherCount(): number {
    return this.index.watcherCount;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.source?.close();
    await this.pumping;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new BosunError('Unavailable', 'store is closed'));
    }
    this.waiters.clear();
    this.index.closeAll();
    await this.inner.close();
  }
}
