/**
 * The generic registry: one implementation of create/get/list/update/patch/delete for every
 * resource in the catalog, in the manner of k8s.io/apiserver's generic registry Store plus a
 * per-kind strategy (defaults, validation, status reset, generation). Everything resource-specific
 * comes from the ResourceInfo; the few behaviours the real server hardwires per kind (namespace
 * lifecycle, Service clusterIP allocation, immutable ConfigMaps/Secrets, pod graceful deletion)
 * are the named hooks below.
 */
import { randomUUID } from 'node:crypto';
import { BosunError, isKind, type FieldCause } from '../errors/index.js';
import {
  checkFieldSelector, deepEqual, jsonPatch, matchesFields, matchesLabels, mergePatch, parseFieldSelector, parseLabelSelector,
  patchMetaFor, selectableFields, strategicMergePatch, unknownFields, type KObject, type ResourceInfo,
} from '../api/index.js';
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors } from '../api/index.js';
import type { KV, Store } from '../store/index.js';
import type { Catalog } from './catalog.js';
import { collectionPrefix, objectKey } from './keys.js';
import { errNotFound, qualifiedResource } from './status.js';
import { ServiceIpAllocator } from './service-ips.js';
import { checkTypes } from './type-check.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** Warnings for the `Warning` response header (fieldValidation=Warn). */
  warnings: string[];
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ObjectList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KObject[];
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** A compiled selector pair, shared by list and watch. */
export interface Selection {
  matches(obj: KObject): boolean;
  /** Set when the field selector pins metadata.name: a list reads one key. */
  name?: string;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** utilrand.String: the 5-character suffix generateName gets. */
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

/** Kinds whose name is a DNS-1123 label (namespaces) or DNS-1035 label (services); the rest are subdomains. */
function nameErrors(kind: string, name: string): string[] {
  if (kind === 'Namespace') return dns1123LabelErrors(name);
  if (kind === 'Service') return dns1035LabelErrors(name);
  return dns1123SubdomainErrors(name);
}

/** Strategy PrepareForCreate: the status a new object starts with, whatever the client sent. */
function initialStatus(info: ResourceInfo, obj: KObject): unknown {
  switch (info.kind) {
    case 'Pod': return { phase: 'Pending' };
    case 'Namespace': return { phase: 'Active' };
    case 'Service': return { loadBalancer: {} };
    case 'Deployment': case 'ReplicaSet': case 'StatefulSet': case 'DaemonSet': case 'Job': case 'CronJob': return {};
    default: return obj.status;
  }
}

/**
 * Secret.stringData is write-only: the API server folds it into data (base64) on every write, as
 * the v1 → internal conversion does, and defaults the type.
 */
function foldSecret(obj: KObject): void {
  const sec = obj as KObject & { data?: Record<string, string>; stringData?: Record<string, string>; type?: string };
  if (sec.stringData && typeof sec.stringData === 'object') {
    sec.data = { ...(sec.data ?? {}) };
    for (const [k, v] of Object.entries(sec.stringData)) sec.data[k] = Buffer.from(String(v)).toString('base64');
  }
  delete sec.stringData;
  sec.type ??= 'Opaque';
}

/** Deletes the field at a path as unknownFields reports it ("spec.containers[0].foo"). */
function dropPath(obj: KObject, path: string): void {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let cur: any = obj;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : cur?.[p];
    if (cur === null || typeof cur !== 'object') return;
  }
  if (parts.length && !Array.isArray(cur)) delete cur[parts[parts.length - 1]];
}

const specOf = (o: KObject): Record<string, unknown> => {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
};

function continueToken(rv: number, startAfter: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: startAfter })).toString('base64url');
}

function parseContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { rv: number; start: string };
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw new BosunError('BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export class Registry {
  readonly ips: ServiceIpAllocator;

  constructor(readonly store: Store, readonly catalog: Catalog, serviceCidr: string) {
    this.ips = new ServiceIpAllocator(store, serviceCidr);
  }

  selection(info: ResourceInfo, q: { labelSelector?: string; fieldSelector?: string }): Selection {
    const labels = parseLabelSelector(q.labelSelector ?? '');
    const fields = parseFieldSelector(q.fieldSelector ?? '');
    checkFieldSelector(info.kind, fields);
    const name = fields.find((f) => f.field === 'metadata.name' && f.operator !== '!=')?.value;
    if (!labels.length && !fields.length) return { matches: () => true };
    return {
      name,
      matches: (obj) => matchesLabels(labels, obj.metadata?.labels) && (!fields.length || matchesFields(fields, selectableFields(info.kind, obj))),
    };
  }

  private notFound(info: ResourceInfo, name: string): BosunError {
    return errNotFound(info.resource, info.group, name);
  }

  /** Maps the store's key-level errors to the resource-level errors clients see. */
  private storeError(err: unknown, info: ResourceInfo, name: string): unknown {
    if (isKind(err, 'NotFound')) return this.notFound(info, name);
    if (isKind(err, 'AlreadyExists')) {
      return new BosunError('AlreadyExists', `${qualifiedResource(info.resource, info.group)} "${name}" already exists`, { details: { name, group: info.group, kind: info.resource } });
    }
    if (isKind(err, 'Conflict')) return this.conflict(info, name);
    return err;
  }

  private conflict(info: ResourceInfo, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): BosunError {
    return new BosunError('Conflict', `Operation cannot be fulfilled on ${qualifiedResource(info.resource, info.group)} "${name}": ${why}`,
      { details: { name, group: info.group, kind: info.resource } });
  }

  private invalid(info: ResourceInfo, name: string, causes: FieldCause[]): BosunError {
    const seen = new Set<string>();
    const uniq = causes.filter((c) => {
      const k = `${c.field}\0${c.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const text = uniq.map((c) => `${c.field}: ${c.message}`).join(', ');
    return new BosunError('Invalid', `${info.kind} "${name}" is invalid: ${uniq.length > 1 ? `[${text}]` : text}`,
      { details: { name, group: info.group, kind: info.kind }, causes: uniq });
  }

  /** Body checks shared by create and update: kind/apiVersion match the URL, namespace matches. */
  private checkBody(info: ResourceInfo, ns: string | undefined, obj: KObject): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new BosunError('BadRequest', 'the body of the request was in an unknown format');
    const gv = info.group ? `${info.group}/${info.version}` : info.version;
    if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
      throw new BosunError('BadRequest', `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
    }
    if (obj.kind !== undefined && obj.kind !== info.kind) {
      throw new BosunError('BadRequest', `the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind}) for ${qualifiedResource(info.resource, info.group)}`);
    }
    obj.apiVersion = gv;
    obj.kind = info.kind;
    if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
      throw new BosunError('BadRequest', 'metadata must be an object');
    }
    obj.metadata ??= {};
    if (info.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw new BosunError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns;
    } else {
      delete obj.metadata.namespace;
    }
  }

  /**
   * Wrong JSON types are a BadRequest, as decoding fails on the real server. Unknown fields: Strict refuses them; otherwise they are dropped, as decoding into the typed
   * struct drops them on the real server (Warn also reports each in a Warning header).
   */
  private checkFields(info: ResourceInfo, obj: KObject, opts: WriteOptions): void {
    checkTypes(info, obj);
    const unknown = unknownFields(obj, info.schemaName);
    if (!unknown.length) return;
    if (opts.fieldValidation === 'Strict') {
      throw new BosunError('BadRequest', `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    }
    if (opts.fieldValidation === 'Warn') for (const f of unknown) opts.warnings.push(`unknown field "${f}"`);
    for (const f of unknown) dropPath(obj, f);
  }

  private validate(info: ResourceInfo, obj: KObject, old?: KObject): void {
    const name = obj.metadata?.name ?? '';
    const causes: FieldCause[] = [];
    if (!old) {
      for (const m of nameErrors(info.kind, name)) causes.push({ field: 'metadata.name', reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${m}` });
    }
    if (old && (info.kind === 'ConfigMap' || info.kind === 'Secret') && (old as { immutable?: boolean }).immutable === true) {
      for (const f of info.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData']) {
        if (!deepEqual(old[f], obj[f])) causes.push({ field: f, reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' });
      }
      if ((obj as { immutable?: boolean }).immutable !== true) {
        causes.push({ field: 'immutable', reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' });
      }
    }
    if (info.validate) causes.push(...info.validate(obj, old));
    if (causes.length) throw this.invalid(info, name, causes);
  }

  /** A namespace must exist and not be terminating to receive new objects. */
  private async checkNamespace(ns: string): Promise<void> {
    const info = this.catalog.byKind('', 'Namespace')!;
    let kv: KV;
    try {
      kv = await this.store.get(objectKey(info, undefined, ns));
    } catch (err) {
      throw isKind(err, 'NotFound') ? errNotFound('namespaces', '', ns) : err;
    }
    const nsObj = kv.value as KObject;
    if (nsObj.metadata?.deletionTimestamp || (nsObj.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw new BosunError('Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`,
        { details: { name: ns, kind: 'namespaces' } });
    }
  }

  async create(info: ResourceInfo, ns: string | undefined, body: KObject, opts: WriteOptions): Promise<KObject> {
    this.checkBody(info, ns, body);
    this.checkFields(info, body, opts);
    // The body is this request's own freshly decoded JSON: it becomes the object.
    const obj = body;
    const meta = obj.metadata!;
    if (!meta.name) {
      if (!meta.generateName) {
        throw this.invalid(info, '', [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
      }
      meta.name = meta.generateName + randomSuffix();
    }
    if (info.namespaced) await this.checkNamespace(ns!);
    for (const k of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const) delete meta[k];
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    if (obj.spec !== undefined) meta.generation = 1;
    if (info.kind === 'Secret') foldSecret(obj);
    const status = initialStatus(info, obj);
    if (status === undefined) delete obj.status;
    else obj.status = status;
    if (info.kind === 'Namespace') {
      const spec = (obj.spec ??= {}) as { finalizers?: string[] };
      spec.finalizers ??= ['kubernetes'];
    }
    info.defaults?.(obj);
    this.validate(info, obj);
    if (opts.dryRun) return obj;
    const key = objectKey(info, ns, meta.name);
    if (info.kind === 'Service') await this.ips.assign(obj);
    try {
      const kv = await this.store.create(key, obj);
      return kv.value as KObject;
    } catch (err) {
      throw this.storeError(err, info, meta.name);
    }
  }

  async get(info: ResourceInfo, ns: string | undefined, name: string): Promise<KObject> {
    try {
      return (await this.store.get(objectKey(info, ns, name))).value as KObject;
    } catch (err) {
      throw this.storeError(err, info, name);
    }
  }

  async list(info: ResourceInfo, ns: string | undefined, q: ListQuery): Promise<ObjectList> {
    const sel = this.selection(info, q);
    const prefix = collectionPrefix(info, ns);
    const gv = info.group ? `${info.group}/${info.version}` : info.version;
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (q.continue) {
      const t = parseContinue(q.continue);
      revision = t.rv;
      startAfter = t.start;
    } else if (q.resourceVersion && q.resourceVersion !== '0' && q.resourceVersionMatch === 'Exact') {
      revision = Number(q.resourceVersion);
      if (!Number.isInteger(revision) || revision <= 0) throw new BosunError('BadRequest', `invalid resource version "${q.resourceVersion}"`);
    }
    const limit = q.limit && q.limit > 0 ? q.limit : undefined;
    const items: KObject[] = [];
    let more = false;
    let lastKey: string | undefined;
    let listRev = 0;
    if (sel.name !== undefined && !startAfter) {
      // metadata.name pins one key: read it instead of scanning the collection.
      const key = info.namespaced && !ns ? undefined : objectKey(info, ns, sel.name);
      if (key) {
        const res = await this.store.list(key, { revision });
        listRev = res.revision;
        for (const kv of res.items) if (kv.key === key && sel.matches(kv.value as KObject)) items.push(kv.value as KObject);
        return { apiVersion: gv, kind: info.listKind, metadata: { resourceVersion: String(listRev) }, items };
      }
    }
    // Selectors filter after the read, so keep reading pages until the limit is filled.
    for (;;) {
      const page = limit ? Math.max(limit - items.length, Math.min(limit * 2, 500)) : undefined;
      const res = await this.store.list(prefix, { startAfter, limit: page, revision });
      listRev = res.revision;
      revision = res.revision;
      for (const kv of res.items) {
        if (limit && items.length >= limit) {
          more = true;
          break;
        }
        lastKey = kv.key;
        if (sel.matches(kv.value as KObject)) items.push(kv.value as KObject);
      }
      if (limit && items.length >= limit) {
        if (!more && res.more) more = true;
        break;
      }
      if (!res.more || !res.items.length) break;
      startAfter = res.items[res.items.length - 1].key;
    }
    const metadata: ObjectList['metadata'] = { resourceVersion: String(listRev) };
    if (more && lastKey) metadata.continue = continueToken(listRev, lastKey);
    return { apiVersion: gv, kind: info.listKind, metadata, items };
  }

  /**
   * Shared write path of update and patch: `mutate` turns the current object into the proposed
   * one; the result is checked against the current one and written only if it is still current.
   */
  private async write(info: ResourceInfo, ns: string | undefined, name: string, opts: WriteOptions, subresource: 'status' | undefined,
    mutate: (cur: KObject) => KObject | Promise<KObject>): Promise<KObject> {
    const key = objectKey(info, ns, name);
    let result: KObject | undefined;
    let deleteAfter = false;
    const apply = async (curKv: KV): Promise<KObject> => {
      const cur = curKv.value as KObject;
      const proposed = await mutate(structuredClone(cur));
      this.checkBody(info, ns, proposed);
      const meta = proposed.metadata!;
      if (meta.name !== undefined && meta.name !== name) {
        throw new BosunError('BadRequest', `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
      }
      if (meta.resourceVersion && meta.resourceVersion !== String(curKv.modRevision)) throw this.conflict(info, name);
      if (meta.uid && meta.uid !== cur.metadata?.uid) {
        throw this.conflict(info, name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${cur.metadata?.uid}`);
      }
      const next: KObject = subresource === 'status'
        ? { ...structuredClone(cur), status: proposed.status }
        : proposed;
      const nm = next.metadata!;
      const cm = cur.metadata!;
      if (subresource === 'status') {
        // Status writes may not touch spec or metadata, except what controllers own there.
        next.metadata = structuredClone(cm);
      } else {
        nm.name = name;
        nm.uid = cm.uid;
        nm.creationTimestamp = cm.creationTimestamp;
        if (cm.generation !== undefined) nm.generation = cm.generation;
        else delete nm.generation;
        if (cm.deletionTimestamp) nm.deletionTimestamp = cm.deletionTimestamp;
        else delete nm.deletionTimestamp;
        if (cm.deletionGracePeriodSeconds !== undefined) nm.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
        else delete nm.deletionGracePeriodSeconds;
        if (info.namespaced) nm.namespace = ns;
        if (info.hasStatus) {
          if (cur.status === undefined) delete next.status;
          else next.status = structuredClone(cur.status);
        }
        if (info.kind === 'Service') await this.ips.keep(cur, next);
        if (info.kind === 'Secret') foldSecret(next);
        info.defaults?.(next);
        if (cm.generation !== undefined && !deepEqual(specOf(cur), specOf(next))) nm.generation = cm.generation + 1;
      }
      delete next.metadata!.resourceVersion;
      this.validate(info, next, cur);
      // A namespace also waits for its spec.finalizers (the namespace controller's hand-off).
      const specFinalizers = info.kind === 'Namespace' ? ((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length : 0;
      // Only once any grace period is over (deletionGracePeriodSeconds 0): a pod its kubelet is still
      // stopping keeps receiving status writes and must survive them (genericregistry's shouldDeleteDuringUpdate).
      deleteAfter = !!cm.deletionTimestamp && cm.deletionGracePeriodSeconds === 0 && !(next.metadata!.finalizers?.length) && !specFinalizers;
      result = next;
      return next;
    };
    if (opts.dryRun) {
      let cur: KV;
      try {
        cur = await this.store.get(key);
      } catch (err) {
        throw this.storeError(err, info, name);
      }
      const next = await apply(cur);
      next.metadata!.resourceVersion = String(cur.modRevision);
      return next;
    }
    let kv: KV;
    try {
      kv = await this.store.guaranteedUpdate(key, async (cur) => {
        const next = await apply(cur);
        // A write that changes nothing is not a write: no new resourceVersion, no watch event.
        const { resourceVersion: _rv, ...curMeta } = (cur.value as KObject).metadata ?? {};
        if (deepEqual({ ...(cur.value as KObject), metadata: curMeta }, next)) throw new Unchanged(cur);
        return next;
      });
    } catch (err) {
      if (err instanceof Unchanged) kv = err.kv;
      else throw this.storeError(err, info, name);
    }
    if (deleteAfter && result) {
      // The last finalizer is gone from an object marked for deletion: it goes now.
      try {
        const del = await this.store.delete(key, kv.modRevision);
        if (info.kind === 'Service') this.ips.release(del.value as KObject);
        return del.value as KObject;
      } catch (err) {
        if (!isKind(err, 'NotFound') && !isKind(err, 'Conflict')) throw err;
      }
    }
    return kv.value as KObject;
  }

  /** A read-modify-write of the main resource through `fn` (subresources that edit an object: scale, binding). */
  async mutate(info: ResourceInfo, ns: string | undefined, name: string, opts: WriteOptions, fn: (cur: KObject) => KObject): Promise<KObject> {
    return this.write(info, ns, name, opts, undefined, fn);
  }

  /**
   * pods/binding: sets spec.nodeName once, straight through storage as the real binding REST does
   * (pod update validation forbids spec changes; binding is the one sanctioned way), and with it
   * the PodScheduled=True condition (replacing an earlier Unschedulable one).
   */
  async bind(info: ResourceInfo, ns: string, name: string, node: string, opts: WriteOptions): Promise<void> {
    const key = objectKey(info, ns, name);
    const assign = (cur: KObject): KObject => {
      const pod = structuredClone(cur);
      if (pod.metadata?.deletionTimestamp) {
        throw this.conflict(info, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      }
      const spec = (pod.spec ??= {}) as { nodeName?: string };
      if (spec.nodeName) throw this.conflict(info, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = node;
      const status = (pod.status ??= {}) as { conditions?: Array<{ type: string; status: string; lastProbeTime?: string | null; lastTransitionTime?: string }> };
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }];
      delete pod.metadata!.resourceVersion;
      return pod;
    };
    try {
      if (opts.dryRun) assign((await this.store.get(key)).value as KObject);
      else await this.store.guaranteedUpdate(key, (kv) => assign(kv.value as KObject));
    } catch (err) {
      throw this.storeError(err, info, name);
    }
  }

  async exists(info: ResourceInfo, ns: string | undefined, name: string): Promise<boolean> {
    try {
      await this.store.get(objectKey(info, ns, name));
      return true;
    } catch (err) {
      if (isKind(err, 'NotFound')) return false;
      throw err;
    }
  }

  async update(info: ResourceInfo, ns: string | undefined, name: string, body: KObject, opts: WriteOptions, subresource?: 'status'): Promise<KObject> {
    this.checkBody(info, ns, body);
    this.checkFields(info, body, opts);
    return this.write(info, ns, name, opts, subresource, () => structuredClone(body));
  }

  async patch(info: ResourceInfo, ns: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions, subresource?: 'status'): Promise<KObject> {
    if (type === 'apply') {
      // Server-side apply without field ownership: create when missing, else merge like a strategic patch.
      try {
        await this.store.get(objectKey(info, ns, name));
      } catch (err) {
        if (!isKind(err, 'NotFound')) throw err;
        const obj = structuredClone(patch) as KObject;
        this.checkBody(info, ns, obj);
        if (obj.metadata!.name !== undefined && obj.metadata!.name !== name) {
          throw new BosunError('BadRequest', `the name of the object (${String(obj.metadata!.name)}) does not match the name on the URL (${name})`);
        }
        obj.metadata!.name = name;
        return this.create(info, ns, obj, opts);
      }
    }
    return this.write(info, ns, name, opts, subresource, (cur) => {
      let out: unknown;
      switch (type) {
        case 'json': out = jsonPatch(cur, patch); break;
        case 'merge': out = mergePatch(cur, patch); break;
        case 'strategic': case 'apply':
          if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new BosunError('BadRequest', 'strategic merge patch must be a JSON object');
          out = strategicMergePatch(cur as Record<string, unknown>, patch as Record<string, unknown>, patchMetaFor(info.schemaName));
          break;
      }
      const obj = out as KObject;
      if (type !== 'json') {
        // A patch that does not name a resourceVersion is unconditional.
        const pm = (patch as KObject).metadata;
        if (!pm || pm.resourceVersion === undefined) delete obj.metadata?.resourceVersion;
      } else if (obj.metadata?.resourceVersion === cur.metadata?.resourceVersion) {
        delete obj.metadata?.resourceVersion;
      }
      this.checkFields(info, obj, opts);
      return obj;
    });
  }

  /**
   * Deletes now, or marks for deletion (deletionTimestamp) when finalizers must run first or a
   * pod bound to a node gets a grace period for its kubelet to stop it.
   */
  async delete(info: ResourceInfo, ns: string | undefined, name: string, del: DeleteOptions, opts: WriteOptions): Promise<{ obj: KObject; deleted: boolean }> {
    const key = objectKey(info, ns, name);
    for (;;) {
      let kv: KV;
      try {
        kv = await this.store.get(key);
      } catch (err) {
        throw this.storeError(err, info, name);
      }
      const cur = kv.value as KObject;
      const pre = del.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata?.uid) {
        throw this.conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata?.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(kv.modRevision)) {
        throw this.conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${kv.modRevision}`);
      }
      const next = structuredClone(cur);
      const meta = next.metadata!;
      const finalizers = [...(meta.finalizers ?? [])];
      const policy = del.propagationPolicy ?? (del.orphanDependents ? 'Orphan' : undefined);
      if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
      if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      const spec = next.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
      const grace = info.kind === 'Pod' && spec?.nodeName
        ? del.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30
        : 0;
      const nsFinalizers = ((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length;
      if (info.kind === 'Namespace' && (!meta.deletionTimestamp || nsFinalizers || finalizers.length)) {
        next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
        if (!meta.deletionTimestamp) meta.deletionTimestamp = now();
        meta.deletionGracePeriodSeconds = 0;
      } else if (finalizers.length || grace > 0) {
        const stamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
          meta.deletionTimestamp = stamp;
          meta.deletionGracePeriodSeconds = grace;
        }
      } else {
        if (opts.dryRun) return { obj: cur, deleted: true };
        try {
          const gone = await this.store.delete(key, kv.modRevision);
          if (info.kind === 'Service') this.ips.release(cur);
          return { obj: gone.value as KObject, deleted: true };
        } catch (err) {
          if (isKind(err, 'Conflict')) continue;
          throw this.storeError(err, info, name);
        }
      }
      meta.finalizers = finalizers;
      if (!finalizers.length) delete meta.finalizers;
      if (opts.dryRun) return { obj: next, deleted: false };
      if (deepEqual(cur, { ...next, metadata: { ...meta, resourceVersion: cur.metadata?.resourceVersion } })) return { obj: cur, deleted: false };
      delete meta.resourceVersion;
      try {
        const w = await this.store.update(key, next, kv.modRevision);
        return { obj: w.value as KObject, deleted: false };
      } catch (err) {
        if (isKind(err, 'Conflict')) continue;
        throw this.storeError(err, info, name);
      }
    }
  }

  async deleteCollection(info: ResourceInfo, ns: string | undefined, q: ListQuery, del: DeleteOptions, opts: WriteOptions): Promise<ObjectList> {
    const list = await this.list(info, ns, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
    const items: KObject[] = [];
    for (const o of list.items) {
      try {
        items.push((await this.delete(info, o.metadata?.namespace, o.metadata!.name!, del, opts)).obj);
      } catch (err) {
        if (!isKind(err, 'NotFound')) throw err;
      }
    }
    return { ...list, items };
  }
}

/** Thrown inside guaranteedUpdate to skip a write that would change nothing. */
class Unchanged extends Error {
  constructor(readonly kv: KV) {
    super('unchanged');
  }
}
