/**
 * Encryption at rest for Secrets: a Store wrapper that encrypts every value under
 * /registry/secrets/ with AES-256-GCM before it reaches the backend, in the envelope Kubernetes'
 * EncryptionConfiguration (aesgcm provider) writes:
 *
 *   "k8s:enc:aesgcm:v1:" <key name> ":" <12-byte random nonce> <ciphertext> <16-byte GCM tag>
 *
 * The storage key (e.g. /registry/secrets/default/db) is the GCM additional authenticated data,
 * as in Kubernetes, so a ciphertext copied under another key fails to decrypt. Values written
 * before encryption was on (plain JSON) are read as they are and encrypted on their next write.
 *
 * Keys live in DIR/secrets.key (mode 0600), JSON:
 *
 *   {"keys": [{"name": "key2", "secret": "<base64, 32 bytes>"}, {"name": "key1", "secret": "…"}]}
 *
 * Rotation, as Kubernetes documents it: `addKey` puts a new key first (the first key encrypts;
 * every key decrypts); restart (or `reloadKeys`); `rewriteAll` re-encrypts every secret with the
 * first key; `pruneKeys` then drops the others.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { BosunError } from '../errors/index.js';
import { decodeRaw, deepFreeze, materialize } from './codec.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import type { KV, ListOptions, ListResult, Store, WatchEvent, Watcher } from './types.js';

export const SECRETS_PREFIX = '/registry/secrets/';
const PROVIDER_PREFIX = 'k8s:enc:aesgcm:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKey {
  name: string;
  /** 32 bytes. */
  secret: Buffer;
}

interface KeyFile {
  keys: { name: string; secret: string }[];
}

/** Reads the key file, creating it (0600, one fresh key) if it does not exist. */
export function loadOrCreateKeys(file: string): EncryptionKey[] {
  if (!existsSync(file)) writeKeys(file, [newKey('key1')]);
  // The file holds the only copy of the keys: never leave it readable by others.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch (err) {
    throw new BosunError('Invalid', `${file} is not a valid key file`, { cause: err });
  }
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new BosunError('Invalid', `${file} holds no keys`);
  return parsed.keys.map((k) => {
    const secret = Buffer.from(String(k.secret), 'base64');
    if (!/^[A-Za-z0-9._-]+$/.test(String(k.name)) || secret.length !== 32) {
      throw new BosunError('Invalid', `${file}: key ${JSON.stringify(k.name)} needs a name of [A-Za-z0-9._-] and a 32-byte secret`);
    }
    return { name: k.name, secret };
  });
}

/** Adds a fresh key in front (it encrypts from now on); returns its name. */
export function addKey(file: string): string {
  const keys = loadOrCreateKeys(file);
  let n = keys.length + 1;
  while (keys.some((k) => k.name === `key${n}`)) n++;
  const key = newKey(`key${n}`);
  writeKeys(file, [key, ...keys]);
  return key.name;
}

/** Keeps only the first (encrypting) key; call after `rewriteAll` has finished. */
export function pruneKeys(file: string): void {
  writeKeys(file, loadOrCreateKeys(file).slice(0, 1));
}

function newKey(name: string): EncryptionKey {
  return { name, secret: randomBytes(32) };
}

function writeKeys(file: string, keys: EncryptionKey[]): void {
  const body: KeyFile = { keys: keys.map((k) => ({ name: k.name, secret: k.secret.toString('base64') })) };
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export class EncryptedStore implements Store {
  private keys: EncryptionKey[];

  constructor(
    private readonly inner: Store,
    keys: EncryptionKey[],
  ) {
    if (!keys.length) throw new BosunError('Invalid', 'encryption needs at least one key');
    this.keys = keys;
  }

  /** Swaps in a new key list (after addKey/pruneKeys) without restarting. */
  reloadKeys(keys: EncryptionKey[]): void {
    if (!keys.length) throw new BosunError('Invalid', 'encryption needs at least one key');
    this.keys = keys;
  }

  /**
   * Re-encrypts every secret not already under the first key (including plain ones written
   * before encryption). Concurrent writers are fine: each rewrite is a guaranteedUpdate, and a
   * secret someone else rewrote meanwhile is already under the current key.
   */
  async rewriteAll(): Promise<number> {
    let rewritten = 0;
    let startAfter: string | undefined;
    const current = Buffer.from(`${PROVIDER_PREFIX}${this.keys[0]!.name}:`);
    for (;;) {
      const page = await this.inner.list(SECRETS_PREFIX, { limit: 500, startAfter });
      for (const kv of page.items) {
        if (kv.value instanceof Uint8Array && Buffer.from(kv.value).subarray(0, current.length).equals(current)) continue;
        try {
          await guaranteedUpdate(this.inner, kv.key, (cur) => this.encryptValue(kv.key, this.plain(kv.key, cur.value)));
          rewritten++;
        } catch (err) {
          if (!(err instanceof BosunError && err.kind === 'NotFound')) throw err;
        }
      }
      if (!page.more) return rewritten;
      startAfter = page.items[page.items.length - 1]!.key;
    }
  }

  async create(key: string, value: unknown): Promise<KV> {
    if (!isSecret(key)) return this.inner.create(key, value);
    const plaintext = jsonBytes(value);
    const kv = await this.inner.create(key, this.seal(key, plaintext));
    return { ...kv, value: materialize(JSON.parse(plaintext.toString('utf8')), kv.modRevision) };
  }

  async get(key: string): Promise<KV> {
    return this.open(await this.inner.get(key));
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    const r = await this.inner.list(prefix, opts);
    if (!mayHoldSecrets(prefix)) return r;
    return { ...r, items: r.items.map((kv) => this.open(kv)) };
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<KV> {
    if (!isSecret(key)) return this.inner.update(key, value, expectedRevision);
    const plaintext = jsonBytes(value);
    const kv = await this.inner.update(key, this.seal(key, plaintext), expectedRevision);
    return { ...kv, value: materialize(JSON.parse(plaintext.toString('utf8')), kv.modRevision) };
  }

  guaranteedUpdate(key: string, fn: (current: KV) => unknown): Promise<KV> {
    return guaranteedUpdate(this, key, fn);
  }

  async delete(key: string, expectedRevision?: number): Promise<KV> {
    return this.open(await this.inner.delete(key, expectedRevision));
  }

  watch(prefix: string, fromRevision: number): Watcher {
    const w = this.inner.watch(prefix, fromRevision);
    if (!mayHoldSecrets(prefix)) return w;
    return new MappedWatcher(w, (ev) => this.openEvent(ev));
  }

  revision(): Promise<number> {
    return this.inner.revision();
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private encryptValue(key: string, value: unknown): Buffer {
    return this.seal(key, jsonBytes(value));
  }

  private seal(key: string, plaintext: Buffer): Buffer {
    const k = this.keys[0]!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', k.secret, nonce);
    cipher.setAAD(Buffer.from(key, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from(`${PROVIDER_PREFIX}${k.name}:`), nonce, body, cipher.getAuthTag()]);
  }

  /** A stored value (envelope or plain) → the plain value, fresh and unfrozen. */
  private plain(key: string, stored: unknown): unknown {
    if (!(stored instanceof Uint8Array)) return stored;
    const buf = Buffer.from(stored);
    const head = buf.subarray(0, 128).toString('latin1');
    if (!head.startsWith(PROVIDER_PREFIX)) {
      throw new BosunError('Internal', `${key} is encrypted with a provider Bosun does not know`);
    }
    const nameEnd = head.indexOf(':', PROVIDER_PREFIX.length);
    const name = head.slice(PROVIDER_PREFIX.length, nameEnd);
    const k = nameEnd > 0 ? this.keys.find((x) => x.name === name) : undefined;
    if (!k) throw new BosunError('Internal', `${key} is encrypted with key ${JSON.stringify(name)}, which is not in the key file`);
    const data = buf.subarray(nameEnd + 1);
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new BosunError('Internal', `${key}: encrypted value is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', k.secret, data.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(key, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return decodeRaw(plaintext);
    } catch (err) {
      throw new BosunError('Internal', `${key} fails authentication with key ${name}`, { cause: err });
    }
  }

  private open(kv: KV): KV {
    if (!(kv.value instanceof Uint8Array)) return kv;
    return { ...kv, value: materialize(this.plain(kv.key, kv.value), kv.modRevision) };
  }

  private openEvent(ev: WatchEvent): WatchEvent {
    const encrypted = ev.value instanceof Uint8Array || ev.prevValue instanceof Uint8Array;
    if (!encrypted) return ev;
    const out: WatchEvent = { ...ev };
    if (ev.prevValue instanceof Uint8Array) {
      // The event doesn't carry the previous value's own revision, so a decrypted prevValue keeps
      // whatever resourceVersion it was written with rather than a made-up one.
      const prev = this.plain(ev.key, ev.prevValue);
      deepFreeze(prev);
      out.prevValue = prev;
    }
    if (ev.value instanceof Uint8Array) out.value = materialize(this.plain(ev.key, ev.value), ev.modRevision);
    return out;
  }
}

/** A Watcher whose events pass through `fn`; an error from `fn` ends the watch with it. */
export class MappedWatcher implements Watcher {
  constructor(
    private readonly inner: Watcher,
    private readonly fn: (ev: WatchEvent) => WatchEvent,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    const it = this.inner[Symbol.asyncIterator]();
    return {
      next: async () => {
        const r = await it.next();
        if (r.done) return r;
        try {
          return { value: this.fn(r.value), done: false };
        } catch (err) {
          this.inner.close();
          throw err;
        }
      },
      return: async () => {
        this.inner.close();
        return { value: undefined, done: true };
      },
    };
  }

  close(): void {
    this.inner.close();
  }

  progress(): number {
    return this.inner.progress?.() ?? 0;
  }
}

function isSecret(key: string): boolean {
  return key.startsWith(SECRETS_PREFIX);
}

/** Whether a range under `prefix` can contain secrets (e.g. "/registry/" does, "/registry/pods/" doesn't). */
function mayHoldSecrets(prefix: string): boolean {
  return SECRETS_PREFIX.startsWith(prefix) || prefix.startsWith(SECRETS_PREFIX);
}

function jsonBytes(value: unknown): Buffer {
  const text = JSON.stringify(value);
  if (text === undefined) throw new BosunError('BadRequest', 'store values must be JSON-serialisable');
  return Buffer.from(text, 'utf8');
}
