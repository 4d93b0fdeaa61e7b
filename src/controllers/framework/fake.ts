/**
 * FakeClient: an in-memory ControllerClient for unit tests that behaves like the API server where
 * controllers can tell the difference — resourceVersions from one counter, optimistic concurrency
 * (a write naming a stale resourceVersion or another uid fails with Conflict), generation bumped on
 * spec changes, status kept apart from spec (`/status`), defaults and validation from src/api,
 * finalizers and propagationPolicy holding deletion, pods bound to a node deleted gracefully,
 * label and field selectors on list and watch, watches replayed from any retained
 * resourceVersion, and the pods/binding and namespaces/finalize subresources.
 *
 * Test hooks: `actions` logs every call; `holdWatches()`/`releaseWatches()` freeze what watchers
 * see so a test can make an informer's cache stale on purpose; `breakWatches()` ends every watch
 * with Gone, forcing informers to re-list.
 */
import { randomUUID } from 'node:crypto';
import { BosunError } from '../../errors/index.js';
import {
  deepEqual, findResource, jsonPatch, matchesFields, matchesLabels, mergePatch, parseFieldSelector,
  parseLabelSelector, patchMetaFor, selectableFields, strategicMergePatch, type KObject, type ResourceInfo,
} from '../../api/index.js';
import type {
  ControllerClient, DeleteOptions, KList, ListOptions, PatchType, ResourceRef, WatchEvent, WatchOptions, WriteOptions,
} from './client.js';

export interface FakeAction {
  verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch' | 'bind' | 'finalize';
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface Change {
  rv: number;
  collection: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KObject;
  old?: KObject;
}

interface Watcher {
  collection: string;
  /** Changes at or below this resourceVersion were already replayed (or predate the watch). */
  from: number;
  filter: (obj: KObject) => boolean;
  push(ev: WatchEvent | Error | null): void;
}

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = () => Array.from({ length: 5 }, () => ALNUM[Math.floor(Math.random() * ALNUM.length)]).join('');
const specOf = (o: KObject) => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
};

export class FakeClient implements ControllerClient {
  readonly actions: FakeAction[] = [];
  private rv = 0;
  private readonly data = new Map<string, Map<string, KObject>>();
  private readonly history: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private held: Change[] | undefined;

  private info(ref: ResourceRef): ResourceInfo {
    const info = findResource(ref.group, ref.version, ref.resource);
    if (!info) throw new BosunError('NotFound', `the server could not find the requested resource (${ref.resource})`);
    return info;
  }

  private coll(ref: ResourceRef): Map<string, KObject> {
    const id = collectionId(ref);
    let m = this.data.get(id);
    if (!m) this.data.set(id, (m = new Map()));
    return m;
  }

  private notFound(ref: ResourceRef, name: string): BosunError {
    const gr = ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
    return new BosunError('NotFound', `${gr} "${name}" not found`, { details: { name, group: ref.group, kind: ref.resource } });
  }

  private conflict(ref: ResourceRef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): BosunError {
    const gr = ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
    return new BosunError('Conflict', `Operation cannot be fulfilled on ${gr} "${name}": ${why}`, { details: { name, group: ref.group, kind: ref.resource } });
  }

  private ns(ref: ResourceRef, namespace: string | undefined): string | undefined {
    return ref.namespaced ? namespace || 'default' : undefined;
  }

  private record(ref: ResourceRef, type: Change['type'], object: KObject, old?: KObject): void {
    const ch: Change = { rv: Number(object.metadata!.resourceVersion), collection: collectionId(ref), type, object: structuredClone(object), old };
    this.history.push(ch);
    if (this.held) this.held.push(ch);
    else this.deliver(ch);
  }

  private deliver(ch: Change): void {
    for (const w of this.watchers) {
      if (w.collection !== ch.collection || ch.rv <= w.from) continue;
      const ev = toEvent(ch, w.filter);
      if (ev) w.push(ev);
    }
  }

  private validate(info: ResourceInfo, obj: KObject, old?: KObject): void {
    const causes = info.validate?.(obj, old) ?? [];
    if (causes.length) {
      throw new BosunError('Invalid', `${info.kind} "${obj.metadata?.name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
        { causes, details: { name: obj.metadata?.name, kind: info.resource, group: info.group } });
    }
  }

  // -- reads -------------------------------------------------------------------------------

  async get<T extends KObject = KObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T> {
    await ioTurn();
    const ns = this.ns(ref, namespace);
    this.actions.push({ verb: 'get', resource: ref.resource, namespace: ns, name });
    const o = this.coll(ref).get(objKey(ns, name));
    if (!o) throw this.notFound(ref, name);
    return structuredClone(o) as T;
  }

  async list<T extends KObject = KObject>(ref: ResourceRef, o: ListOptions = {}): Promise<KList<T>> {
    await ioTurn();
    const info = this.info(ref);
    this.actions.push({ verb: 'list', resource: ref.resource, namespace: o.namespace });
    const filter = this.filter(info, o.namespace, o.labelSelector, o.fieldSelector);
    const items = [...this.coll(ref).values()].filter(filter).map((x) => structuredClone(x) as T);
    items.sort((a, b) => objKey(a.metadata?.namespace, a.metadata!.name!).localeCompare(objKey(b.metadata?.namespace, b.metadata!.name!)));
    return {
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.listKind,
      metadata: { resourceVersion: String(this.rv) }, items,
    };
  }

  private filter(info: ResourceInfo, namespace?: string, labelSelector?: string, fieldSelector?: string): (o: KObject) => boolean {
    const labels = parseLabelSelector(labelSelector ?? '');
    const fields = parseFieldSelector(fieldSelector ?? '');
    return (o) => (!namespace || !info.namespaced || o.metadata?.namespace === namespace)
      && matchesLabels(labels, o.metadata?.labels)
      && matchesFields(fields, selectableFields(info.kind, o));
  }

  // -- writes ------------------------------------------------------------------------------

  async create<T extends KObject = KObject>(ref: ResourceRef, body: KObject, o: WriteOptions & { namespace?: string } = {}): Promise<T> {
    await ioTurn();
    const info = this.info(ref);
    const obj = structuredClone(body);
    const meta = (obj.metadata ??= {});
    const ns = this.ns(ref, o.namespace ?? meta.namespace);
    this.actions.push({ verb: 'create', resource: ref.resource, namespace: ns, name: meta.name ?? meta.generateName });
    if (!meta.name) {
      if (!meta.generateName) throw new BosunError('Invalid', `${info.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
      meta.name = meta.generateName + suffix();
    }
    if (ns) {
      const nsObj = this.data.get(collectionId({ group: '', version: 'v1', resource: 'namespaces', namespaced: false }))?.get(ns);
      if (nsObj?.metadata?.deletionTimestamp) {
        throw new BosunError('Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`, { details: { name: ns, kind: 'namespaces' } });
      }
      meta.namespace = ns;
    } else delete meta.namespace;
    const c = this.coll(ref);
    if (c.has(objKey(ns, meta.name))) {
      const gr = ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
      throw new BosunError('AlreadyExists', `${gr} "${meta.name}" already exists`, { details: { name: meta.name, group: ref.group, kind: ref.resource } });
    }
    obj.apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
    obj.kind = info.kind;
    for (const k of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) delete meta[k];
    meta.uid = randomUUID();
    meta.creationTimestamp = stamp();
    if (obj.spec !== undefined) meta.generation = 1;
    if (info.kind === 'Pod') obj.status = { phase: 'Pending' };
    else if (info.kind === 'Namespace') {
      obj.status = { phase: 'Active' };
      const spec = (obj.spec ??= {}) as { finalizers?: string[] };
      spec.finalizers ??= ['kubernetes'];
    } else if (info.kind === 'Service') obj.status = { loadBalancer: {} };
    else if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(info.kind)) obj.status = {};
    info.defaults?.(obj);
    this.validate(info, obj);
    meta.resourceVersion = String(++this.rv);
    c.set(objKey(ns, meta.name), obj);
    this.record(ref, 'ADDED', obj);
    return structuredClone(obj) as T;
  }

  async update<T extends KObject = KObject>(ref: ResourceRef, body: KObject, o: WriteOptions & { subresource?: 'status' } = {}): Promise<T> {
    await ioTurn();
    const ns = this.ns(ref, body.metadata?.namespace);
    const name = body.metadata?.name ?? '';
    this.actions.push({ verb: 'update', resource: ref.resource, namespace: ns, name, subresource: o.subresource });
    return this.write(ref, ns, name, o.subresource, () => structuredClone(body)) as Promise<T>;
  }

  async patch<T extends KObject = KObject>(ref: ResourceRef, name: string, patch: unknown, type: PatchType,
    o: WriteOptions & { namespace?: string; subresource?: string } = {}): Promise<T> {
    await ioTurn();
    const info = this.info(ref);
    const ns = this.ns(ref, o.namespace);
    this.actions.push({ verb: 'patch', resource: ref.resource, namespace: ns, name, subresource: o.subresource });
    if (type === 'apply') throw new BosunError('UnsupportedMediaType', 'FakeClient does not implement server-side apply');
    return this.write(ref, ns, name, o.subresource === 'status' ? 'status' : undefined, (cur) => {
      let out: KObject;
      if (type === 'merge') out = mergePatch(cur, patch) as KObject;
      else if (type === 'strategic') out = strategicMergePatch(cur, patch as Record<string, unknown>, patchMetaFor(info.schemaName)) as KObject;
      else out = jsonPatch(cur, patch);
      // A patch that does not name a resourceVersion is unconditional.
      const pm = (patch as KObject | undefined)?.metadata;
      if (type === 'json' || !pm || pm.resourceVersion === undefined) delete out.metadata?.resourceVersion;
      return out;
    }) as Promise<T>;
  }

  private async write(ref: ResourceRef, ns: string | undefined, name: string, subresource: 'status' | undefined,
    mutate: (cur: KObject) => KObject): Promise<KObject> {
    const info = this.info(ref);
    const c = this.coll(ref);
    const cur = c.get(objKey(ns, name));
    if (!cur) throw this.notFound(ref, name);
    const proposed = mutate(structuredClone(cur));
    const pm = proposed.metadata ?? {};
    if (pm.resourceVersion && pm.resourceVersion !== cur.metadata!.resourceVersion) throw this.conflict(ref, name);
    if (pm.uid && pm.uid !== cur.metadata!.uid) {
      throw this.conflict(ref, name, `Precondition failed: UID in precondition: ${pm.uid}, UID in object meta: ${cur.metadata!.uid}`);
    }
    let next: KObject;
    if (subresource === 'status') {
      next = { ...structuredClone(cur), status: structuredClone(proposed.status) };
    } else {
      next = structuredClone(proposed);
      const nm = (next.metadata ??= {});
      const cm = cur.metadata!;
      nm.name = name;
      if (ns) nm.namespace = ns;
      nm.uid = cm.uid;
      nm.creationTimestamp = cm.creationTimestamp;
      next.apiVersion = cur.apiVersion;
      next.kind = cur.kind;
      for (const k of ['generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
        if (cm[k] !== undefined) (nm as Record<string, unknown>)[k] = cm[k];
        else delete nm[k];
      }
      if (info.hasStatus || info.kind === 'Pod' || info.kind === 'Namespace') {
        if (cur.status === undefined) delete next.status;
        else next.status = structuredClone(cur.status);
      }
      // Namespace spec.finalizers change only through namespaces/finalize (as in the real strategy).
      if (info.kind === 'Namespace') next.spec = structuredClone(cur.spec);
      info.defaults?.(next);
      if (cm.generation !== undefined && !deepEqual(specOf(cur), specOf(next))) nm.generation = cm.generation + 1;
    }
    delete next.metadata!.resourceVersion;
    this.validate(info, next, cur);
    const { resourceVersion: _rv, ...curMeta } = cur.metadata!;
    if (deepEqual({ ...cur, metadata: curMeta }, next)) return structuredClone(cur);
    return this.commit(ref, info, ns, name, next, cur);
  }

  /** Stores `next`, or removes the object when it is marked for deletion and nothing holds it any more. */
  private commit(ref: ResourceRef, info: ResourceInfo, ns: string | undefined, name: string, next: KObject, cur: KObject): KObject {
    const c = this.coll(ref);
    next.metadata!.resourceVersion = String(++this.rv);
    const held = !!next.metadata!.finalizers?.length
      || (info.kind === 'Namespace' && !!(next.spec as { finalizers?: string[] } | undefined)?.finalizers?.length)
      || (info.kind === 'Pod' && (next.metadata!.deletionGracePeriodSeconds ?? 0) > 0);
    if (next.metadata!.deletionTimestamp && !held) {
      c.delete(objKey(ns, name));
      this.record(ref, 'DELETED', next, cur);
      return structuredClone(next);
    }
    c.set(objKey(ns, name), next);
    this.record(ref, 'MODIFIED', next, cur);
    return structuredClone(next);
  }

  async delete<T = KObject>(ref: ResourceRef, name: string, o: DeleteOptions & { namespace?: string } = {}): Promise<T> {
    await ioTurn();
    const info = this.info(ref);
    const ns = this.ns(ref, o.namespace);
    this.actions.push({ verb: 'delete', resource: ref.resource, namespace: ns, name });
    const c = this.coll(ref);
    const cur = c.get(objKey(ns, name));
    if (!cur) throw this.notFound(ref, name);
    const pre = o.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata!.uid) {
      throw this.conflict(ref, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata!.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata!.resourceVersion) {
      throw this.conflict(ref, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata!.resourceVersion}`);
    }
    const next = structuredClone(cur);
    const meta = next.metadata!;
    const finalizers = [...(meta.finalizers ?? [])];
    if (o.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (o.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const spec = next.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const grace = info.kind === 'Pod' && spec?.nodeName ? o.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30 : 0;
    if (info.kind === 'Namespace') {
      next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
      meta.deletionTimestamp ??= stamp();
      meta.deletionGracePeriodSeconds = 0;
    } else if (finalizers.length || grace > 0) {
      if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
        meta.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        meta.deletionGracePeriodSeconds = grace;
      }
    } else {
      c.delete(objKey(ns, name));
      meta.resourceVersion = String(++this.rv);
      this.record(ref, 'DELETED', next, cur);
      return structuredClone(next) as T;
    }
    if (finalizers.length) meta.finalizers = finalizers;
    else delete meta.finalizers;
    const { resourceVersion: _a, ...curMeta } = cur.metadata!;
    const { resourceVersion: _b, ...nextMeta } = meta;
    if (deepEqual({ ...cur, metadata: curMeta }, { ...next, metadata: nextMeta })) return structuredClone(cur) as T;
    return this.commit(ref, info, ns, name, next, cur) as T;
  }

  // -- subresources without typed helpers ------------------------------------------------

  path(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
    const root = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
    const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${root}${ns}/${ref.resource}${name ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    await ioTurn();
    const pods: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
    const namespaces: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };
    let m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/binding$/.exec(path);
    if (m && method === 'POST') {
      const [ns, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      this.actions.push({ verb: 'bind', resource: 'pods', namespace: ns, name, subresource: 'binding' });
      const target = (body as { target?: { name?: string } } | undefined)?.target?.name;
      if (!target) throw new BosunError('Invalid', 'Binding.target.name: Required value');
      const cur = this.coll(pods).get(objKey(ns, name));
      if (!cur) throw this.notFound(pods, name);
      if (cur.metadata?.deletionTimestamp) throw this.conflict(pods, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      const nodeName = (cur.spec as { nodeName?: string }).nodeName;
      if (nodeName) throw this.conflict(pods, name, `pod ${name} is already assigned to node "${nodeName}"`);
      const next = structuredClone(cur);
      (next.spec as { nodeName?: string }).nodeName = target;
      const st = (next.status ??= {}) as { conditions?: Array<Record<string, unknown>> };
      st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: stamp() }];
      this.commit(pods, this.info(pods), ns, name, next, cur);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as T;
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/finalize$/.exec(path);
    if (m && method === 'PUT') {
      const name = decodeURIComponent(m[1]!);
      this.actions.push({ verb: 'finalize', resource: 'namespaces', name, subresource: 'finalize' });
      const cur = this.coll(namespaces).get(name);
      if (!cur) throw this.notFound(namespaces, name);
      const b = body as KObject;
      if (b.metadata?.resourceVersion && b.metadata.resourceVersion !== cur.metadata!.resourceVersion) throw this.conflict(namespaces, name);
      const next = structuredClone(cur);
      next.spec = { ...((cur.spec as object) ?? {}), finalizers: [...(((b.spec as { finalizers?: string[] }) ?? {}).finalizers ?? [])] };
      return this.commit(namespaces, this.info(namespaces), undefined, name, next, cur) as T;
    }
    throw new BosunError('NotFound', `FakeClient: no route for ${method} ${path}`);
  }

  // -- watch -------------------------------------------------------------------------------

  watch<T extends KObject = KObject>(ref: ResourceRef, o: WatchOptions = {}): AsyncIterable<WatchEvent<T>> & { close(): void } {
    const info = this.info(ref);
    this.actions.push({ verb: 'watch', resource: ref.resource, namespace: o.namespace });
    const filter = this.filter(info, o.namespace, o.labelSelector, o.fieldSelector);
    const buf: Array<WatchEvent | Error | null> = [];
    let wake: (() => void) | undefined;
    const fromRv = o.resourceVersion === undefined || o.resourceVersion === '' || o.resourceVersion === '0' ? this.rv : Number(o.resourceVersion);
    const w: Watcher = {
      collection: collectionId(ref), filter, from: fromRv,
      push: (ev) => {
        buf.push(ev);
        wake?.();
      },
    };
    if (o.resourceVersion === undefined || o.resourceVersion === '' || o.resourceVersion === '0') {
      for (const obj of this.coll(ref).values()) if (filter(obj)) buf.push({ type: 'ADDED', object: structuredClone(obj) });
    } else {
      const from = Number(o.resourceVersion);
      for (const ch of this.history) {
        if (ch.rv <= from || ch.collection !== w.collection || this.held?.includes(ch)) continue;
        const ev = toEvent(ch, filter);
        if (ev) buf.push(ev);
      }
    }
    this.watchers.add(w);
    const watchers = this.watchers;
    let closed = false;
    const close = () => {
      closed = true;
      watchers.delete(w);
      wake?.();
    };
    async function* events(): AsyncGenerator<WatchEvent<T>> {
      try {
        while (!closed) {
          const ev = buf.shift();
          if (ev === undefined) {
            await new Promise<void>((r) => (wake = r));
            wake = undefined;
            continue;
          }
          if (ev === null) return;
          if (ev instanceof Error) throw ev;
          yield ev as WatchEvent<T>;
        }
      } finally {
        watchers.delete(w);
      }
    }
    const it = events();
    return { [Symbol.asyncIterator]: () => it, close };
  }

  /** Watchers stop seeing changes until `releaseWatches` (a stale informer cache on demand). */
  holdWatches(): void {
    this.held ??= [];
  }

  releaseWatches(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const ch of held) this.deliver(ch);
  }

  /** Ends every open watch with a Gone error, as when the server's watch window moved past it. */
  breakWatches(): void {
    const gone = new BosunError('Gone', 'too old resource version');
    for (const w of [...this.watchers]) w.push(gone);
  }

  /** Synchronous peek for assertions: the stored objects of a collection (optionally one namespace). */
  objects<T extends KObject = KObject>(ref: ResourceRef, namespace?: string): T[] {
    return [...this.coll(ref).values()].filter((o) => !namespace || o.metadata?.namespace === namespace).map((o) => structuredClone(o) as T);
  }

  count(verb: FakeAction['verb'], resource: string): number {
    return this.actions.filter((a) => a.verb === verb && a.resource === resource).length;
  }
}

/**
 * Every call crosses a macrotask boundary, as a real request does. Without it a controller bug
 * that writes in a loop would spin entirely in microtasks and starve every timer — including the
 * test's own timeout — instead of failing.
 */
const ioTurn = () => new Promise<void>((r) => setImmediate(r));

function collectionId(ref: ResourceRef): string {
  return `${ref.group}/${ref.resource}`;
}

function objKey(ns: string | undefined, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

/** The event a watcher with `filter` sees: objects moving into or out of the selection become ADDED/DELETED. */
function toEvent(ch: Change, filter: (o: KObject) => boolean): WatchEvent | undefined {
  const now = filter(ch.object);
  if (ch.type !== 'MODIFIED') return now ? { type: ch.type, object: structuredClone(ch.object) } : undefined;
  const before = ch.old ? filter(ch.old) : false;
  if (now && before) return { type: 'MODIFIED', object: structuredClone(ch.object) };
  if (now) return { type: 'ADDED', object: structuredClone(ch.object) };
  if (before) return { type: 'DELETED', object: structuredClone(ch.object) };
  return undefined;
}


const podsRef: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };

/**
 * Plays the node agent for tests: sets phase Running and the Ready condition (True or False) the
 * way the kubelet reports it, with `since` as the transition time (minReadySeconds is measured from it).
 */
export async function setPodReady(client: FakeClient, namespace: string, name: string, ready = true, since = new Date()): Promise<void> {
  const pod = await client.get(podsRef, name, namespace);
  const t = since.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status = (pod.status ?? {}) as { phase?: string; conditions?: Array<Record<string, unknown>> };
  status.phase = 'Running';
  status.conditions = [
    ...(status.conditions ?? []).filter((c) => c.type !== 'Ready' && c.type !== 'ContainersReady'),
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t },
    { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t },
  ];
  await client.update(podsRef, { ...pod, status }, { subresource: 'status' });
}

/** Collects events in memory (an EventSink for tests). */
export class RecordingEvents {
  readonly events: Array<{ kind?: string; name?: string; type: string; reason: string; message: string }> = [];

  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ kind: obj.kind, name: obj.metadata?.name, type, reason, message });
  }

  reasons(reason: string): string[] {
    return this.events.filter((e) => e.reason === reason).map((e) => e.message);
  }
}
