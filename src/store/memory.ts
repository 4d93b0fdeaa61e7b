/**
 * MemoryStore: the Store contract held entirely in memory. The reference implementation the
 * conformance suite is checked against, and a fake for tests of the API server. Nothing survives
 * the process, so "durable" here means "applied".
 */
import { BosunError } from '../errors/index.js';
import { decodeRaw, encode, materialize } from './codec.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import { MvccIndex } from './mvcc-index.js';
import { tooLarge } from './revision-errors.js';
import type { KV, ListOptions, ListResult, Store, Watcher } from './types.js';

export interface MemoryStoreOptions {
  historyLimit?: number;
  watcherBuffer?: number;
}

export class MemoryStore implements Store {
  private readonly index: MvccIndex;
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.index = new MvccIndex({ historyLimit: opts.historyLimit ?? 10_000, watcherBuffer: opts.watcherBuffer ?? 10_000 });
  }

  async create(key: string, value: unknown): Promise<KV> {
    this.check();
    if (this.index.get(key)) throw new BosunError('AlreadyExists', `key ${key} already exists`);
    const revision = this.index.revision + 1;
    const kv: KV = { key, value: snapshot(value, revision), modRevision: revision, createRevision: revision };
    this.index.apply({ type: 'ADDED', kv, revision });
    return kv;
  }

  async get(key: string): Promise<KV> {
    this.check();
    const kv = this.index.get(key);
    if (!kv) throw new BosunError('NotFound', `key ${key} not found`);
    return kv;
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.check();
    if (opts?.revision && opts.revision > this.index.revision) throw tooLarge(opts.revision, this.index.revision);
    return this.index.list(prefix, opts);
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<KV> {
    this.check();
    const prev = this.index.get(key);
    if (!prev) throw new BosunError('NotFound', `key ${key} not found`);
    if (expectedRevision !== undefined && prev.modRevision !== expectedRevision) {
      throw new BosunError('Conflict', `key ${key} is at revision ${prev.modRevision}, not ${expectedRevision}`);
    }
    const revision = this.index.revision + 1;
    const kv: KV = { key, value: snapshot(value, revision), modRevision: revision, createRevision: prev.createRevision };
    this.index.apply({ type: 'MODIFIED', kv, revision, prev });
    return kv;
  }

  guaranteedUpdate(key: string, fn: (current: KV) => unknown): Promise<KV> {
    return guaranteedUpdate(this, key, fn);
  }

  async delete(key: string, expectedRevision?: number): Promise<KV> {
    this.check();
    const prev = this.index.get(key);
    if (!prev) throw new BosunError('NotFound', `key ${key} not found`);
    if (expectedRevision !== undefined && prev.modRevision !== expectedRevision) {
      throw new BosunError('Conflict', `key ${key} is at revision ${prev.modRevision}, not ${expectedRevision}`);
    }
    const revision = this.index.revision + 1;
    this.index.apply({ type: 'DELETED', kv: prev, revision, prev });
    return prev;
  }

  watch(prefix: string, fromRevision: number): Watcher {
    this.check();
    return this.index.watch(prefix, fromRevision);
  }

  async revision(): Promise<number> {
    return this.index.revision;
  }

  async count(prefix: string): Promise<number> {
    return this.index.count(prefix);
  }

  async compact(revision: number): Promise<void> {
    this.index.compact(revision);
  }

  async compactedRevision(): Promise<number> {
    return this.index.compacted;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.index.closeAll();
  }

  private check(): void {
    if (this.closed) throw new BosunError('Unavailable', 'store is closed');
  }
}

/** The caller keeps ownership of what it passed: store a private, frozen copy. */
function snapshot(value: unknown, revision: number): unknown {
  return materialize(decodeRaw(encode(value)), revision);
}
