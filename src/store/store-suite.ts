/**
 * The Store conformance suite: one set of cases every implementation and wrapper runs (the way
 * k8s.io/apiserver's storage/testing suite runs against etcd and the cacher). Each case works under
 * its own key prefix, so one store instance serves the whole suite; cases never assume which
 * revision numbers they get, only their order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKind } from '../errors/index.js';
import type { KV, Store, WatchEvent, Watcher } from './types.js';

export interface SuiteTarget {
  /** Opens a store on the target's data; called again after close() for the restart case. */
  open(): Promise<Store>;
  /** Whether data written before close() is there after the next open() (false for memory). */
  persistent: boolean;
  /** Removes everything the target created (files, processes). */
  cleanup(): Promise<void>;
}

export interface SuiteOptions {
  /** Where the cases put their keys (default /registry/); /registry/secrets/ exercises encryption. */
  root?: string;
}

export function storeSuite(name: string, makeTarget: () => Promise<SuiteTarget>, opts: SuiteOptions = {}): void {
  const root = opts.root ?? '/registry/';
  describe(`Store conformance: ${name}`, () => {
    let target: SuiteTarget;
    let store: Store;
    let n = 0;
    /** A fresh prefix per case so cases never see each other's keys. */
    const fresh = () => `${root}suite${++n}-${Date.now().toString(36)}/`;

    before(async () => {
      target = await makeTarget();
      store = await target.open();
    });
    after(async () => {
      await store?.close();
      await target?.cleanup();
    });

    it('create, get, AlreadyExists, NotFound', async () => {
      const p = fresh();
      const kv = await store.create(`${p}a`, { metadata: { name: 'a' }, data: { x: '1' } });
      assert.equal(kv.key, `${p}a`);
      assert.equal(kv.createRevision, kv.modRevision);
      assert.ok(kv.modRevision > 0);
      const got = await store.get(`${p}a`);
      assert.deepEqual(got.value, { metadata: { name: 'a', resourceVersion: String(kv.modRevision) }, data: { x: '1' } });
      assert.equal(got.modRevision, kv.modRevision);
      await rejectsKind(store.create(`${p}a`, { metadata: { name: 'a' } }), 'AlreadyExists');
      await rejectsKind(store.get(`${p}missing`), 'NotFound');
    });

    it('returns frozen values and keeps its own copy of what was written', async () => {
      const p = fresh();
      const value = { metadata: { name: 'f', labels: { a: 'b' } }, list: [1, 2] };
      await store.create(`${p}f`, value);
      value.metadata.labels.a = 'changed';
      const got = await store.get(`${p}f`);
      assert.equal((got.value as typeof value).metadata.labels.a, 'b');
      assert.throws(() => {
        (got.value as typeof value).metadata.labels.a = 'x';
      }, TypeError);
      assert.throws(() => {
        (got.value as typeof value).list.push(3);
      }, TypeError);
    });

    it('update with and without expected revision; stale revision is a Conflict', async () => {
      const p = fresh();
      const c = await store.create(`${p}u`, { v: 1 });
      const u1 = await store.update(`${p}u`, { v: 2 });
      assert.ok(u1.modRevision > c.modRevision);
      assert.equal(u1.createRevision, c.createRevision);
      const u2 = await store.update(`${p}u`, { v: 3 }, u1.modRevision);
      assert.ok(u2.modRevision > u1.modRevision);
      await rejectsKind(store.update(`${p}u`, { v: 4 }, u1.modRevision), 'Conflict');
      assert.deepEqual((await store.get(`${p}u`)).value, { v: 3 });
      await rejectsKind(store.update(`${p}nope`, { v: 1 }), 'NotFound');
      await rejectsKind(store.update(`${p}nope`, { v: 1 }, 1), 'NotFound');
    });

    it('guaranteedUpdate retries under concurrent writers and never loses an increment', async () => {
      const p = fresh();
      await store.create(`${p}counter`, { n: 0 });
      const writers = 8;
      const each = 10;
      let calls = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          for (let i = 0; i < each; i++) {
            await store.guaranteedUpdate(`${p}counter`, async (cur) => {
              calls++;
              // Yield so other writers interleave between our read and our write.
              await new Promise((r) => setImmediate(r));
              return { n: (cur.value as { n: number }).n + 1 };
            });
          }
        }),
      );
      assert.deepEqual((await store.get(`${p}counter`)).value, { n: writers * each });
      assert.ok(calls > writers * each, 'concurrent writers must have forced retries');
      const before = await store.get(`${p}counter`);
      await assert.rejects(
        store.guaranteedUpdate(`${p}counter`, () => {
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.equal((await store.get(`${p}counter`)).modRevision, before.modRevision);
      await rejectsKind(store.guaranteedUpdate(`${p}missing`, (c) => c.value), 'NotFound');
    });

    it('delete with precondition returns the last value', async () => {
      const p = fresh();
      const c = await store.create(`${p}d`, { v: 1 });
      const u = await store.update(`${p}d`, { v: 2 });
      await rejectsKind(store.delete(`${p}d`, c.modRevision), 'Conflict');
      const del = await store.delete(`${p}d`, u.modRevision);
      assert.deepEqual(del.value, { v: 2 });
      assert.equal(del.modRevision, u.modRevision);
      await rejectsKind(store.get(`${p}d`), 'NotFound');
      await rejectsKind(store.delete(`${p}d`), 'NotFound');
      // The key can be created again, with a new create revision.
      const again = await store.create(`${p}d`, { v: 3 });
      assert.ok(again.createRevision > u.modRevision);
    });

    it('list by prefix with limit, continue and revision; count', async () => {
      const p = fresh();
      for (const k of ['c', 'a', 'e', 'b', 'd']) await store.create(`${p}x/${k}`, { k });
      await store.create(`${p}xy/other`, { k: 'other' });
      assert.equal(await store.count(`${p}x/`), 5);
      const all = await store.list(`${p}x/`);
      assert.deepEqual(all.items.map((i) => (i.value as { k: string }).k), ['a', 'b', 'c', 'd', 'e']);
      assert.equal(all.more, false);
      assert.ok(all.revision >= Math.max(...all.items.map((i) => i.modRevision)));

      const page1 = await store.list(`${p}x/`, { limit: 2 });
      assert.deepEqual(page1.items.map((i) => i.key), [`${p}x/a`, `${p}x/b`]);
      assert.equal(page1.more, true);
      // Writes between pages must not show in later pages read at the first page's revision.
      await store.update(`${p}x/c`, { k: 'c2' });
      await store.delete(`${p}x/d`);
      await store.create(`${p}x/bb`, { k: 'bb' });
      const page2 = await store.list(`${p}x/`, { limit: 2, startAfter: page1.items[1]!.key, revision: page1.revision });
      assert.equal(page2.revision, page1.revision);
      assert.deepEqual(page2.items.map((i) => i.value), [{ k: 'c' }, { k: 'd' }]);
      assert.equal(page2.more, true);
      const page3 = await store.list(`${p}x/`, { limit: 2, startAfter: page2.items[1]!.key, revision: page1.revision });
      assert.deepEqual(page3.items.map((i) => i.value), [{ k: 'e' }]);
      assert.equal(page3.more, false);

      const now = await store.list(`${p}x/`);
      assert.deepEqual(now.items.map((i) => (i.value as { k: string }).k), ['a', 'b', 'bb', 'c2', 'e']);
      assert.ok(now.revision > page1.revision);
      assert.equal(await store.count(`${p}x/`), 5);
      assert.equal((await store.list(`${p}nothing/`)).items.length, 0);
    });

    it('watch from 0 sends the current state as ADDED, then live changes', async () => {
      const p = fresh();
      const a = await store.create(`${p}a`, { v: 'a' });
      await store.create(`${p}b`, { v: 'b' });
      const w = store.watch(p, 0);
      try {
        const initial = await take(w, 2);
        assert.deepEqual(initial.map((e) => [e.type, e.key]), [['ADDED', `${p}a`], ['ADDED', `${p}b`]]);
        assert.equal(initial[0]!.modRevision, a.modRevision);
        const u = await store.update(`${p}a`, { v: 'a2' });
        const [ev] = await take(w, 1);
        assert.equal(ev!.type, 'MODIFIED');
        assert.equal(ev!.modRevision, u.modRevision);
        assert.deepEqual(ev!.value, { v: 'a2' });
        assert.deepEqual(ev!.prevValue, { v: 'a' });
      } finally {
        w.close();
      }
    });

    it('watch from a revision replays later changes in order; DELETED carries the last value', async () => {
      const p = fresh();
      const start = await store.create(`${p}before`, { v: 0 });
      const c = await store.create(`${p}k`, { metadata: { name: 'k' }, v: 1 });
      const u = await store.update(`${p}k`, { metadata: { name: 'k' }, v: 2 });
      await store.create(`${p.slice(0, -1)}-sibling/k`, { v: 'not under the prefix' });
      const d = await store.delete(`${p}k`);
      const w = store.watch(p, start.modRevision);
      try {
        const evs = await take(w, 3);
        assert.deepEqual(evs.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
        assert.deepEqual(evs.map((e) => e.key), [`${p}k`, `${p}k`, `${p}k`]);
        assert.equal(evs[0]!.modRevision, c.modRevision);
        assert.equal(evs[1]!.modRevision, u.modRevision);
        assert.ok(evs[2]!.modRevision > u.modRevision);
        assert.equal(d.modRevision, u.modRevision);
        const deleted = evs[2]!.value as { v: number; metadata: { resourceVersion: string } };
        assert.equal(deleted.v, 2);
        assert.equal(deleted.metadata.resourceVersion, String(evs[2]!.modRevision));
        assert.equal((evs[2]!.prevValue as { v: number }).v, 2);
        // Live events continue after the replay.
        const live = await store.create(`${p}live`, { v: 3 });
        const [ev] = await take(w, 1);
        assert.equal(ev!.key, `${p}live`);
        assert.equal(ev!.modRevision, live.modRevision);
      } finally {
        w.close();
      }
    });

    it('watch from a revision not reached yet starts there', async () => {
      const p = fresh();
      const rev = await store.revision();
      const w = store.watch(p, rev + 2);
      try {
        await store.create(`${p}1`, { v: 1 });
        await store.create(`${p}2`, { v: 2 });
        const third = await store.create(`${p}3`, { v: 3 });
        const [ev] = await take(w, 1);
        assert.equal(ev!.key, `${p}3`);
        assert.equal(ev!.modRevision, third.modRevision);
      } finally {
        w.close();
      }
    });

    it('progress reports a revision a watch may resume from once its queue is drained', async () => {
      const p = fresh();
      const start = await store.revision();
      const w = store.watch(p, start);
      try {
        const kv = await store.create(`${p}a`, { v: 1 });
        const [ev] = await take(w, 1);
        assert.equal(ev!.modRevision, kv.modRevision);
        if (w.progress) {
          const rev = w.progress();
          assert.ok(rev === 0 || rev >= kv.modRevision, `progress ${rev} is behind the delivered ${kv.modRevision}`);
          // Resuming from it loses nothing that comes after.
          const resumed = store.watch(p, rev || kv.modRevision);
          try {
            const next = await store.create(`${p}b`, { v: 2 });
            const [ev2] = await take(resumed, 1);
            assert.equal(ev2!.modRevision, next.modRevision);
          } finally {
            resumed.close();
          }
        }
      } finally {
        w.close();
      }
    });

    it('many watchers each see every event exactly once, in order', async () => {
      const p = fresh();
      const rev = await store.revision();
      const watchers = Array.from({ length: 10 }, () => store.watch(p, rev));
      try {
        const writes: number[] = [];
        for (let i = 0; i < 20; i++) writes.push((await store.create(`${p}${String(i).padStart(2, '0')}`, { i })).modRevision);
        for (const w of watchers) {
          const evs = await take(w, 20);
          assert.deepEqual(evs.map((e) => e.modRevision), writes);
        }
      } finally {
        for (const w of watchers) w.close();
      }
    });

    it('watch and list below the compacted revision fail Gone', async () => {
      const p = fresh();
      const first = await store.create(`${p}a`, { v: 1 });
      await store.update(`${p}a`, { v: 2 });
      await store.update(`${p}a`, { v: 3 });
      const last = await store.update(`${p}a`, { v: 4 });
      await store.compact(last.modRevision);
      assert.ok((await store.compactedRevision()) >= last.modRevision - 1);
      const w = store.watch(p, first.modRevision);
      await rejectsKind(take(w, 1), 'Gone');
      w.close();
      await rejectsKind(store.list(p, { revision: first.modRevision }), 'Gone');
      // From the compacted revision itself the watch still works.
      const w2 = store.watch(p, last.modRevision);
      try {
        const next = await store.update(`${p}a`, { v: 5 });
        const [ev] = await take(w2, 1);
        assert.equal(ev!.modRevision, next.modRevision);
      } finally {
        w2.close();
      }
    });

    it('revisions are monotonic, also across a restart', async () => {
      const p = fresh();
      const a = await store.create(`${p}a`, { v: 1 });
      const b = await store.create(`${p}b`, { v: 1 });
      assert.ok(b.modRevision > a.modRevision);
      const before = await store.revision();
      assert.ok(before >= b.modRevision);
      await store.delete(`${p}b`);
      const afterDelete = await store.revision();
      assert.ok(afterDelete > before);
      if (target.persistent) {
        await store.close();
        store = await target.open();
        assert.ok((await store.revision()) >= afterDelete);
        assert.deepEqual((await store.get(`${p}a`)).value, { v: 1 });
        await rejectsKind(store.get(`${p}b`), 'NotFound');
      }
      const c = await store.create(`${p}c`, { v: 1 });
      assert.ok(c.modRevision > afterDelete);
    });

    it('close ends open watches', async () => {
      const p = fresh();
      const w = store.watch(p, 0);
      const pending = w[Symbol.asyncIterator]().next();
      await store.close();
      const r = await pending.catch((e: unknown) => e);
      assert.ok((r as IteratorResult<WatchEvent>).done === true || isKind(r, 'Unavailable') || isKind(r, 'Gone'));
      store = await target.open();
    });
  });
}

async function rejectsKind(p: Promise<unknown>, kind: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isKind(err, kind as never), `expected ${kind}, got ${String((err as Error)?.stack ?? err)}`);
    return true;
  });
}

/** The next `n` events of a watcher; fails the case (rather than hanging) if they don't come. */
export async function take(w: Watcher, n: number, timeoutMs = 10_000): Promise<WatchEvent[]> {
  const it = w[Symbol.asyncIterator]();
  const out: WatchEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`got ${out.length} of ${n} events: ${JSON.stringify(out)}`)), timeoutMs);
  });
  try {
    while (out.length < n) {
      const r = await Promise.race([it.next(), timeout]);
      if (r.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

export type { KV };
