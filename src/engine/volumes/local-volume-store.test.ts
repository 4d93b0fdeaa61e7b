import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineEvents } from '../events.js';
import { LocalVolumeStore } from './local-volume-store.js';

function store(): { s: LocalVolumeStore; dir: string; users: Map<string, string[]> } {
  const dir = mkdtempSync('/tmp/bosun-test-');
  const s = new LocalVolumeStore(join(dir, 'volumes'), new EngineEvents());
  const users = new Map<string, string[]>();
  s.setUsers((n) => users.get(n) ?? []);
  return { s, dir, users };
}

test('create, get, list with filters, idempotent create', async () => {
  const { s, dir } = store();
  try {
    const v = await s.create('data', { labels: { app: 'web' } });
    assert.equal(v.Name, 'data');
    assert.equal(v.Mountpoint, join(dir, 'volumes', 'data', '_data'));
    assert.ok(existsSync(v.Mountpoint));
    writeFileSync(join(v.Mountpoint, 'f'), 'x');
    const again = await s.create('data');
    assert.deepEqual(again.Labels, { app: 'web' }, 'existing volume returned unchanged');
    assert.ok(existsSync(join(v.Mountpoint, 'f')));
    const anon = await s.create(undefined);
    assert.match(anon.Name, /^[0-9a-f]{64}$/);
    assert.equal(s.isAnonymous(anon.Name), true);
    assert.deepEqual((await s.list({ label: ['app=web'] })).map((x) => x.Name), ['data']);
    assert.equal((await s.list()).length, 2);
    assert.equal((await s.list({}, { usage: true })).find((x) => x.Name === 'data')?.UsageData?.Size, 1);
    await assert.rejects(s.get('nope'), (e: { kind?: string }) => e.kind === 'NotFound');
    await assert.rejects(s.create('bad/name'), (e: { kind?: string }) => e.kind === 'BadRequest');
    await assert.rejects(s.create('x'), (e: { kind?: string }) => e.kind === 'BadRequest', 'names have at least two characters');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('remove refuses while in use unless forced; prune takes unused anonymous volumes only', async () => {
  const { s, dir, users } = store();
  try {
    await s.create('named');
    const anon = await s.create(undefined);
    const busy = await s.create(undefined);
    users.set('named', ['c1']);
    users.set(busy.Name, ['c2']);
    await assert.rejects(s.remove('named'), (e: { kind?: string; message: string }) => e.kind === 'Conflict' && e.message === 'remove named: volume is in use - [c1]');
    const pruned = await s.prune();
    assert.deepEqual(pruned.VolumesDeleted, [anon.Name]);
    users.delete('named');
    assert.deepEqual((await s.prune()).VolumesDeleted, []);
    assert.deepEqual((await s.prune({ all: true })).VolumesDeleted, ['named']);
    await s.remove(busy.Name, { force: true });
    assert.deepEqual(await s.list(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('populate copies image content into an empty volume once', async () => {
  const { s, dir } = store();
  try {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'sub', 'conf'), 'from image');
    const v = await s.create('vv');
    await s.populate('vv', src);
    assert.equal(readFileSync(join(v.Mountpoint, 'sub', 'conf'), 'utf8'), 'from image');
    rmSync(join(v.Mountpoint, 'sub'), { recursive: true });
    await s.populate('vv', src);
    assert.equal(existsSync(join(v.Mountpoint, 'sub')), false, 'only the first mount copies');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
