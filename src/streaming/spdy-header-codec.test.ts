import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeflate, createInflate, constants } from 'node:zlib';
import { adler32 } from './adler32.js';
import { HeaderCompressor, HeaderDecompressor, SPDY3_DICTIONARY, encodeHeaderBlock, type HeaderMap } from './spdy-header-codec.js';

// Feeds chunks through one long-lived node zlib stream, one sync flush per chunk, as Go's framer does.
async function streamingZlib(kind: 'deflate' | 'inflate', chunks: Buffer[]): Promise<Buffer[]> {
  const z = kind === 'deflate'
    ? createDeflate({ dictionary: SPDY3_DICTIONARY })
    : createInflate({ dictionary: SPDY3_DICTIONARY });
  const out: Buffer[] = [];
  for (const c of chunks) {
    const got: Buffer[] = [];
    const onData = (d: Buffer) => got.push(d);
    z.on('data', onData);
    z.write(c);
    await new Promise<void>((r) => z.flush(constants.Z_SYNC_FLUSH, () => r()));
    await new Promise((r) => setImmediate(r));
    z.off('data', onData);
    out.push(Buffer.concat(got));
  }
  z.destroy();
  return out;
}

const blocks: HeaderMap[] = [
  new Map([['streamtype', ['error']]]),
  new Map([['streamtype', ['stdout']], ['port', ['8080']]]),
  new Map(),
  new Map([['streamtype', ['data']], ['requestid', ['0']], ['x-multi', ['a', 'b']]]),
];

test('the SPDY/3 dictionary is the 1423 bytes whose Adler-32 the spec names', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(adler32(SPDY3_DICTIONARY), 0xe3c6a7c2);
});

test('blocks we compress decode with one continuous zlib inflater, block by block', async () => {
  const c = new HeaderCompressor();
  const wire = blocks.map((b) => c.compress(b));
  const plain = await streamingZlib('inflate', wire);
  assert.deepEqual(plain, blocks.map(encodeHeaderBlock));
});

test('blocks from one continuous zlib deflater decode block by block', async () => {
  const wire = await streamingZlib('deflate', blocks.map(encodeHeaderBlock));
  const d = new HeaderDecompressor();
  assert.deepEqual(wire.map((w) => d.decompress(w)), blocks);
});

test('a block that is not zlib with the SPDY dictionary is a BadRequest, not a crash', () => {
  assert.throws(() => new HeaderDecompressor().decompress(Buffer.from('not zlib at all')), { kind: 'BadRequest' });
});

test('a header block that inflates beyond any real one (a compression bomb) is a BadRequest', () => {
  const bomb = new HeaderCompressor().compress(new Map([['x', ['a'.repeat(4 * 1024 * 1024)]]]));
  assert.ok(bomb.length < 64 * 1024);
  assert.throws(() => new HeaderDecompressor().decompress(bomb), { kind: 'BadRequest' });
});
