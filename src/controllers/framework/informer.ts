/**
 * A shared informer: lists a collection, then watches from the list's resourceVersion, keeping an
 * Indexer current and telling handlers what changed. A watch that ends with Gone (the version fell
 * out of the server's window) or breaks for any other reason is followed by a fresh list, and the
 * difference between the cache and that list is delivered as adds, updates and deletes — so
 * handlers see every object that exists at least once and every deletion, even across outages.
 *
 * Handlers run synchronously on the informer's loop and must only enqueue keys; the objects they
 * receive are the cache's own copies and must not be mutated.
 */
import { isKind } from '../../errors/index.js';
import type { KObject } from '../../api/index.js';
import type { ControllerClient, ResourceRef } from './client.js';
import { Indexer, keyOf } from './indexer.js';

export interface InformerHandlers<T extends KObject = KObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  /** The last state the informer knew (the watch's DELETED object, or the cached one after a re-list). */
  delete?(obj: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  log?: (msg: string) => void;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

export class Informer<T extends KObject = KObject> {
  readonly store = new Indexer<T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private synced = false;
  private readonly syncWaiters: Array<() => void> = [];
  private started = false;
  private stopped = false;
  private watch: { close(): void } | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly client: ControllerClient, readonly ref: ResourceRef, private readonly opts: InformerOptions = {}) {}

  /** Registers handlers; when the cache is already filled they first get an add for every object. */
  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.store.list()) this.call(() => h.add?.(o));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list has been loaded into the cache. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wake?.();
    await this.loop;
  }

  private log(msg: string): void {
    (this.opts.log ?? ((m: string) => console.error(m)))(msg);
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`informer ${this.ref.resource}: handler failed: ${(err as Error).message}`);
    }
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.stopped) {
      try {
        const { namespace, labelSelector, fieldSelector } = this.opts;
        const list = await this.client.list<T>(this.ref, { namespace, labelSelector, fieldSelector });
        if (this.stopped) return;
        this.replace(list.items);
        this.markSynced();
        backoff = MIN_BACKOFF_MS;
        const w = this.client.watch<T>(this.ref, { namespace, labelSelector, fieldSelector, resourceVersion: list.metadata.resourceVersion });
        this.watch = w;
        if (this.stopped) w.close();
        for await (const ev of w) {
          if (this.stopped) break;
          if (ev.type === 'BOOKMARK') continue;
          this.apply(ev.type, ev.object);
        }
      } catch (err) {
        if (this.stopped) return;
        // Gone means "re-list now"; anything else (server restarting, connection refused) backs off.
        if (isKind(err, 'Gone')) continue;
        // A collection this server does not serve is empty, not "not yet listed": controllers
        // waiting on every informer must still start. The list is retried in case it appears.
        if (isKind(err, 'NotFound')) this.markSynced();
        this.log(`informer ${this.ref.resource}: ${(err as Error).message}; re-listing in ${backoff}ms`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        this.watch = undefined;
      }
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    if (type === 'DELETED') {
      this.store.remove(keyOf(obj));
      for (const h of this.handlers) this.call(() => h.delete?.(obj));
      return;
    }
    const old = this.store.upsert(obj);
    for (const h of this.handlers) this.call(() => (old ? h.update?.(old, obj) : h.add?.(obj)));
  }

  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(keyOf(obj));
      const old = this.store.get(keyOf(obj));
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.apply('MODIFIED', obj);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const old = this.store.remove(key)!;
      for (const h of this.handlers) this.call(() => h.delete?.(old));
    }
  }
}

/** One informer per collection, shared by every controller of a process. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KObject>>();
  private started = false;

  constructor(private readonly client: ControllerClient, private readonly opts: InformerOptions = {}) {}

  informer<T extends KObject = KObject>(ref: ResourceRef): Informer<T> {
    const id = `${ref.group}/${ref.version}/${ref.resource}`;
    let inf = this.informers.get(id);
    if (!inf) {
      inf = new Informer(this.client, ref, { namespace: ref.namespaced ? this.opts.namespace : undefined, log: this.opts.log });
      this.informers.set(id, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer made so far and every one made later. */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
