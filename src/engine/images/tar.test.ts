import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { collect, maybeGunzip, readTar, writeTar, type TarHeader, type TarInput } from './tar.js';
import { BosunError } from '../../errors/index.js';

const LONG = 'd'.repeat(120) + '/' + 'e'.repeat(90) + '/' + 'f'.repeat(110) + '.txt';
const LONG_LINK = '/' + 'l'.repeat(150);

function h(name: string, type: TarHeader['type'], extra: Partial<TarHeader> = {}): TarHeader {
  return { name, type, mode: 0o644, uid: 1000, gid: 1001, size: 0, mtime: 1_700_000_000, ...extra };
}

function sample(): TarInput[] {
  const body = Buffer.from('hello tar\n');
  const big = Buffer.alloc(70_000, 7);
  return [
    { header: h('dir/', 'directory', { mode: 0o755 }) },
    { header: h('dir/file.txt', 'file', { size: body.length, mode: 0o4755 }), body },
    { header: h(LONG, 'file', { size: big.length }), body: big },
    { header: h('dir/link', 'symlink', { linkname: 'file.txt' }) },
    { header: h('dir/longlink', 'symlink', { linkname: LONG_LINK }) },
    { header: h('dir/hard', 'hardlink', { linkname: 'dir/file.txt' }) },
    { header: h('dir/.wh.gone', 'file') },
    { header: h('dir/.wh..wh..opq', 'file') },
    { header: h('dir/xattr', 'file', { xattrs: { 'user.k': Buffer.from('v') } }) },
    { header: h('big-uid', 'file', { uid: 3_000_000, gid: 65534 }) },
  ];
}

async function readAll(data: Buffer): Promise<Array<{ header: TarHeader; body: Buffer }>> {
  const out = [];
  for await (const e of readTar(maybeGunzip([data]))) out.push({ header: e.header, body: await collect(e.body) });
  return out;
}

for (const longNames of ['pax', 'gnu'] as const) {
  test(`round trip with ${longNames} long names, links, whiteouts, xattrs, large ids`, async () => {
    const data = await collect(writeTar(sample(), { longNames }));
    assert.equal(data.length % 512, 0);
    const got = await readAll(data);
    const want = sample();
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) {
      const w = want[i].header;
      const g = got[i].header;
      assert.equal(g.name, w.name);
      assert.equal(g.type, w.type);
      assert.equal(g.mode, w.mode);
      assert.equal(g.uid, w.uid);
      assert.equal(g.gid, w.gid);
      assert.equal(g.mtime, w.mtime);
      assert.equal(g.linkname, w.linkname);
      assert.deepEqual(got[i].body, Buffer.isBuffer(want[i].body) ? want[i].body : Buffer.alloc(0));
    }
    assert.deepEqual(got[8].header.xattrs, { 'user.k': Buffer.from('v') });
  });
}

test('gzip is detected by magic bytes', async () => {
  const data = await collect(writeTar(sample()));
  const got = await readAll(gzipSync(data));
  assert.equal(got.length, sample().length);
  assert.equal(got[2].header.name, LONG);
});

test('GNU tar reads what we write and we read what GNU tar writes', async () => {
  const dir = fs.mkdtempSync('/tmp/bosun-test-');
  try {
    const data = await collect(writeTar(sample()));
    fs.writeFileSync(join(dir, 'ours.tar'), data);
    const listing = execFileSync('tar', ['-tvf', join(dir, 'ours.tar')], { encoding: 'utf8' });
    assert.ok(listing.includes(LONG), listing);
    assert.ok(listing.includes(`dir/longlink -> ${LONG_LINK}`), listing);

    const src = join(dir, 'src');
    fs.mkdirSync(join(src, 'd'.repeat(120), 'e'.repeat(90)), { recursive: true });
    fs.writeFileSync(join(src, 'd'.repeat(120), 'e'.repeat(90), 'x.txt'), 'content');
    fs.symlinkSync(LONG_LINK, join(src, 'sym'));
    fs.linkSync(join(src, 'd'.repeat(120), 'e'.repeat(90), 'x.txt'), join(src, 'hl'));
    for (const format of ['gnu', 'posix']) {
      const out = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-C', src, '-cf', out, '.']);
      const entries = await readAll(fs.readFileSync(out));
      const byName = new Map(entries.map((e) => [e.header.name.replace(/^\.\//, ''), e]));
      const file = byName.get(`${'d'.repeat(120)}/${'e'.repeat(90)}/x.txt`) ?? byName.get('hl');
      assert.ok(file, `${format}: ${[...byName.keys()].join(',')}`);
      assert.equal(byName.get('sym')?.header.linkname, LONG_LINK, format);
      const contents = entries.filter((e) => e.header.type === 'file').map((e) => e.body.toString());
      assert.ok(contents.includes('content'), format);
      assert.ok(entries.some((e) => e.header.type === 'hardlink'), format);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('xz, zstd and bzip2 input is refused by name', async () => {
  const junk = Buffer.alloc(1024, 0x55);
  const heads: Array<[string, Buffer]> = [
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
    ['bzip2', Buffer.from('BZh91AY&SY', 'latin1')],
  ];
  for (const [name, magic] of heads) {
    await assert.rejects(readAll(Buffer.concat([magic, junk])), (e: unknown) => e instanceof BosunError && e.kind === 'UnsupportedMediaType' && e.message.startsWith(name));
  }
  // A file name that merely starts like a magic number is still a tar.
  const odd = await collect(writeTar([{ header: { ...sample()[1].header, name: 'BZh9' }, body: sample()[1].body }]));
  assert.equal((await readAll(odd))[0].header.name, 'BZh9');
});

test('a corrupt header is a BadRequest, not a crash', async () => {
  const data = await collect(writeTar(sample()));
  data[5] ^= 0xff;
  await assert.rejects(readAll(data), (e: unknown) => e instanceof BosunError && e.kind === 'BadRequest');
  await assert.rejects(readAll(data.subarray(0, 700)), (e: unknown) => e instanceof BosunError && e.kind === 'BadRequest');
});

test('bodies left unread are skipped', async () => {
  const data = await collect(writeTar(sample()));
  const names = [];
  for await (const e of readTar([data])) names.push(e.header.name);
  assert.equal(names.length, sample().length);
});
