/**
 * Watch streams: `?watch=1` (or the legacy `/watch/` paths) as chunked JSON, one event per line,
 * written as soon as the store reports it.
 *
 * Start points, as in k8s.io/apiserver:
 *   resourceVersion unset or "0"  synthetic ADDED for every matching object now, then changes
 *   resourceVersion N             every change after N (410 Gone as an ERROR event when N is compacted)
 *   sendInitialEvents=true        the initial ADDEDs end with a BOOKMARK annotated
 *                                 k8s.io/initial-events-end (the watch-list protocol)
 * Selectors apply to both the old and new object, so an object leaving the selection is DELETED
 * for this watcher and one entering it is ADDED.
 */
import type { ServerResponse } from 'node:http';
import { BosunError, isKind } from '../errors/index.js';
import type { KObject, ResourceInfo } from '../api/index.js';
import { collectionPrefix } from './keys.js';
import type { Registry } from './registry.js';
import type { Watcher } from '../store/index.js';
import { jsonText } from './json-text.js';
import { statusFor } from './status.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  /** Turns an object into what the client asked for (full object, Table row, metadata). */
  render(obj: KObject, type: WatchEventType): unknown;
}

/** Period of progress bookmarks; clients use them only to resume closer to now. */
const BOOKMARK_INTERVAL_MS = 30_000;

export async function serveWatch(registry: Registry, req: WatchRequest, res: ServerResponse): Promise<void> {
  const { info } = req;
  const sel = registry.selection(info, req);
  const rv = req.resourceVersion;
  let from: number;
  if (rv && rv !== '0') {
    from = Number(rv);
    if (!Number.isInteger(from) || from < 0) throw new BosunError('BadRequest', `invalid resource version "${rv}"`);
  } else {
    from = -1;
  }
  const gv = info.group ? `${info.group}/${info.version}` : info.version;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.socket?.setNoDelay(true);
  let closed = false;
  let watcher: Watcher | undefined;
  const stop = () => {
    closed = true;
    watcher?.close();
  };
  // Registered before anything is written: a client gone during the initial events must not
  // leave a writer waiting for a 'drain' that will never come.
  res.on('close', stop);
  const write = async (type: WatchEventType, object: unknown): Promise<void> => {
    if (closed || res.destroyed) return;
    if (!res.write(`{"type":"${type}","object":${jsonText(object)}}\n`)) {
      if (closed || res.destroyed) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };
  const bookmark = (revision: number, initialEnd = false) =>
    write('BOOKMARK', {
      kind: info.kind, apiVersion: gv,
      metadata: { resourceVersion: String(revision), ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
    });

  let last = from;
  if (from < 0 || req.sendInitialEvents) {
    // Current state first: a consistent list, then changes after its revision.
    const list = await registry.list(info, req.namespace, { labelSelector: req.labelSelector, fieldSelector: req.fieldSelector });
    for (const o of list.items) {
      if (closed) break;
      await write('ADDED', req.render(o, 'ADDED'));
    }
    last = Number(list.metadata.resourceVersion);
    if (req.sendInitialEvents && req.allowWatchBookmarks) await bookmark(last, true);
  }

  const timers: NodeJS.Timeout[] = [];
  if (req.timeoutSeconds && req.timeoutSeconds > 0) timers.push(setTimeout(stop, req.timeoutSeconds * 1000));
  if (req.allowWatchBookmarks) timers.push(setInterval(() => void bookmark(last), BOOKMARK_INTERVAL_MS));
  try {
    if (closed) return;
    watcher = registry.store.watch(collectionPrefix(info, req.namespace), last);
    for await (const ev of watcher) {
      if (closed) break;
      last = ev.modRevision;
      const obj = ev.value as KObject;
      const now = sel.matches(obj);
      const before = ev.prevValue !== undefined && sel.matches(ev.prevValue as KObject);
      let type: WatchEventType | undefined;
      if (ev.type === 'ADDED') type = now ? 'ADDED' : undefined;
      else if (ev.type === 'DELETED') type = now || before ? 'DELETED' : undefined;
      else type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
      if (type) await write(type, req.render(obj, type));
    }
  } catch (err) {
    if (isKind(err, 'Gone')) {
      const e = new BosunError('Gone', `too old resource version: ${from} (${last})`);
      await write('ERROR', statusFor(e));
    } else if (!closed) {
      await write('ERROR', statusFor(err));
    }
  } finally {
    for (const t of timers) clearTimeout(t);
    watcher?.close();
    res.off('close', stop);
    if (!res.writableEnded) res.end();
  }
}
