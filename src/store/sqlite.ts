/**
 * SqliteStore: the Store on an embedded SQLite database (better-sqlite3, WAL), modelled on kine.
 *
 * Schema (in DIR/state.db, WAL in state.db-wal / state.db-shm beside it):
 *
 *   kv(key TEXT PRIMARY KEY, value BLOB, create_rev INTEGER, mod_rev INTEGER)
 *       the current value of every key
 *   log(rev INTEGER PRIMARY KEY, key TEXT, type INTEGER,             -- 0 ADDED, 1 MODIFIED, 2 DELETED
 *       value BLOB,                                                  -- new value (NULL for DELETED)
 *       create_rev INTEGER,
 *       prev_value BLOB, prev_mod_rev INTEGER, prev_create_rev INTEGER)  -- state before (NULL for ADDED)
 *       one row per revision; rows at or below meta.compacted are deleted
 *   meta(name TEXT PRIMARY KEY, value INTEGER)    -- 'revision' (global counter), 'compacted'
 *
 * One global revision: every write takes the next number inside the transaction that applies it,
 * and meta.revision survives even when compaction removed the log row that carried it, so
 * revisions stay monotonic across restarts.
 *
 * Group commit: writes queue up and are applied together, in arrival order, in one transaction
 * on the next turn of the event loop; a write's promise resolves only after that transaction
 * committed. Each write checks its own precondition inside the transaction, so a failed check
 * rejects that write alone.
 *
 * Durability: journal_mode=WAL with synchronous=FULL. With WAL, NORMAL already survives a crash
 * of this process (kill -9): the commit's write() into the WAL is in the kernel's page cache
 * before better-sqlite3 returns, and the kernel keeps it when the process dies; only an OS crash
 * or power cut could lose it. FULL adds an fsync of the WAL at every commit, so an acknowledged
 * write also survives that; group commit makes it one fsync per batch, not per write.
 *
 * Watches are fed from this write path after commit, never by polling the database; a watch
 * from a past revision first replays the log (synchronously, so no write can slip in between the
 * replay and the subscription).
 */
import Database from 'better-sqlite3';
import { BosunError } from '../errors/index.js';
import { decode, encode, restamp } from './codec.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import { prefixEnd } from './key-range.js';
import { gone, tooLarge } from './revision-errors.js';
import { QueueWatcher } from './queue-watcher.js';
import type { KV, ListOptions, ListResult, Store, WatchEvent, Watcher } from './types.js';

export interface SqliteStoreOptions {
  /** Log rows kept for watch resume and historical lists; older ones are compacted away. */
  historyLimit?: number;
  watcherBuffer?: number;
}

type Op =
  | { kind: 'create'; key: string; bytes: Buffer }
  | { kind: 'update'; key: string; bytes: Buffer; expected?: number }
  | { kind: 'delete'; key: string; expected?: number };

interface Pending {
  op: Op;
  resolve: (kv: KV) => void;
  reject: (err: unknown) => void;
}

interface KvRow {
  key: string;
  value: Buffer;
  create_rev: number;
  mod_rev: number;
}

interface LogRow {
  rev: number;
  key: string;
  type: number;
  value: Buffer | null;
  create_rev: number;
  prev_value: Buffer | null;
  prev_mod_rev: number | null;
  prev_create_rev: number | null;
}

const TYPES = ['ADDED', 'MODIFIED', 'DELETED'] as const;

/** Writes per transaction at most; well under any watcher buffer. */
const MAX_BATCH = 1000;

interface Sub {
  prefix: string;
  /** Changes at or below this revision are not for this watcher (it asked to start in the future). */
  after: number;
  watcher: QueueWatcher;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private rev: number;
  private compacted: number;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private readonly subs = new Set<Sub>();
  private closed = false;
  private readonly historyLimit: number;
  private readonly watcherBuffer: number;
  private readonly stmt: ReturnType<SqliteStore['prepare']>;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.historyLimit = opts.historyLimit ?? 10_000;
    this.watcherBuffer = opts.watcherBuffer ?? 10_000;
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL, value BLOB,
          create_rev INTEGER NOT NULL, prev_value BLOB, prev_mod_rev INTEGER, prev_create_rev INTEGER);
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta VALUES ('revision', 0), ('compacted', 0);
      `);
      this.stmt = this.prepare();
      this.rev = (this.stmt.getMeta.get('revision') as { value: number }).value;
      this.compacted = (this.stmt.getMeta.get('compacted') as { value: number }).value;
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
      setMeta: db.prepare('UPDATE meta SET value = ? WHERE name = ?'),
      get: db.prepare('SELECT key, value, create_rev, mod_rev FROM kv WHERE key = ?'),
      insert: db.prepare('INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)'),
      update: db.prepare('UPDATE kv SET value = ?, mod_rev = ? WHERE key = ?'),
      delete: db.prepare('DELETE FROM kv WHERE key = ?'),
      log: db.prepare(
        'INSERT INTO log (rev, key, type, value, create_rev, prev_value, prev_mod_rev, prev_create_rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      range: db.prepare(
        'SELECT key, value, create_rev, mod_rev FROM kv WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?',
      ),
      count: db.prepare('SELECT COUNT(*) AS n FROM kv WHERE key >= ? AND key < ?'),
      logSince: db.prepare('SELECT * FROM log WHERE rev > ? AND key >= ? AND key < ? ORDER BY rev'),
      compactLog: db.prepare('DELETE FROM log WHERE rev <= ?'),
    };
  }

  async create(key: string, value: unknown): Promise<KV> {
    return this.enqueue({ kind: 'create', key, bytes: encode(value) });
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<KV> {
    return this.enqueue({ kind: 'update', key, bytes: encode(value), expected: expectedRevision });
  }

  async delete(key: string, expectedRevision?: number): Promise<KV> {
    return this.enqueue({ kind: 'delete', key, expected: expectedRevision });
  }

  guaranteedUpdate(key: string, fn: (current: KV) => unknown): Promise<KV> {
    return guaranteedUpdate(this, key, fn);
  }

  async get(key: string): Promise<KV> {
    this.check();
    const row = this.stmt.get.get(key) as KvRow | undefined;
    if (!row) throw new BosunError('NotFound', `key ${key} not found`);
    return toKV(row);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.check();
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const after = opts.startAfter ?? '';
    const end = prefixEnd(prefix);
    const at = opts.revision ?? 0;
    if (at > this.rev) throw tooLarge(at, this.rev);
    if (!at || at === this.rev) {
      const rows = this.stmt.range.all(prefix, end, after, limit < 0 ? -1 : limit + 1) as KvRow[];
      const more = limit >= 0 && rows.length > limit;
      if (more) rows.length = limit;
      return { items: rows.map(toKV), revision: this.rev, more };
    }
    if (at < this.compacted) throw gone(at, this.compacted);
    // State at `at`: a key changed after it had the `prev` of its first later change.
    const changed = new Map<string, KV | undefined>();
    for (const r of this.stmt.logSince.iterate(at, prefix, end) as IterableIterator<LogRow>) {
      if (changed.has(r.key) || r.key <= after) continue;
      changed.set(
        r.key,
        r.prev_value === null ? undefined : { key: r.key, value: decode(r.prev_value, r.prev_mod_rev!), modRevision: r.prev_mod_rev!, createRevision: r.prev_create_rev! },
      );
    }
    // Each changed key can displace at most one current row, so this many current rows suffice.
    const want = limit < 0 ? -1 : limit + changed.size + 1;
    const all: KV[] = [];
    for (const row of this.stmt.range.all(prefix, end, after, want) as KvRow[]) {
      if (!changed.has(row.key)) all.push(toKV(row));
    }
    for (const kv of changed.values()) if (kv) all.push(kv);
    all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Rows past the last fetched current row may be missing, so only the first `limit` count.
    const items = limit < 0 ? all : all.slice(0, limit);
    return { items, revision: at, more: limit >= 0 && all.length > limit };
  }

  watch(prefix: string, fromRevision: number): Watcher {
    this.check();
    const sub: Sub = {
      prefix,
      after: fromRevision,
      watcher: new QueueWatcher(this.watcherBuffer, () => this.subs.delete(sub), () => Math.max(this.rev, fromRevision)),
    };
    if (fromRevision > 0 && fromRevision < this.compacted) {
      sub.watcher.fail(gone(fromRevision, this.compacted));
      return sub.watcher;
    }
    const end = prefixEnd(prefix);
    if (fromRevision === 0) {
      for (const row of this.stmt.range.iterate(prefix, end, '', -1) as IterableIterator<KvRow>) {
        sub.watcher.seed({ type: 'ADDED', key: row.key, value: decode(row.value, row.mod_rev), modRevision: row.mod_rev });
      }
    } else {
      for (const r of this.stmt.logSince.iterate(fromRevision, prefix, end) as IterableIterator<LogRow>) {
        sub.watcher.seed(logEvent(r));
      }
    }
    this.subs.add(sub);
    return sub.watcher;
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  async count(prefix: string): Promise<number> {
    this.check();
    return (this.stmt.count.get(prefix, prefixEnd(prefix)) as { n: number }).n;
  }

  async compact(revision: number): Promise<void> {
    this.check();
    const to = Math.min(revision, this.rev);
    if (to <= this.compacted) return;
    this.db.transaction(() => {
      this.stmt.compactLog.run(to);
      this.stmt.setMeta.run(to, 'compacted');
    })();
    this.compacted = to;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Writes already queued still commit: their callers are waiting for an answer.
    while (this.queue.length) this.flush();
    for (const s of [...this.subs]) s.watcher.close();
    this.db.close();
  }

  private check(): void {
    if (this.closed) throw new BosunError('Unavailable', 'store is closed');
  }

  private enqueue(op: Op): Promise<KV> {
    if (this.closed) return Promise.reject(new BosunError('Unavailable', 'store is closed'));
    return new Promise<KV>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate, not a microtask: requests whose bytes arrived in the same poll phase
        // (the concurrent ones) all get parsed and queued before the batch is written.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.queue.length) return;
    // Bounded batches: between two, the event loop lets in-process watchers (the watch cache)
    // drain what the last batch pushed, so a burst can't overrun their buffers.
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length && !this.closed) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    const results: ({ ok: true; kv: KV; event: WatchEvent } | { ok: false; err: unknown })[] = [];
    const startRev = this.rev;
    try {
      this.db.transaction(() => {
        for (const p of batch) results.push(this.applyOne(p.op));
        this.stmt.setMeta.run(this.rev, 'revision');
        const keepFrom = this.rev - this.historyLimit;
        // Compact in steps of a quarter window so it is one cheap range delete now and then.
        if (keepFrom - this.compacted > this.historyLimit / 4) {
          this.stmt.compactLog.run(keepFrom);
          this.stmt.setMeta.run(keepFrom, 'compacted');
          this.compacted = keepFrom;
        }
      })();
    } catch (err) {
      this.rev = startRev;
      this.compacted = (this.stmt.getMeta.get('compacted') as { value: number }).value;
      const e = new BosunError('Unavailable', `store write failed: ${(err as Error).message}`, { cause: err });
      for (const p of batch) p.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const r = results[i]!;
      if (!r.ok) {
        batch[i]!.reject(r.err);
        continue;
      }
      for (const s of this.subs) if (r.event.modRevision > s.after && r.event.key.startsWith(s.prefix)) s.watcher.push(r.event);
      batch[i]!.resolve(r.kv);
    }
  }

  /** Runs inside the batch transaction; a failed precondition writes nothing and is reported per op. */
  private applyOne(op: Op): { ok: true; kv: KV; event: WatchEvent } | { ok: false; err: unknown } {
    const prev = this.stmt.get.get(op.key) as KvRow | undefined;
    if (op.kind === 'create') {
      if (prev) return { ok: false, err: new BosunError('AlreadyExists', `key ${op.key} already exists`) };
      const rev = ++this.rev;
      this.stmt.insert.run(op.key, op.bytes, rev, rev);
      this.stmt.log.run(rev, op.key, 0, op.bytes, rev, null, null, null);
      const kv: KV = { key: op.key, value: decode(op.bytes, rev), modRevision: rev, createRevision: rev };
      return { ok: true, kv, event: { type: 'ADDED', key: op.key, value: kv.value, modRevision: rev } };
    }
    if (!prev) return { ok: false, err: new BosunError('NotFound', `key ${op.key} not found`) };
    if (op.expected !== undefined && prev.mod_rev !== op.expected) {
      return { ok: false, err: new BosunError('Conflict', `key ${op.key} is at revision ${prev.mod_rev}, not ${op.expected}`) };
    }
    const rev = ++this.rev;
    const prevKV = toKV(prev);
    if (op.kind === 'update') {
      this.stmt.update.run(op.bytes, rev, op.key);
      this.stmt.log.run(rev, op.key, 1, op.bytes, prev.create_rev, prev.value, prev.mod_rev, prev.create_rev);
      const kv: KV = { key: op.key, value: decode(op.bytes, rev), modRevision: rev, createRevision: prev.create_rev };
      return { ok: true, kv, event: { type: 'MODIFIED', key: op.key, value: kv.value, modRevision: rev, prevValue: prevKV.value } };
    }
    this.stmt.delete.run(op.key);
    this.stmt.log.run(rev, op.key, 2, null, prev.create_rev, prev.value, prev.mod_rev, prev.create_rev);
    return {
      ok: true,
      kv: prevKV,
      event: { type: 'DELETED', key: op.key, value: restamp(prevKV.value, rev), modRevision: rev, prevValue: prevKV.value },
    };
  }
}

function toKV(row: KvRow): KV {
  return { key: row.key, value: decode(row.value, row.mod_rev), modRevision: row.mod_rev, createRevision: row.create_rev };
}

function logEvent(r: LogRow): WatchEvent {
  const type = TYPES[r.type]!;
  const prevValue = r.prev_value === null ? undefined : decode(r.prev_value, r.prev_mod_rev!);
  if (type === 'DELETED') return { type, key: r.key, value: restamp(prevValue, r.rev), modRevision: r.rev, prevValue };
  const ev: WatchEvent = { type, key: r.key, value: decode(r.value!, r.rev), modRevision: r.rev };
  if (prevValue !== undefined) ev.prevValue = prevValue;
  return ev;
}
