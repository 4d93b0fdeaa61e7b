import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { aptSources, debootstrapArgs, debootstrapRootfsTar, defaultMirror } from './image-bootstrap.js';
import { BosunError } from '../errors/index.js';

function etcApt(files: Record<string, string>): string {
  const dir = fs.mkdtempSync('/tmp/bosun-test-');
  fs.mkdirSync(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(join(dir, name), text);
  return dir;
}

test('deb822 sources (Debian 12 default) give the mirror carrying the suite', () => {
  const dir = etcApt({
    'sources.list.d/debian.sources': [
      'Types: deb', '# a comment', 'URIs: http://deb.example/debian-security', 'Suites: bookworm-security', 'Components: main', '',
      'Types: deb-src', 'URIs: http://src.example/debian', 'Suites: bookworm', '',
      'Types: deb', 'URIs: http://deb.example/debian', 'Suites: bookworm bookworm-updates', 'Components: main',
    ].join('\n'),
    'sources.list.d/other.list.disabled-by-farm': 'deb http://disabled.example/ bookworm main\n',
  });
  try {
    assert.equal(defaultMirror('bookworm', dir), 'http://deb.example/debian');
    assert.equal(defaultMirror('trixie', dir), 'http://deb.example/debian-security');
    assert.deepEqual(debootstrapArgs({}, '/t', dir), ['--variant=minbase', 'bookworm', '/t', 'http://deb.example/debian']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('one-line sources.list comes first, options and comments are skipped', () => {
  const dir = etcApt({
    'sources.list': '# deb http://commented.example/ bookworm main\ndeb-src http://src.example/ bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\n',
    'sources.list.d/z.list': 'deb http://later.example/debian bookworm main\n',
  });
  try {
    assert.deepEqual(aptSources(dir).map((s) => s.uri), ['http://one.example/debian', 'http://later.example/debian']);
    assert.deepEqual(debootstrapArgs({ suite: 'bookworm', variant: 'buildd', mirror: 'http://m.example/d' }, '/t', dir),
      ['--variant=buildd', 'bookworm', '/t', 'http://m.example/d']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no source, or a bad suite or mirror, is a BadRequest', () => {
  const dir = etcApt({});
  try {
    const isBad = (e: unknown) => e instanceof BosunError && e.kind === 'BadRequest';
    assert.throws(() => debootstrapArgs({}, '/t', dir), isBad);
    assert.throws(() => debootstrapArgs({ suite: '--foreign', mirror: 'http://m/' }, '/t', dir), isBad);
    assert.throws(() => debootstrapArgs({ mirror: '-x' }, '/t', dir), isBad);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const workDirs = () => new Set(fs.readdirSync('/tmp').filter((n) => n.startsWith('bosun-debootstrap-')));
const leftOver = (before: Set<string>) => [...workDirs()].filter((n) => !before.has(n));

test('debootstrap I: lines are progress, its E: line the error (both on stdout); no work dir is left', async () => {
  // An empty file:// archive: debootstrap fails at once on the missing Release file, no network used.
  const mirror = fs.mkdtempSync('/tmp/bosun-test-');
  const before = workDirs();
  const seen: string[] = [];
  try {
    await assert.rejects(debootstrapRootfsTar({ mirror: `file://${mirror}` }, { onProgress: (t) => seen.push(t) }), (e: unknown) => {
      assert.ok(e instanceof BosunError && e.kind === 'Internal');
      assert.ok(e.message.includes(`file://${mirror}/dists/bookworm`), e.message);
      return true;
    });
    assert.ok(seen.includes('Retrieving Release'), JSON.stringify(seen));
    assert.deepEqual(leftOver(before), []);
  } finally {
    fs.rmSync(mirror, { recursive: true, force: true });
  }
});

test('an aborted bootstrap is Unavailable and leaves no work dir', async () => {
  const before = workDirs();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(debootstrapRootfsTar({ mirror: 'file:///nonexistent' }, { signal: ac.signal }),
    (e: unknown) => e instanceof BosunError && e.kind === 'Unavailable');
  assert.deepEqual(leftOver(before), []);
});
