/**
 * EtcdStore: the Store on etcd v3, spoken through etcd's JSON gRPC-gateway with node's http (no
 * gRPC library): POST /v3/kv/range, /v3/kv/txn, /v3/kv/compaction and the streaming /v3/watch.
 * Keys and values travel base64-encoded; int64 fields travel as decimal strings; fields at
 * their proto3 default (false, 0, PUT) are left out of responses, so absence means default.
 *
 * etcd revisions are the Store revisions, unchanged. Preconditions are txn compares on the key's
 * mod_revision (0 = absent), exactly as k8s.io/apiserver's etcd3 store does; a failed txn reads
 * the key in its failure branch so NotFound and Conflict are told apart atomically.
 *
 * Compaction: etcd 3.4 runs none unless told, so after writes this store compacts to
 * (revision − historyLimit) whenever it is more than a quarter window behind — the job the
 * Kubernetes API server's compactor does every 5 minutes. etcd can't be asked for its compacted
 * revision, so the store remembers the highest one it compacted to or saw in a cancelled watch.
 */
import { Agent, request } from 'node:http';
import { BosunError } from '../errors/index.js';
import { decode, encode, restamp } from './codec.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import { prefixEnd } from './key-range.js';
import { QueueWatcher } from './queue-watcher.js';
import { gone, tooLarge } from './revision-errors.js';
import type { KV, ListOptions, ListResult, Store, WatchEvent, Watcher } from './types.js';

export interface EtcdStoreOptions {
  historyLimit?: number;
  watcherBuffer?: number;
}

interface EtcdKV {
  key: string;
  value?: string;
  create_revision?: string;
  mod_revision?: string;
}

interface Header {
  revision?: string;
}

interface RangeResponse {
  header: Header;
  kvs?: EtcdKV[];
  more?: boolean;
  count?: string;
}

interface TxnResponse {
  header: Header;
  succeeded?: boolean;
  responses?: {
    response_range?: RangeResponse;
    response_put?: { header: Header; prev_kv?: EtcdKV };
    response_delete_range?: { header: Header; prev_kvs?: EtcdKV[] };
  }[];
}

interface WatchResult {
  header?: Header;
  created?: boolean;
  canceled?: boolean;
  compact_revision?: string;
  cancel_reason?: string;
  events?: { type?: 'PUT' | 'DELETE'; kv: EtcdKV; prev_kv?: EtcdKV }[];
}

/** gRPC status code etcd uses for both "compacted" and "future revision". */
const GRPC_OUT_OF_RANGE = 11;

class EtcdError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64');
const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));

export class EtcdStore implements Store {
  private readonly base: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly watchers = new Set<QueueWatcher>();
  private readonly streams = new Set<{ destroy(): void }>();
  private compacted = 0;
  private compacting = false;
  private lastRevision = 0;
  private closed = false;
  private readonly historyLimit: number;
  private readonly watcherBuffer: number;

  constructor(endpoint: string, opts: EtcdStoreOptions = {}) {
    this.base = new URL(endpoint);
    if (this.base.protocol !== 'http:') throw new BosunError('BadRequest', `datastore endpoint must be http://host:port, got ${endpoint}`);
    this.historyLimit = opts.historyLimit ?? 10_000;
    this.watcherBuffer = opts.watcherBuffer ?? 10_000;
  }

  /** Resolves once etcd answers, so a wrong endpoint fails at start rather than at first use. */
  async ready(): Promise<void> {
    await this.revision();
  }

  async create(key: string, value: unknown): Promise<KV> {
    const bytes = encode(value);
    const r = await this.txn({
      compare: [{ key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: '0' }],
      success: [{ request_put: { key: b64(key), value: bytes.toString('base64') } }],
      failure: [],
    });
    if (!r.succeeded) throw new BosunError('AlreadyExists', `key ${key} already exists`);
    const rev = num(r.header.revision);
    this.wrote(rev);
    return { key, value: decode(bytes, rev), modRevision: rev, createRevision: rev };
  }

  async get(key: string): Promise<KV> {
    const r = await this.post<RangeResponse>('/v3/kv/range', { key: b64(key) });
    const kv = r.kvs?.[0];
    if (!kv) throw new BosunError('NotFound', `key ${key} not found`);
    return toKV(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const body: Record<string, unknown> = { ...range(prefix) };
    if (opts.startAfter !== undefined && opts.startAfter >= prefix) body.key = b64(`${opts.startAfter}\0`);
    if (opts.limit && opts.limit > 0) body.limit = String(opts.limit);
    if (opts.revision) body.revision = String(opts.revision);
    const r = await this.post<RangeResponse>('/v3/kv/range', body).catch((err) => this.revisionError(err, opts.revision ?? 0));
    return { items: (r.kvs ?? []).map(toKV), revision: opts.revision || num(r.header.revision), more: r.more === true };
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<KV> {
    const bytes = encode(value);
    const compare =
      expectedRevision === undefined
        ? { key: b64(key), target: 'MOD', result: 'GREATER', mod_revision: '0' }
        : { key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: String(expectedRevision) };
    const r = await this.txn({
      compare: [compare],
      success: [{ request_put: { key: b64(key), value: bytes.toString('base64'), prev_kv: true } }],
      failure: [{ request_range: { key: b64(key) } }],
    });
    if (!r.succeeded) throw this.preconditionFailed(key, r, expectedRevision);
    const rev = num(r.header.revision);
    this.wrote(rev);
    const prev = r.responses?.[0]?.response_put?.prev_kv;
    return { key, value: decode(bytes, rev), modRevision: rev, createRevision: num(prev?.create_revision) };
  }

  guaranteedUpdate(key: string, fn: (current: KV) => unknown): Promise<KV> {
    return guaranteedUpdate(this, key, fn);
  }

  async delete(key: string, expectedRevision?: number): Promise<KV> {
    const compare =
      expectedRevision === undefined
        ? { key: b64(key), target: 'MOD', result: 'GREATER', mod_revision: '0' }
        : { key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: String(expectedRevision) };
    const r = await this.txn({
      compare: [compare],
      success: [{ request_delete_range: { key: b64(key), prev_kv: true } }],
      failure: [{ request_range: { key: b64(key) } }],
    });
    if (!r.succeeded) throw this.preconditionFailed(key, r, expectedRevision);
    this.wrote(num(r.header.revision));
    const prev = r.responses?.[0]?.response_delete_range?.prev_kvs?.[0];
    if (!prev) throw new BosunError('Internal', `etcd deleted ${key} without returning its previous value`);
    return toKV(prev);
  }

  watch(prefix: string, fromRevision: number): Watcher {
    let stream: { destroy(): void } | undefined;
    // The revision etcd has sent every event up to on this stream (for progress()).
    const seen = { revision: 0 };
    const w = new QueueWatcher(
      this.watcherBuffer,
      () => {
        this.watchers.delete(w);
        if (stream) {
          stream.destroy();
          this.streams.delete(stream);
        }
      },
      () => seen.revision,
    );
    if (this.closed) {
      w.fail(new BosunError('Unavailable', 'store is closed'));
      return w;
    }
    this.watchers.add(w);
    const start = async () => {
      let from = fromRevision;
      if (from === 0) {
        // Kubernetes' etcd3 watcher does the same: the current state at R as ADDED, then from R.
        const l = await this.list(prefix);
        for (const kv of l.items) w.seed({ type: 'ADDED', key: kv.key, value: kv.value, modRevision: kv.modRevision });
        from = l.revision;
      }
      if (w.done) return;
      seen.revision = from;
      stream = this.openWatch(prefix, from, w, seen);
      this.streams.add(stream);
    };
    start().catch((err) => w.fail(err));
    return w;
  }

  async revision(): Promise<number> {
    const r = await this.post<RangeResponse>('/v3/kv/range', { key: b64('\0'), count_only: true });
    return num(r.header.revision);
  }

  async count(prefix: string): Promise<number> {
    const r = await this.post<RangeResponse>('/v3/kv/range', { ...range(prefix), count_only: true });
    return num(r.count);
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    try {
      await this.post('/v3/kv/compaction', { revision: String(revision), physical: true });
    } catch (err) {
      // Already compacted past it (by us earlier or another client): that is the goal anyway.
      if (!(err instanceof BosunError && err.cause instanceof EtcdError && err.cause.code === GRPC_OUT_OF_RANGE)) throw err;
    }
    this.compacted = Math.max(this.compacted, revision);
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.watchers]) w.close();
    for (const s of [...this.streams]) s.destroy();
    this.agent.destroy();
  }

  private wrote(rev: number): void {
    if (rev > this.lastRevision) this.lastRevision = rev;
    const to = this.lastRevision - this.historyLimit;
    if (!this.compacting && to - this.compacted > this.historyLimit / 4) {
      this.compacting = true;
      this.compact(to)
        .catch(() => {
          // Best effort: the next write tries again.
        })
        .finally(() => {
          this.compacting = false;
        });
    }
  }

  private preconditionFailed(key: string, r: TxnResponse, expected: number | undefined): BosunError {
    const current = r.responses?.[0]?.response_range?.kvs?.[0];
    if (!current) return new BosunError('NotFound', `key ${key} not found`);
    return new BosunError('Conflict', `key ${key} is at revision ${current.mod_revision}, not ${expected}`);
  }

  private async revisionError(err: unknown, requested: number): Promise<never> {
    if (err instanceof BosunError && err.cause instanceof EtcdError && err.cause.code === GRPC_OUT_OF_RANGE) {
      // etcd uses one code for "compacted" and "future revision": the current revision tells which.
      const current = await this.revision();
      if (requested > current) throw tooLarge(requested, current);
      this.compacted = Math.max(this.compacted, requested + 1);
      throw gone(requested, this.compacted);
    }
    throw err;
  }

  private txn(body: unknown): Promise<TxnResponse> {
    return this.post<TxnResponse>('/v3/kv/txn', body);
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new BosunError('Unavailable', 'store is closed'));
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request(
        new URL(path, this.base),
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(unavailable(err)));
          res.on('end', () => {
            let parsed: { error?: string; message?: string; code?: number };
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch (err) {
              reject(new BosunError('Unavailable', `etcd answered ${path} with HTTP ${res.statusCode} and no JSON`, { cause: err }));
              return;
            }
            if (res.statusCode !== 200 || parsed.error !== undefined) {
              const e = new EtcdError(parsed.message ?? parsed.error ?? `HTTP ${res.statusCode}`, parsed.code ?? 0);
              reject(new BosunError('Unavailable', `etcd ${path}: ${e.message}`, { cause: e }));
              return;
            }
            resolve(parsed as T);
          });
        },
      );
      req.on('error', (err) => reject(unavailable(err)));
      req.end(payload);
    });
  }

  /** One streaming /v3/watch request for one watcher; responses arrive as newline-separated JSON. */
  private openWatch(prefix: string, fromRevision: number, w: QueueWatcher, seen: { revision: number }): { destroy(): void } {
    const payload = Buffer.from(
      JSON.stringify({
        // progress_notify: etcd then sends an empty message with its revision every few minutes
        // of silence, which keeps progress() fresh for a quiet prefix.
        create_request: { ...range(prefix), start_revision: String(fromRevision + 1), prev_kv: true, progress_notify: true },
      }),
    );
    const req = request(new URL('/v3/watch', this.base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': payload.length },
    });
    req.on('response', (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) this.onWatchMessage(line, w, fromRevision, seen);
        }
      });
      res.on('end', () => w.fail(new BosunError('Unavailable', 'etcd ended the watch stream')));
      res.on('error', (err) => w.fail(unavailable(err)));
    });
    req.on('error', (err) => w.fail(unavailable(err)));
    req.end(payload);
    return req;
  }

  private onWatchMessage(line: string, w: QueueWatcher, fromRevision: number, seen: { revision: number }): void {
    let msg: { result?: WatchResult; error?: { message?: string } };
    try {
      msg = JSON.parse(line);
    } catch (err) {
      w.fail(new BosunError('Unavailable', 'etcd sent a watch message that is not JSON', { cause: err }));
      return;
    }
    const r = msg.result;
    if (!r) {
      w.fail(new BosunError('Unavailable', `etcd watch failed: ${msg.error?.message ?? line}`));
      return;
    }
    if (r.canceled) {
      const compactRev = num(r.compact_revision);
      if (compactRev) {
        this.compacted = Math.max(this.compacted, compactRev);
        w.fail(gone(fromRevision, compactRev));
      } else {
        w.fail(new BosunError('Unavailable', `etcd cancelled the watch: ${r.cancel_reason ?? 'no reason given'}`));
      }
      return;
    }
    const events = r.events ?? [];
    for (const e of events) {
      const ev = toEvent(e);
      seen.revision = Math.max(seen.revision, ev.modRevision);
      w.push(ev);
    }
    // A message's header revision promises nothing while etcd is still replaying history (the
    // replay can span messages); only an event-less progress notification, which etcd sends to
    // caught-up watchers only, says everything up to its revision was sent.
    if (!events.length && !r.created) seen.revision = Math.max(seen.revision, num(r.header?.revision));
  }
}

/** key/range_end for every key under `prefix`; etcd spells "all keys" as key = range_end = "\0". */
function range(prefix: string): { key: string; range_end: string } {
  if (prefix === '') return { key: b64('\0'), range_end: b64('\0') };
  return { key: b64(prefix), range_end: b64(prefixEnd(prefix)) };
}

function toKV(kv: EtcdKV): KV {
  const mod = num(kv.mod_revision);
  return { key: unb64(kv.key).toString('utf8'), value: decode(unb64(kv.value), mod), modRevision: mod, createRevision: num(kv.create_revision) };
}

function toEvent(e: NonNullable<WatchResult['events']>[number]): WatchEvent {
  const key = unb64(e.kv.key).toString('utf8');
  const rev = num(e.kv.mod_revision);
  const prevValue = e.prev_kv ? toKV(e.prev_kv).value : undefined;
  if (e.type === 'DELETE') return { type: 'DELETED', key, value: restamp(prevValue, rev), modRevision: rev, prevValue };
  const value = decode(unb64(e.kv.value), rev);
  // A PUT is a creation when the key's create and mod revisions coincide.
  if (num(e.kv.create_revision) === rev) return { type: 'ADDED', key, value, modRevision: rev };
  const ev: WatchEvent = { type: 'MODIFIED', key, value, modRevision: rev };
  if (prevValue !== undefined) ev.prevValue = prevValue;
  return ev;
}

function unavailable(err: unknown): BosunError {
  return new BosunError('Unavailable', `etcd unreachable: ${(err as Error).message}`, { cause: err });
}
