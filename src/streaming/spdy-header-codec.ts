/**
 * SPDY/3 header blocks (draft 3, §2.6.10): a count and length-prefixed name/value pairs, compressed
 * with one zlib stream per direction that lives as long as the session and is primed with the fixed
 * SPDY/3 dictionary. Every block ends on a Z_SYNC_FLUSH boundary, so the peer can decode it alone.
 *
 * Node's streaming zlib is asynchronous, which would let a SYN_REPLY overtake or trail the DATA frames
 * around it. Instead both directions are done synchronously with raw deflate: after a sync flush the
 * bit stream sits on a byte boundary and the decoder's only state is its 32 KiB window, so each block
 * can be (de)compressed on its own with the last 32 KiB of "dictionary + everything before" given as
 * the preset dictionary. The zlib wrapper (CMF/FLG + DICTID) appears once, before the first block.
 */
import { adler32 } from './adler32.js';
import { badRequest } from '../errors/index.js';
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';

/** The SPDY/3 dictionary: length-prefixed header names, then a run of common values. */
const WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
  'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
  'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location',
  'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host',
  'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified',
  'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via',
  'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url',
  'public', 'set-cookie', 'keep-alive', 'origin',
];
const TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY3_DICTIONARY: Buffer = Buffer.concat([
  ...WORDS.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  }),
  Buffer.from(TAIL, 'latin1'),
]);

const WINDOW = 32 * 1024;
/** Real header blocks are a few hundred bytes; the cap stops a compression bomb in a 16 MiB frame. */
const MAX_HEADER_BLOCK = 256 * 1024;

/** Header names are lowercase on the wire; a name may carry several values joined by NUL. */
export type HeaderMap = Map<string, string[]>;

export function encodeHeaderBlock(headers: HeaderMap): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, values] of headers) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): HeaderMap {
  const headers: HeaderMap = new Map();
  let off = 0;
  const take = (n: number): Buffer => {
    if (off + n > block.length) throw badRequest('SPDY header block is truncated');
    const b = block.subarray(off, off + n);
    off += n;
    return b;
  };
  const count = take(4).readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8').toLowerCase();
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    headers.set(name, [...(headers.get(name) ?? []), ...value.split('\0')]);
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The sliding window both ends share: what a back-reference may point into. */
class History {
  private window: Buffer = SPDY3_DICTIONARY;
  get(): Buffer {
    return this.window;
  }
  push(plain: Buffer): void {
    const joined = Buffer.concat([this.window, plain]);
    this.window = joined.length > WINDOW ? joined.subarray(joined.length - WINDOW) : joined;
  }
}

export class HeaderCompressor {
  private readonly history = new History();
  private started = false;

  compress(headers: HeaderMap): Buffer {
    const plain = encodeHeaderBlock(headers);
    const body = deflateRawSync(plain, { dictionary: this.history.get(), finishFlush: constants.Z_SYNC_FLUSH });
    this.history.push(plain);
    if (this.started) return body;
    this.started = true;
    // CMF 0x78 (deflate, 32 KiB window); FLG 0xF9 = level "maximum", FDICT set, and the check bits
    // that make CMF*256+FLG a multiple of 31 (RFC 1950 §2.2). Then DICTID, the dictionary's Adler-32.
    return Buffer.concat([Buffer.from([0x78, 0xf9]), u32(adler32(SPDY3_DICTIONARY)), body]);
  }
}

export class HeaderDecompressor {
  private readonly history = new History();
  private started = false;

  decompress(block: Buffer): HeaderMap {
    let body = block;
    if (!this.started) {
      if (block.length < 6 || (block[0]! & 0x0f) !== 8 || ((block[0]! << 8) | block[1]!) % 31 !== 0) {
        throw badRequest('SPDY header block does not start a zlib stream');
      }
      if ((block[1]! & 0x20) === 0 || block.readUInt32BE(2) !== adler32(SPDY3_DICTIONARY)) {
        throw badRequest('SPDY header block is not compressed with the SPDY/3 dictionary');
      }
      body = block.subarray(6);
      this.started = true;
    }
    let plain: Buffer;
    try {
      plain = inflateRawSync(body, { dictionary: this.history.get(), finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_HEADER_BLOCK });
    } catch (err) {
      throw badRequest('SPDY header block does not decompress', { cause: err });
    }
    this.history.push(plain);
    return decodeHeaderBlock(plain);
  }
}
