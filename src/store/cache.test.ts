import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isKind } from '../errors/index.js';
import { WatchCache } from './cache.js';
import { EncryptedStore, loadOrCreateKeys } from './encryption.js';
import { MemoryStore } from './memory.js';
import { QueueWatcher } from './queue-watcher.js';
import { SqliteStore } from './sqlite.js';
import { storeSuite, take } from './store-suite.js';
import type { Watcher } from './types.js';

storeSuite('WatchCache over MemoryStore', async () => ({
  open: async () => WatchCache.start(new MemoryStore()),
  persistent: false,
  cleanup: async () => {},
}));

storeSuite(
  'WatchCache over EncryptedStore over SqliteStore (the default stack)',
  async () => {
    const dir = mkdtempSync('/tmp/bosun-test-');
    return {
      open: async () => WatchCache.start(new EncryptedStore(new SqliteStore(join(dir, 'state.db')), loadOrCreateKeys(join(dir, 'secrets.key')))),
      persistent: true,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  { root: '/registry/secrets/' },
);

/** A MemoryStore whose watches the test can break, as a restarted backend would. */
class BreakableStore extends MemoryStore {
  watches: Watcher[] = [];
  override watch(prefix: string, fromRevision: number): Watcher {
    const w = super.watch(prefix, fromRevision);
    this.watches.push(w);
    return w;
  }
}

describe('WatchCache', () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from what the backend holds and follows writes made around it', async () => {
    const backend = new SqliteStore(join(dir, 'a.db'));
    await backend.create('/registry/pods/default/before', { v: 1 });
    const cache = await WatchCache.start(backend);
    try {
      assert.deepEqual((await cache.get('/registry/pods/default/before')).value, { v: 1 });
      const w = cache.watch('/registry/pods/', await cache.revision());
      // Written to the backend directly, not through the cache: it arrives through the watch.
      const kv = await backend.create('/registry/pods/default/direct', { v: 2 });
      const [ev] = await take(w, 1);
      w.close();
      assert.equal(ev!.modRevision, kv.modRevision);
      assert.equal(await cache.count('/registry/pods/'), 2);
    } finally {
      await cache.close();
    }
  });

  it('a read right after a write sees it, for creates, updates and deletes', async () => {
    const cache = await WatchCache.start(new SqliteStore(join(dir, 'b.db')));
    try {
      for (let i = 0; i < 50; i++) {
        const key = `/registry/configmaps/default/c${i}`;
        const c = await cache.create(key, { i });
        assert.equal((await cache.get(key)).modRevision, c.modRevision);
        const u = await cache.update(key, { i, updated: true });
        assert.deepEqual((await cache.list('/registry/configmaps/default/', { startAfter: `${key}` })).items.length, 0);
        assert.deepEqual((await cache.get(key)).value, { i, updated: true });
        assert.equal((await cache.get(key)).modRevision, u.modRevision);
        await cache.delete(key);
        await assert.rejects(cache.get(key), (e: unknown) => isKind(e, 'NotFound'));
      }
    } finally {
      await cache.close();
    }
  });

  it('a quiet watch reports progress past changes elsewhere (what bookmarks carry)', async () => {
    const cache = await WatchCache.start(new SqliteStore(join(dir, 'progress.db')), { historyLimit: 20 });
    try {
      const quiet = cache.watch('/registry/namespaces/', await cache.revision());
      let last = 0;
      for (let i = 0; i < 100; i++) last = (await cache.create(`/registry/pods/default/p${i}`, { i })).modRevision;
      assert.equal(await cache.revision(), last);
      assert.equal(quiet.progress!(), last);
      // The history window (20 changes) has long moved past where the quiet watch started, but
      // a client resuming from its progress is not Gone.
      const resumed = cache.watch('/registry/namespaces/', quiet.progress!());
      const ns = await cache.create('/registry/namespaces/n', { v: 1 });
      const [ev] = await take(resumed, 1);
      assert.equal(ev!.modRevision, ns.modRevision);
      resumed.close();
      quiet.close();
    } finally {
      await cache.close();
    }
  });

  it('a watcher that falls too far behind gets Gone instead of unbounded buffering', async () => {
    const cache = await WatchCache.start(new MemoryStore(), { watcherBuffer: 10 });
    try {
      const slow = cache.watch('/registry/', 0);
      const fast = cache.watch('/registry/', 0);
      const fastIt = fast[Symbol.asyncIterator]();
      for (let i = 0; i < 20; i++) {
        await cache.create(`/registry/leases/x/l${i}`, { i });
        assert.equal((await fastIt.next()).value!.key, `/registry/leases/x/l${i}`);
      }
      await assert.rejects(take(slow, 20), (e: unknown) => isKind(e, 'Gone'));
      fast.close();
      assert.equal(cache.watcherCount, 0);
    } finally {
      await cache.close();
    }
  });

  it('re-lists when its backend watch breaks, ending its own watchers with Gone', async () => {
    const backend = new BreakableStore();
    const cache = await WatchCache.start(backend);
    try {
      await cache.create('/registry/pods/a', { v: 1 });
      const w = cache.watch('/registry/pods/', await cache.revision());
      (backend.watches[0] as QueueWatcher).fail(new Error('backend restarted'));
      await assert.rejects(take(w, 1), (e: unknown) => isKind(e, 'Gone'));
      const kv = await cache.create('/registry/pods/b', { v: 2 });
      assert.equal((await cache.get('/registry/pods/b')).modRevision, kv.modRevision);
      assert.equal(backend.watches.length, 2);
      assert.equal(await cache.count('/registry/pods/'), 2);
    } finally {
      await cache.close();
    }
  });

  it('absorbs a burst of writes larger than a watcher buffer without re-listing', async () => {
    const cache = await WatchCache.start(new SqliteStore(join(dir, 'burst.db'), { watcherBuffer: 2000 }), { watcherBuffer: 2000 });
    try {
      const w = cache.watch('/registry/leases/', await cache.revision());
      const n = 5000;
      const received = (async () => {
        let got = 0;
        for await (const _ of w) if (++got === n) break;
        return got;
      })();
      // All queued in one tick: the backend must not hand them to the cache in one batch.
      await Promise.all(Array.from({ length: n }, (_, i) => cache.create(`/registry/leases/burst/l${i}`, { i })));
      assert.equal(await received, n);
      assert.equal(await cache.count('/registry/leases/burst/'), n);
    } finally {
      await cache.close();
    }
  });

  it('serves a 10,000-object list and its pages from memory', async () => {
    const backend = new SqliteStore(join(dir, 'c.db'));
    const cache = await WatchCache.start(backend);
    try {
      const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      await Promise.all(Array.from({ length: 10_000 }, (_, i) => cache.create(`/registry/pods/default/p${String(i).padStart(5, '0')}`, pod(i))));
      const all = await cache.list('/registry/pods/');
      assert.equal(all.items.length, 10_000);
      let pages = 0;
      let seen = 0;
      let startAfter: string | undefined;
      const first = await cache.list('/registry/pods/', { limit: 500 });
      for (let page = first; ; ) {
        pages++;
        seen += page.items.length;
        if (!page.more) break;
        startAfter = page.items[page.items.length - 1]!.key;
        // A write between pages must not shift the snapshot.
        if (pages === 3) await cache.create('/registry/pods/default/zz-late', pod(-1));
        page = await cache.list('/registry/pods/', { limit: 500, startAfter, revision: first.revision });
      }
      assert.equal(pages, 20);
      assert.equal(seen, 10_000);
    } finally {
      await cache.close();
    }
  });
});
