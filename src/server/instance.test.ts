import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimSupernet, releaseSupernet } from './instance.js';

test('a supernet claim keeps a second instance off it until the first is purged or its claim is stale', () => {
  const root = mkdtempSync('/tmp/bosun-test-claims-');
  try {
    const claims = join(root, 'claims');
    const a = join(root, 'a');
    const b = join(root, 'b');
    assert.equal(claimSupernet(150, a, claims), true);
    assert.equal(claimSupernet(150, a, claims), true, 'the owner may claim again (a restart)');
    // A fresh claim whose owner has not written instance.json yet: taken.
    assert.equal(claimSupernet(150, b, claims), false);
    // An old claim whose data dir names this supernet: taken.
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(claims, '150'), old, old);
    mkdirSync(a);
    writeFileSync(join(a, 'instance.json'), JSON.stringify({ id: 'aaaaaa', octet: 150 }));
    assert.equal(claimSupernet(150, b, claims), false);
    // The same old claim once its data dir is gone: stale, so b takes it.
    rmSync(a, { recursive: true });
    assert.equal(claimSupernet(150, b, claims), true);
    releaseSupernet({ octet: 150, dataDir: a }, claims);
    assert.deepEqual(readdirSync(claims), ['150'], 'only the owner releases');
    releaseSupernet({ octet: 150, dataDir: b }, claims);
    assert.deepEqual(readdirSync(claims), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
