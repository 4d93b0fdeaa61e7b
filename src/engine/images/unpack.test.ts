import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readTar, writeTar, type TarHeader, type TarInput } from './tar.js';
import { unpackLayer } from './unpack.js';
import { BosunError } from '../../errors/index.js';

const MTIME = 1_600_000_000;

function e(name: string, type: TarHeader['type'], extra: Partial<TarHeader> = {}, body?: string): TarInput {
  const b = body === undefined ? undefined : Buffer.from(body);
  return { header: { name, type, mode: type === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, size: b?.length ?? 0, mtime: MTIME, ...extra }, body: b };
}

async function unpack(entries: TarInput[], dir: string): Promise<void> {
  await unpackLayer(readTar(writeTar(entries)), dir);
}

function isBadRequest(err: unknown): boolean {
  return err instanceof BosunError && err.kind === 'BadRequest';
}

test('whiteouts and opaque dirs hide lower content in a real overlay mount', async () => {
  const dir = fs.mkdtempSync('/tmp/bosun-test-');
  const lower = join(dir, 'lower');
  const upper = join(dir, 'upper');
  const mnt = join(dir, 'mnt');
  for (const d of [lower, upper, mnt]) fs.mkdirSync(d);
  let mounted = false;
  try {
    await unpack([
      e('a/', 'directory'),
      e('a/1', 'file', {}, 'one'),
      e('a/2', 'file', {}, 'two'),
      e('o/', 'directory'),
      e('o/x', 'file', {}, 'x'),
      e('./keep', 'file', { mode: 0o4750, uid: 1000, gid: 100 }, 'kept'),
      e('s', 'symlink', { linkname: 'keep' }),
      e('hl', 'hardlink', { linkname: './keep' }),
      e('p', 'fifo'),
      e('deep/er/file', 'file', {}, 'implicit parents'),
    ], lower);
    await unpack([
      e('a/', 'directory'),
      e('a/.wh.1', 'file'),
      e('o/', 'directory', { mode: 0o700 }),
      e('o/.wh..wh..opq', 'file'),
      e('o/y', 'file', {}, 'y'),
      e('n', 'file', {}, 'new'),
    ], upper);
    const st = fs.statSync(join(lower, 'keep'));
    assert.equal(st.mode & 0o7777, 0o4750);
    assert.equal(st.uid, 1000);
    assert.equal(st.gid, 100);
    assert.equal(st.mtimeMs / 1000, MTIME);
    assert.equal(st.nlink, 2);
    assert.equal(fs.statSync(join(lower, 'a')).mtimeMs / 1000, MTIME);
    assert.ok(fs.lstatSync(join(lower, 'p')).isFIFO());
    const wh = fs.lstatSync(join(upper, 'a', '1'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);

    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${upper}:${lower}`, mnt]);
    mounted = true;
    assert.deepEqual(fs.readdirSync(join(mnt, 'a')), ['2']);
    assert.deepEqual(fs.readdirSync(join(mnt, 'o')), ['y']);
    assert.equal(fs.readFileSync(join(mnt, 's'), 'utf8'), 'kept');
    assert.equal(fs.readFileSync(join(mnt, 'n'), 'utf8'), 'new');
    assert.equal(fs.readFileSync(join(mnt, 'deep/er/file'), 'utf8'), 'implicit parents');
  } finally {
    if (mounted) execFileSync('umount', [mnt]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('paths escaping the root are refused and nothing lands outside', async () => {
  const dir = fs.mkdtempSync('/tmp/bosun-test-');
  const root = join(dir, 'root');
  fs.mkdirSync(root);
  try {
    await assert.rejects(unpack([e('../evil', 'file', {}, 'x')], root), isBadRequest);
    await assert.rejects(unpack([e('a/../../evil2', 'file', {}, 'x')], root), isBadRequest);
    await assert.rejects(unpack([e('out', 'symlink', { linkname: dir }), e('out/evil3', 'file', {}, 'x')], root), isBadRequest);
    await assert.rejects(unpack([e('out2', 'symlink', { linkname: '/etc' }), e('hl', 'hardlink', { linkname: 'out2/hostname' })], root), isBadRequest);
    await assert.rejects(unpack([e('hl2', 'hardlink', { linkname: 'missing' })], root), isBadRequest);
    // A directory replaced by a symlink must not be written through afterwards.
    await assert.rejects(unpack([e('r/', 'directory'), e('r/s/', 'directory'), e('r', 'symlink', { linkname: dir }), e('r/s/evil4', 'file', {}, 'x')], root), isBadRequest);
    await assert.rejects(unpack([e('w/', 'directory'), e('w/x', 'file', {}, 'x'), e('.wh.w', 'file'), e('w', 'symlink', { linkname: dir }), e('w/evil5', 'file', {}, 'x')], root), isBadRequest);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['root']);
    // Absolute names are relative to the layer root, as in Docker.
    await unpack([e('/abs/file', 'file', {}, 'ok')], root);
    assert.equal(fs.readFileSync(join(root, 'abs/file'), 'utf8'), 'ok');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a later entry replaces an earlier one of another kind', async () => {
  const dir = fs.mkdtempSync('/tmp/bosun-test-');
  try {
    await unpack([e('x', 'file', {}, 'file'), e('x/', 'directory'), e('x/y', 'file', {}, 'y'), e('z/', 'directory'), e('z', 'symlink', { linkname: 'x' }),
      e('w', 'file', {}, 'old'), e('.wh.w', 'file'), e('w', 'file', {}, 'again')], dir);
    assert.ok(fs.statSync(join(dir, 'x')).isDirectory());
    assert.ok(fs.lstatSync(join(dir, 'z')).isSymbolicLink());
    assert.equal(fs.readFileSync(join(dir, 'w'), 'utf8'), 'again');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
