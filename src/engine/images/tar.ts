/**
 * Streaming tar reader and writer: POSIX ustar, pax extended headers (per-file and global) and the
 * GNU long-name/long-link extensions, as image layers and docker-archives use them. Nothing is
 * buffered beyond one header; bodies stream through. gzip is recognised by its magic bytes,
 * because clients label layers and archives inconsistently (`docker import` sends either).
 */
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { badRequest, BosunError } from '../../errors/index.js';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarHeader {
  /** Path as stored in the archive (may start with "./"; directories may end with "/"). */
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch (pax may carry fractions). */
  mtime: number;
  /** Target of a symlink, or the archive path a hard link points at. */
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  /** From pax `SCHILY.xattr.*` records. */
  xattrs?: Record<string, Buffer>;
}

export interface TarEntry {
  header: TarHeader;
  /** The entry's data; whatever the consumer leaves unread is skipped before the next entry. */
  body: AsyncIterable<Buffer>;
}

const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>;
type ByteIterator = AsyncIterator<Buffer | Uint8Array | string> | Iterator<Buffer | Uint8Array | string>;

function iterate(source: ByteSource): ByteIterator {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

function corrupt(what: string): BosunError {
  return badRequest(`invalid tar archive: ${what}`);
}

/** Pulls exact byte counts out of an async chunk source. */
class ChunkReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;

  constructor(private readonly source: ByteIterator) {}

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.ended) {
      const r = await this.source.next();
      if (r.done) { this.ended = true; break; }
      const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
      if (c.length) { this.chunks.push(c); this.length += c.length; }
    }
  }

  /** Exactly n bytes, or null at a clean end of input. */
  async read(n: number): Promise<Buffer | null> {
    await this.fill(n);
    if (this.length === 0) return null;
    if (this.length < n) throw corrupt('unexpected end of data');
    return this.take(n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.length -= n;
    return out;
  }

  /** Yields n bytes as they arrive, in pieces. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.length === 0) await this.fill(1);
      if (this.length === 0) throw corrupt('unexpected end of data');
      const first = this.chunks[0];
      const piece = first.length <= left ? first : first.subarray(0, left);
      this.take(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n)) { /* discard */ }
  }
}

function cstring(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function numeric(buf: Buffer, start: number, len: number): number {
  const field = buf.subarray(start, start + len);
  if (field[0] & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit as a marker.
    let v = field[0] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + field[i];
    return v;
  }
  const s = field.toString('latin1').replace(/[\0 ]+$/g, '').trim();
  if (!s) return 0;
  if (!/^[0-7]+$/.test(s)) throw corrupt(`bad numeric field "${s}"`);
  return parseInt(s, 8);
}

function checksumOf(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo',
};

function parsePax(data: Buffer): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) throw corrupt('bad pax record');
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw corrupt('bad pax record length');
    const record = data.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) throw corrupt('bad pax record');
    out[record.subarray(0, eq).toString('utf8')] = record.subarray(eq + 1);
    pos += len;
  }
  return out;
}

function applyPax(h: TarHeader, pax: Record<string, Buffer>): void {
  for (const [k, v] of Object.entries(pax)) {
    const s = v.toString('utf8');
    switch (k) {
      case 'path': h.name = s; break;
      case 'linkpath': h.linkname = s; break;
      case 'size': h.size = Number(s); break;
      case 'uid': h.uid = Number(s); break;
      case 'gid': h.gid = Number(s); break;
      case 'mtime': h.mtime = Number(s); break;
      case 'uname': h.uname = s; break;
      case 'gname': h.gname = s; break;
      default:
        if (k.startsWith('SCHILY.xattr.')) (h.xattrs ??= {})[k.slice('SCHILY.xattr.'.length)] = v;
    }
  }
}

/** Reads entries one at a time; the caller must finish with an entry (or ignore it) before the next. */
export async function* readTar(source: ByteSource): AsyncGenerator<TarEntry> {
  const reader = new ChunkReader(iterate(source));
  let globalPax: Record<string, Buffer> = {};
  let pax: Record<string, Buffer> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (!block || block.equals(ZERO_BLOCK)) return;
    if (numeric(block, 148, 8) !== checksumOf(block)) throw corrupt('header checksum mismatch');
    const flag = String.fromCharCode(block[156]);
    const size = numeric(block, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      const data = (await reader.read(padded)) ?? Buffer.alloc(0);
      const payload = data.subarray(0, size);
      if (flag === 'x') pax = { ...(pax ?? {}), ...parsePax(payload) };
      else if (flag === 'g') globalPax = { ...globalPax, ...parsePax(payload) };
      else if (flag === 'L') longName = cstring(payload, 0, payload.length);
      else longLink = cstring(payload, 0, payload.length);
      continue;
    }
    const magic = block.subarray(257, 263).toString('latin1');
    let name = cstring(block, 0, 100);
    const prefix = magic === 'ustar\0' ? cstring(block, 345, 155) : '';
    if (prefix) name = `${prefix}/${name}`;
    const type = TYPES[flag];
    const header: TarHeader = {
      name,
      type: type ?? 'file',
      mode: numeric(block, 100, 8) & 0o7777,
      uid: numeric(block, 108, 8),
      gid: numeric(block, 116, 8),
      size,
      mtime: numeric(block, 136, 12),
      uname: cstring(block, 265, 32) || undefined,
      gname: cstring(block, 297, 32) || undefined,
    };
    const link = cstring(block, 157, 100);
    if (link) header.linkname = link;
    if (flag === '3' || flag === '4') {
      header.devmajor = numeric(block, 329, 8);
      header.devminor = numeric(block, 337, 8);
    }
    applyPax(header, globalPax);
    if (pax) applyPax(header, pax);
    if (longName !== undefined) header.name = longName;
    if (longLink !== undefined) header.linkname = longLink;
    pax = longName = longLink = undefined;
    const dataSize = header.type === 'file' ? header.size : (type ? 0 : size);
    if (!type) {
      // Entry kinds layers never need (GNU sparse, volume labels): skip them whole.
      await reader.skip(Math.ceil(header.size / BLOCK) * BLOCK);
      continue;
    }
    if (header.type !== 'file') header.size = 0;
    let left = dataSize;
    const body = (async function* () {
      for await (const piece of reader.stream(left)) {
        left -= piece.length;
        yield piece;
      }
    })();
    yield { header, body };
    if (left > 0) await reader.skip(left);
    const pad = (BLOCK - (dataSize % BLOCK)) % BLOCK;
    if (pad) await reader.skip(pad);
  }
}

// Magic numbers (as latin1) of the other compressions `docker load` meets; none can start a tar
// header, whose first bytes are a file name.
const OTHER_COMPRESSIONS: Array<[string, RegExp]> = [
  ['xz', /^\xfd7zXZ\x00/],
  ['zstd', /^\x28\xb5\x2f\xfd/],
  ['bzip2', /^BZh[1-9]1AY&SY/],
];

/** Passes a byte stream through gunzip when it starts with the gzip magic. */
export async function* maybeGunzip(source: ByteSource): AsyncGenerator<Buffer> {
  const it = iterate(source);
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 10) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    head.push(c);
    headLen += c.length;
  }
  const first = Buffer.concat(head);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  for (const [name, magic] of OTHER_COMPRESSIONS) {
    if (magic.test(first.subarray(0, 10).toString('latin1'))) {
      throw new BosunError('UnsupportedMediaType', `${name}-compressed archives are not supported: send it uncompressed or gzip-compressed`);
    }
  }
  if (!gzip) {
    if (first.length) yield first;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    }
  }
  const gunzip = createGunzip();
  const feed = (async () => {
    try {
      if (!gunzip.write(first)) await new Promise((r) => gunzip.once('drain', r));
      if (!done) {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
          if (!gunzip.write(c)) await new Promise((r2) => gunzip.once('drain', r2));
        }
      }
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  let finished = false;
  try {
    for await (const c of gunzip as AsyncIterable<Buffer>) yield c;
    finished = true;
  } catch (err) {
    throw badRequest(`invalid gzip data: ${(err as Error).message}`);
  } finally {
    // A consumer that stops early must not wait for a feeder blocked on 'drain'.
    if (finished) await feed;
    else gunzip.destroy();
  }
}

// ---- writer ----

export interface TarInput {
  header: TarHeader;
  /** Exactly header.size bytes for files. */
  body?: Buffer | AsyncIterable<Buffer>;
}

export interface TarWriteOptions {
  /** How names and link targets longer than ustar allows are written. Default pax. */
  longNames?: 'pax' | 'gnu';
}

const TYPE_FLAGS: Record<TarEntryType, string> = {
  file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6',
};

function writeString(block: Buffer, s: string, start: number, len: number): void {
  block.write(s, start, len, 'utf8');
}

function writeOctal(block: Buffer, v: number, start: number, len: number): void {
  block.write(Math.floor(v).toString(8).padStart(len - 1, '0') + '\0', start, len, 'latin1');
}

function rawHeader(name: string, flag: string, h: TarHeader, size: number, linkname: string, prefix = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, name, 0, 100);
  writeOctal(block, h.mode & 0o7777, 100, 8);
  writeOctal(block, h.uid, 108, 8);
  writeOctal(block, h.gid, 116, 8);
  writeOctal(block, size, 124, 12);
  writeOctal(block, h.mtime, 136, 12);
  block.write(flag, 156, 1, 'latin1');
  writeString(block, linkname, 157, 100);
  block.write('ustar\x0000', 257, 8, 'latin1');
  writeString(block, h.uname ?? '', 265, 32);
  writeString(block, h.gname ?? '', 297, 32);
  writeOctal(block, h.devmajor ?? 0, 329, 8);
  writeOctal(block, h.devminor ?? 0, 337, 8);
  writeString(block, prefix, 345, 155);
  block.write(checksumOf(block).toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

function padTo(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return pad ? Buffer.concat([data, Buffer.alloc(pad)]) : data;
}

function paxRecord(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len), 'ascii'), body]);
}

/** Splits a path into ustar prefix/name if it fits, else undefined. */
function ustarSplit(name: string): [string, string] | undefined {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest) return [prefix, rest];
  }
  return undefined;
}

const OCTAL_LIMIT_12 = 0o77777777777;
const OCTAL_LIMIT_8 = 0o7777777;

/** The header blocks (extension headers included) for one entry. */
export function headerBlocks(h: TarHeader, opts: TarWriteOptions = {}): Buffer {
  const flag = TYPE_FLAGS[h.type];
  const size = h.type === 'file' ? h.size : 0;
  const link = h.linkname ?? '';
  const out: Buffer[] = [];
  const pax: Buffer[] = [];
  let split = ustarSplit(h.name);
  let linkField = link;
  const longLink = Buffer.byteLength(link) > 100;
  if (opts.longNames === 'gnu') {
    if (!split) {
      const data = Buffer.from(h.name + '\0');
      out.push(rawHeader('././@LongLink', 'L', { ...h, mode: 0, uid: 0, gid: 0, mtime: 0 }, data.length, ''), padTo(data));
      split = ['', h.name.slice(0, 100)];
    }
    if (longLink) {
      const data = Buffer.from(link + '\0');
      out.push(rawHeader('././@LongLink', 'K', { ...h, mode: 0, uid: 0, gid: 0, mtime: 0 }, data.length, ''), padTo(data));
      linkField = link.slice(0, 100);
    }
  } else {
    if (!split) { pax.push(paxRecord('path', h.name)); split = ['', h.name.slice(0, 100)]; }
    if (longLink) { pax.push(paxRecord('linkpath', link)); linkField = link.slice(0, 100); }
  }
  const fields = { ...h };
  if (size > OCTAL_LIMIT_12) pax.push(paxRecord('size', String(size)));
  if (h.uid > OCTAL_LIMIT_8) { pax.push(paxRecord('uid', String(h.uid))); fields.uid = 0; }
  if (h.gid > OCTAL_LIMIT_8) { pax.push(paxRecord('gid', String(h.gid))); fields.gid = 0; }
  if (h.mtime !== Math.floor(h.mtime) || h.mtime < 0) pax.push(paxRecord('mtime', String(h.mtime)));
  fields.mtime = Math.max(0, Math.floor(h.mtime));
  for (const [k, v] of Object.entries(h.xattrs ?? {})) pax.push(paxRecord(`SCHILY.xattr.${k}`, v));
  if (pax.length) {
    const data = Buffer.concat(pax);
    const base = h.name.replace(/\/+$/, '').split('/').pop() ?? '';
    out.push(rawHeader(`PaxHeaders.0/${base}`.slice(0, 100), 'x', { ...fields, mode: 0o644 }, data.length, ''), padTo(data));
  }
  out.push(rawHeader(split[1], flag, fields, Math.min(size, OCTAL_LIMIT_12), linkField, split[0]));
  return Buffer.concat(out);
}

/** Serialises entries into a tar stream (two zero blocks at the end). */
export async function* writeTar(entries: Iterable<TarInput> | AsyncIterable<TarInput>, opts: TarWriteOptions = {}): AsyncGenerator<Buffer> {
  for await (const e of entries as AsyncIterable<TarInput>) {
    yield headerBlocks(e.header, opts);
    if (e.header.type !== 'file') continue;
    let written = 0;
    if (Buffer.isBuffer(e.body)) {
      written = e.body.length;
      if (written) yield e.body;
    } else if (e.body) {
      for await (const c of e.body) { written += c.length; yield c; }
    }
    if (written !== e.header.size) throw new BosunError('Internal', `tar entry ${e.header.name}: wrote ${written} bytes, header says ${e.header.size}`);
    const pad = (BLOCK - (written % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Collects a small tar stream into memory (tests, manifests). */
export async function collect(stream: AsyncIterable<Buffer> | Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(parts);
}
