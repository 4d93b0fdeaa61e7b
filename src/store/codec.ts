/**
 * How values cross the boundary between a Store's callers and its bytes. JSON values are stored as
 * UTF-8 JSON text; byte values (Uint8Array) are stored raw. Reading tells the two apart by the
 * `k8s:enc:` prefix Kubernetes' EncryptionConfiguration puts in front of every encrypted value:
 * JSON text can never start with it, so the same check works for data written before and after
 * encryption was switched on.
 */
import { BosunError } from '../errors/index.js';

const ENVELOPE_PREFIX = Buffer.from('k8s:enc:');

export function encode(value: unknown): Buffer {
  if (value instanceof Uint8Array) {
    if (!isEnvelope(value)) throw new BosunError('BadRequest', 'byte values must be k8s:enc: envelopes; store JSON values otherwise');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  const text = JSON.stringify(value);
  if (text === undefined) throw new BosunError('BadRequest', 'store values must be JSON-serialisable');
  return Buffer.from(text, 'utf8');
}

export function isEnvelope(bytes: Uint8Array): boolean {
  if (bytes.length < ENVELOPE_PREFIX.length) return false;
  for (let i = 0; i < ENVELOPE_PREFIX.length; i++) if (bytes[i] !== ENVELOPE_PREFIX[i]) return false;
  return true;
}

/** Bytes as stored → a fresh, unfrozen value (a Buffer for envelopes, parsed JSON otherwise). */
export function decodeRaw(bytes: Uint8Array): unknown {
  if (isEnvelope(bytes)) return Buffer.from(bytes);
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
}

/**
 * Turns a fresh value into what the Store returns: metadata.resourceVersion set to the revision
 * (k8s.io/apiserver's versioner does the same on every decode) and deep-frozen, so the one copy
 * can be shared by every reader. `value` must not be shared with anyone yet.
 */
export function materialize(value: unknown, revision: number): unknown {
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const meta = (value as { metadata?: unknown }).metadata;
    if (meta !== null && typeof meta === 'object' && !Array.isArray(meta)) {
      (meta as Record<string, unknown>).resourceVersion = String(revision);
    }
    deepFreeze(value);
  }
  return value;
}

/** Bytes as stored → a returned value. */
export function decode(bytes: Uint8Array, revision: number): unknown {
  return materialize(decodeRaw(bytes), revision);
}

/** A returned (frozen) value with another revision stamped in, sharing nothing mutable. */
export function restamp(value: unknown, revision: number): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const meta = (value as { metadata?: unknown }).metadata;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return value;
  if ((meta as { resourceVersion?: unknown }).resourceVersion === String(revision)) return value;
  // Shallow copies of the two levels that change; the rest stays shared (and frozen).
  const copy = { ...(value as object), metadata: { ...(meta as object), resourceVersion: String(revision) } };
  Object.freeze(copy.metadata);
  return Object.freeze(copy);
}

/** Deep-freezes a fresh value in place, without stamping a revision. */
export function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (const x of v) deepFreeze(x);
  } else {
    for (const k in v as Record<string, unknown>) deepFreeze((v as Record<string, unknown>)[k]);
  }
}
