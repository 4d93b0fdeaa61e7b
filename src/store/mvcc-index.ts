/**
 * The in-memory heart shared by MemoryStore and the watch cache: current key/values in key order,
 * a bounded window of history (every change with its previous KV), and the live watchers. Callers
 * apply changes in revision order; everything here is synchronous, so a list or a watch
 * registration can never interleave with a half-applied change.
 *
 * History keeps every change with revision > `compacted`. That is enough to
 *  - replay a watch from any revision >= compacted, and
 *  - rebuild a list at any revision R >= compacted: a key changed after R had, at R, the `prev`
 *    of its first change after R; a key not changed since is as it is now.
 */
import { restamp } from './codec.js';
import { QueueWatcher } from './queue-watcher.js';
import { gone } from './revision-errors.js';
import type { KV, ListOptions, ListResult, WatchEvent, Watcher } from './types.js';

export interface Change {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The key's new state; for DELETED the deleted KV (its value is the last value). */
  kv: KV;
  /** Revision of this change. */
  revision: number;
  /** The key's state before this change (undefined for ADDED). */
  prev?: KV;
}

interface Sub {
  prefix: string;
  /** Changes at or below this revision are not for this watcher (it started ahead of the index). */
  after: number;
  watcher: QueueWatcher;
}

export interface MvccIndexOptions {
  /** Changes kept for watch resume and historical lists. */
  historyLimit: number;
  /** Events a watcher may have unread before it is failed with Gone. */
  watcherBuffer: number;
}

export class MvccIndex {
  private readonly kvs = new Map<string, KV>();
  /** All current keys, sorted (JS string order = byte order for the ASCII keys Kubernetes uses). */
  private readonly keys: string[] = [];
  private history: Change[] = [];
  private readonly subs = new Set<Sub>();
  revision = 0;
  compacted = 0;

  constructor(private readonly opts: MvccIndexOptions) {}

  get(key: string): KV | undefined {
    return this.kvs.get(key);
  }

  /** Applies one change (revision must exceed every earlier one) and fans it out to watchers. */
  apply(c: Change): void {
    if (c.type === 'DELETED') {
      if (this.kvs.delete(c.kv.key)) this.keys.splice(lowerBound(this.keys, c.kv.key), 1);
    } else {
      if (!this.kvs.has(c.kv.key)) this.keys.splice(lowerBound(this.keys, c.kv.key), 0, c.kv.key);
      this.kvs.set(c.kv.key, c.kv);
    }
    this.revision = c.revision;
    this.history.push(c);
    if (this.history.length > this.opts.historyLimit * 1.25) {
      const drop = this.history.length - this.opts.historyLimit;
      this.compacted = this.history[drop - 1]!.revision;
      this.history = this.history.slice(drop);
    }
    if (this.subs.size) {
      const ev = toEvent(c);
      for (const s of this.subs) if (c.revision > s.after && c.kv.key.startsWith(s.prefix)) s.watcher.push(ev);
    }
  }

  /**
   * Replaces the whole state with a fresh snapshot at `revision` (a watch cache re-listing after
   * its source watch broke). History restarts there, and every open watch ends with `err`: what
   * happened between the old state and the snapshot is unknown, so their clients must re-list.
   */
  reset(kvs: KV[], revision: number, err: unknown): void {
    this.failAll(err);
    this.kvs.clear();
    this.keys.length = 0;
    for (const kv of kvs) this.kvs.set(kv.key, kv);
    this.keys.push(...this.kvs.keys());
    this.keys.sort();
    this.history = [];
    this.revision = revision;
    this.compacted = revision;
  }

  /** Moves the revision on without a change under this index (e.g. the backend's progress). */
  advance(revision: number): void {
    if (revision > this.revision) this.revision = revision;
  }

  compact(revision: number): void {
    if (revision <= this.compacted) return;
    let i = 0;
    while (i < this.history.length && this.history[i]!.revision <= revision) i++;
    this.history = this.history.slice(i);
    this.compacted = Math.min(revision, this.revision);
  }

  list(prefix: string, opts: ListOptions = {}): ListResult {
    const at = opts.revision && opts.revision < this.revision ? opts.revision : 0;
    if (at) return this.listAt(prefix, at, opts);
    const items: KV[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const from = opts.startAfter !== undefined && opts.startAfter >= prefix ? opts.startAfter : undefined;
    let i = from === undefined ? lowerBound(this.keys, prefix) : upperBound(this.keys, from);
    let more = false;
    for (; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (!k.startsWith(prefix)) break;
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(this.kvs.get(k)!);
    }
    return { items, revision: this.revision, more };
  }

  private listAt(prefix: string, at: number, opts: ListOptions): ListResult {
    if (at < this.compacted) throw gone(at, this.compacted);
    const changed = new Map<string, KV | undefined>();
    for (let i = firstAfter(this.history, at); i < this.history.length; i++) {
      const c = this.history[i]!;
      if (c.kv.key.startsWith(prefix) && !changed.has(c.kv.key)) changed.set(c.kv.key, c.prev);
    }
    const all: KV[] = [];
    for (let i = lowerBound(this.keys, prefix); i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (!k.startsWith(prefix)) break;
      if (!changed.has(k)) all.push(this.kvs.get(k)!);
    }
    for (const kv of changed.values()) if (kv) all.push(kv);
    all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let start = 0;
    if (opts.startAfter !== undefined) while (start < all.length && all[start]!.key <= opts.startAfter) start++;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items = all.slice(start, start + limit);
    return { items, revision: at, more: start + items.length < all.length };
  }

  count(prefix: string): number {
    let n = 0;
    for (let i = lowerBound(this.keys, prefix); i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) n++;
    return n;
  }

  watch(prefix: string, fromRevision: number): Watcher {
    const sub: Sub = {
      prefix,
      after: fromRevision,
      watcher: new QueueWatcher(this.opts.watcherBuffer, () => this.subs.delete(sub), () => Math.max(this.revision, fromRevision)),
    };
    if (fromRevision > 0 && fromRevision < this.compacted) {
      sub.watcher.fail(gone(fromRevision, this.compacted));
      return sub.watcher;
    }
    this.subs.add(sub);
    if (fromRevision === 0) {
      for (const kv of this.list(prefix).items) {
        sub.watcher.seed({ type: 'ADDED', key: kv.key, value: kv.value, modRevision: kv.modRevision });
      }
    } else {
      for (let i = firstAfter(this.history, fromRevision); i < this.history.length; i++) {
        const c = this.history[i]!;
        if (c.kv.key.startsWith(prefix)) sub.watcher.seed(toEvent(c));
      }
    }
    return sub.watcher;
  }

  /** Ends every watch with `err` (the source of changes went away). */
  failAll(err: unknown): void {
    for (const s of [...this.subs]) s.watcher.fail(err);
  }

  closeAll(): void {
    for (const s of [...this.subs]) s.watcher.close();
  }

  get watcherCount(): number {
    return this.subs.size;
  }
}

function toEvent(c: Change): WatchEvent {
  if (c.type === 'DELETED') {
    return {
      type: 'DELETED',
      key: c.kv.key,
      value: restamp(c.kv.value, c.revision),
      modRevision: c.revision,
      prevValue: c.prev?.value ?? c.kv.value,
    };
  }
  const ev: WatchEvent = { type: c.type, key: c.kv.key, value: c.kv.value, modRevision: c.revision };
  if (c.prev) ev.prevValue = c.prev.value;
  return ev;
}

function lowerBound(a: string[], k: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: string[], k: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstAfter(h: Change[], revision: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (h[mid]!.revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
