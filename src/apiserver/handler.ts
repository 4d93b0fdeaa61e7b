/**
 * HTTP routing of the Kubernetes API: non-resource paths (version, health, discovery, OpenAPI)
 * and the REST paths of every catalog resource
 *
 *   /api/v1[/watch]/namespaces/{ns}/{resource}[/{name}[/{subresource}]]
 *   /apis/{group}/{version}[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
 *
 * mapped onto the generic registry. Every failure leaves here as a Status; nothing a client sends
 * can take the server down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BosunError, toBosunError } from '../errors/index.js';
import type { KObject, ResourceInfo } from '../api/index.js';
import { formatLabelSelector, jsonPatch, mergePatch } from '../api/index.js';
import type { Authenticator, Identity } from './auth.js';
import type { Catalog } from './catalog.js';
import { aggregated, aggregatedContentType, aggregatedProfile, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import type { OpenApiCache } from './openapi.js';
import type { NodeConnections } from './node-connections.js';
import { servePodLog, servePodUpgrade } from './pod-proxy.js';
import type { DeleteOptions, FieldValidation, ListQuery, ObjectList, Registry, WriteOptions } from './registry.js';
import { decodeBody, mediaType, patchType, readBody, type ProtobufDecoder } from './request-body.js';
import { jsonText, listText } from './json-text.js';
import { API_AUDIENCE, type ServiceAccountTokens } from './service-account-tokens.js';
import { statusFor, successStatus } from './status.js';
import { parseIncludeObject, partialMetadata, rendering, toTable, type TableSource } from './table.js';
import { serveWatch, type WatchEventType } from './watch.js';
import { upgradeRequired, type StreamKind } from '../streaming/index.js';
import type { Duplex } from 'node:stream';

export const KUBE_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.1' };

export interface HandlerDeps {
  catalog: Catalog;
  registry: Registry;
  auth: Authenticator;
  openapi: OpenApiCache;
  protobuf: ProtobufDecoder;
  tokens: ServiceAccountTokens;
  serverAddress: () => string;
  /** Node agents, for the pod subresources only a node can serve (exec, attach, portforward, log). */
  nodes?: NodeConnections;
}

interface Route {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', extra: Record<string, string | string[]> = {}): void {
  const text = typeof body === 'string' ? body
    : Array.isArray((body as { items?: unknown }).items) ? listText(body as { items: unknown[] } & Record<string, unknown>)
      : jsonText(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const status = statusFor(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, status.code, status);
}

function boolParam(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw new BosunError('BadRequest', `Invalid dryRun value "${d}": valid values are: All`);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw new BosunError('BadRequest', `Invalid fieldValidation value "${fv}": valid values are: Ignore, Warn, Strict`);
  }
  return { dryRun: dry.length > 0, fieldValidation: fv as FieldValidation, warnings: [] };
}

function warningHeaders(opts: WriteOptions): Record<string, string[]> {
  return opts.warnings.length ? { Warning: opts.warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}

function listQuery(q: URLSearchParams): ListQuery {
  const limit = q.get('limit');
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit ? Number(limit) : undefined,
    continue: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  };
}

/** autoscaling/v1 Scale view of a workload. */
function toScale(obj: KObject): KObject {
  const m = obj.metadata ?? {};
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof formatLabelSelector>[0] };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: formatLabelSelector(spec.selector) },
  };
}

/** `kubectl get --subresource=scale`: the columns the real server prints for a Scale. */
function scaleTable(scale: KObject, include: ReturnType<typeof parseIncludeObject>) {
  const col = (name: string, description: string) => ({ name, type: 'integer' as const, format: '', description, priority: 0 });
  const source: TableSource = {
    columns: [col('Desired', 'Number of desired replicas.'), col('Available', 'Number of actual replicas.')],
    cells: (o: KObject) => [(o.spec as { replicas: number }).replicas, (o.status as { replicas: number }).replicas],
  };
  return toTable(source, [scale], include, { resourceVersion: scale.metadata?.resourceVersion });
}

export class ApiHandler {
  constructor(private readonly d: HandlerDeps) {}

  /** The server's `upgrade` event: kubectl exec, attach and port-forward. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    return servePodUpgrade(this.podProxy(), req, socket, head);
  }

  private podProxy() {
    return { auth: this.d.auth, registry: this.d.registry, pods: this.d.catalog.byKind('', 'Pod')!, nodes: this.d.nodes };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // Concatenated, not resolved: a path starting with // must stay a path, not become a host.
      const url = new URL(`https://localhost${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? ''}`);
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const identity = this.d.auth.authenticate(req);
      if (!identity && !this.d.auth.isPublic(path)) {
        req.resume();
        send(res, 401, statusFor(new BosunError('Unauthorized', 'Unauthorized')));
        return;
      }
      await this.route(req, res, path, url.searchParams, identity);
    } catch (err) {
      const e = toBosunError(err);
      if (e.kind === 'Internal') console.error(`apiserver: ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      sendError(res, e);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams, identity: Identity | undefined): Promise<void> {
    const method = req.method ?? 'GET';
    switch (path) {
      case '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews':
      case '/apis/authentication.k8s.io/v1/selfsubjectreviews':
      case '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews':
      case '/apis/authentication.k8s.io/v1alpha1/selfsubjectreviews': {
        if (method !== 'POST') throw new BosunError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
        // The answer does not depend on the body (kubectl >= 1.32 sends it as protobuf): until
        // RBAC exists every authenticated identity may do everything.
        await readBody(req);
        const user = { username: identity!.user, groups: identity!.groups };
        if (path.includes('selfsubjectreviews')) {
          return send(res, 201, { kind: 'SelfSubjectReview', apiVersion: `authentication.k8s.io/${path.split('/')[3]}`, metadata: {}, status: { userInfo: user } });
        }
        return send(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: {},
          status: { allowed: true, reason: 'every authenticated identity is an administrator (no RBAC yet)' } });
      }
      case '/version':
        return send(res, 200, {
          ...KUBE_VERSION, gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828', gitTreeState: 'clean',
          buildDate: '2025-05-15T08:19:08Z', goVersion: 'go1.24.2', compiler: 'gc', platform: 'linux/amd64',
        });
      case '/healthz': case '/livez': case '/readyz':
        return send(res, 200, 'ok', 'text/plain; charset=utf-8');
      case '/api': case '/apis': {
        const v = aggregatedProfile(req.headers.accept);
        if (v) return send(res, 200, aggregated(this.d.catalog, path === '/api', v), aggregatedContentType(v));
        return send(res, 200, path === '/api' ? apiVersions(this.d.serverAddress()) : apiGroupList(this.d.catalog));
      }
      case '/openapi/v2':
        // kubectl 1.27/1.28 only decode protobuf here; an empty document is a valid one.
        if ((req.headers.accept ?? '').includes('protobuf')) return send(res, 200, '', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
        return send(res, 200, { swagger: '2.0', info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion }, paths: {}, definitions: {} });
      case '/openapi/v3':
        return send(res, 200, this.d.openapi.index());
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.d.openapi.doc(path.slice('/openapi/v3/'.length));
      if (!doc) throw new BosunError('NotFound', 'the server could not find the requested resource');
      const immutable = q.get('hash') === doc.hash;
      return send(res, 200, doc.json, 'application/json', { 'Cache-Control': immutable ? 'public, immutable' : 'no-cache, private', Etag: `"${doc.hash}"` });
    }
    let segs: string[];
    try {
      segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw new BosunError('BadRequest', `malformed escape in request path ${JSON.stringify(path)}`);
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 2) {
      [group, version, rest] = ['', segs[1], segs.slice(2)];
    } else if (segs[0] === 'apis' && segs.length >= 3) {
      [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
    } else if (segs[0] === 'apis' && segs.length === 2) {
      const g = apiGroupDoc(this.d.catalog, segs[1]);
      if (g && method === 'GET') return send(res, 200, g);
      throw new BosunError('NotFound', 'the server could not find the requested resource');
    } else {
      throw new BosunError('NotFound', 'the server could not find the requested resource');
    }
    if (!rest.length) {
      const list = apiResourceList(this.d.catalog, group, version);
      if (list && method === 'GET') return send(res, 200, list);
      throw new BosunError('NotFound', 'the server could not find the requested resource');
    }
    const route = this.resolve(group, version, rest);
    await this.serveResource(req, res, route, q);
  }

  private resolve(group: string, version: string, segs: string[]): Route {
    const notFound = () => new BosunError('NotFound', 'the server could not find the requested resource');
    let watchPath = false;
    if (segs[0] === 'watch') {
      watchPath = true;
      segs = segs.slice(1);
    }
    let namespace: string | undefined;
    if (segs[0] === 'namespaces' && segs.length >= 3) {
      const inner = this.d.catalog.find(group, version, segs[2]);
      if (inner?.namespaced) {
        namespace = segs[1];
        segs = segs.slice(2);
      }
    }
    const info = this.d.catalog.find(group, version, segs[0]);
    if (!info || segs.length > 3) throw notFound();
    if (info.namespaced && namespace === undefined && segs.length > 1) throw notFound();
    return { info, namespace, name: segs[1], subresource: segs[2], watchPath };
  }

  private render(req: IncomingMessage, q: URLSearchParams, info: ResourceInfo) {
    const as = rendering(req.headers.accept);
    const include = parseIncludeObject(q.get('includeObject') ?? undefined);
    return {
      list: (list: ObjectList): unknown => {
        if (as === 'Table') return toTable(info, list.items, include, list.metadata);
        if (as === 'PartialObjectMetadataList' || as === 'PartialObjectMetadata') {
          return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: list.metadata, items: list.items.map(partialMetadata) };
        }
        return list;
      },
      object: (obj: KObject): unknown => {
        if (as === 'Table') return toTable(info, [obj], include, { resourceVersion: obj.metadata?.resourceVersion });
        if (as === 'PartialObjectMetadata') return partialMetadata(obj);
        return obj;
      },
      watch: () => {
        let first = true;
        return (obj: KObject, _type: WatchEventType): unknown => {
          if (as === 'Table') {
            const t = toTable(info, [obj], include, { resourceVersion: obj.metadata?.resourceVersion }, first);
            first = false;
            return t;
          }
          if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return partialMetadata(obj);
          return obj;
        };
      },
    };
  }

  private async body(req: IncomingMessage): Promise<{ value: unknown; media: string }> {
    const media = mediaType(req);
    const raw = await readBody(req);
    return { value: decodeBody(raw, media, this.d.protobuf), media };
  }

  private async objectBody(req: IncomingMessage): Promise<KObject> {
    const { value } = await this.body(req);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BosunError('BadRequest', 'the body of the request was in an unknown format - expected a JSON object');
    }
    return value as KObject;
  }

  /**
   * DeleteOptions from the body and the query. client-go puts dryRun in the body of a DELETE
   * (not the query), so it lands in `opts` here.
   */
  private async deleteOptions(req: IncomingMessage, q: URLSearchParams, opts: WriteOptions): Promise<DeleteOptions> {
    const { value } = await this.body(req);
    const { dryRun, ...body } = (value && typeof value === 'object' ? value : {}) as DeleteOptions & { dryRun?: unknown };
    if (dryRun !== undefined) {
      if (!Array.isArray(dryRun) || dryRun.some((d) => d !== 'All')) throw new BosunError('BadRequest', `Invalid dryRun value ${JSON.stringify(dryRun)}: valid values are: All`);
      if (dryRun.length) opts.dryRun = true;
    }
    const grace = q.get('gracePeriodSeconds');
    const policy = q.get('propagationPolicy');
    const del: DeleteOptions = { ...body };
    if (grace !== null) del.gracePeriodSeconds = Number(grace);
    if (policy !== null) del.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
    if (q.get('orphanDependents') !== null) del.orphanDependents = boolParam(q.get('orphanDependents'));
    if (del.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(del.propagationPolicy)) {
      throw new BosunError('Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${del.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
        { causes: [{ field: 'propagationPolicy', reason: 'FieldValueNotSupported', message: `Unsupported value: "${del.propagationPolicy}"` }] });
    }
    if (del.gracePeriodSeconds !== undefined && (!Number.isInteger(del.gracePeriodSeconds) || del.gracePeriodSeconds < 0)) {
      throw new BosunError('BadRequest', 'gracePeriodSeconds must be a non-negative integer');
    }
    return del;
  }

  private async serveResource(req: IncomingMessage, res: ServerResponse, r: Route, q: URLSearchParams): Promise<void> {
    const { info, namespace: ns, name, subresource } = r;
    const method = req.method ?? 'GET';
    const reg = this.d.registry;
    const render = this.render(req, q, info);
    const isWatch = r.watchPath || boolParam(q.get('watch'));
    const methodNotAllowed = () => new BosunError('MethodNotAllowed', `the server does not allow this method on the requested resource`);

    if (isWatch) {
      if (method !== 'GET' || subresource) throw methodNotAllowed();
      const lq = listQuery(q);
      const fieldSelector = name ? [`metadata.name=${name}`, lq.fieldSelector].filter(Boolean).join(',') : lq.fieldSelector;
      const timeout = q.get('timeoutSeconds');
      return serveWatch(reg, {
        info, namespace: ns, resourceVersion: lq.resourceVersion, labelSelector: lq.labelSelector, fieldSelector,
        allowWatchBookmarks: boolParam(q.get('allowWatchBookmarks')), sendInitialEvents: boolParam(q.get('sendInitialEvents')),
        timeoutSeconds: timeout ? Number(timeout) : undefined, render: render.watch(),
      }, res);
    }

    if (!name) {
      switch (method) {
        case 'GET':
          return send(res, 200, render.list(await reg.list(info, ns, listQuery(q))));
        case 'POST': {
          if (info.namespaced && !ns) throw methodNotAllowed();
          const opts = writeOptions(q);
          const obj = await reg.create(info, ns, await this.objectBody(req), opts);
          return send(res, 201, render.object(obj), 'application/json', warningHeaders(opts));
        }
        case 'DELETE': {
          if (!info.verbs.includes('deletecollection')) throw methodNotAllowed();
          const opts = writeOptions(q);
          const list = await reg.deleteCollection(info, ns, listQuery(q), await this.deleteOptions(req, q, opts), opts);
          return send(res, 200, render.list(list));
        }
      }
      throw methodNotAllowed();
    }

    if (!subresource) {
      switch (method) {
        case 'GET':
          return send(res, 200, render.object(await reg.get(info, ns, name)));
        case 'PUT': {
          const opts = writeOptions(q);
          const obj = await reg.update(info, ns, name, await this.objectBody(req), opts);
          return send(res, 200, render.object(obj), 'application/json', warningHeaders(opts));
        }
        case 'PATCH': {
          const opts = writeOptions(q);
          const { value, media } = await this.body(req);
          const type = patchType(media);
          const created = type === 'apply' && !(await reg.exists(info, ns, name));
          const obj = await reg.patch(info, ns, name, type, value, opts);
          return send(res, created ? 201 : 200, render.object(obj), 'application/json', warningHeaders(opts));
        }
        case 'DELETE': {
          const opts = writeOptions(q);
          const { obj, deleted } = await reg.delete(info, ns, name, await this.deleteOptions(req, q, opts), opts);
          // 202 tells the client the object still exists (finalizers, graceful deletion).
          return send(res, deleted ? 200 : 202, render.object(obj));
        }
      }
      throw methodNotAllowed();
    }

    if (!info.subresources.some((s) => s.name === subresource) && !(info.kind === 'Namespace' && subresource === 'finalize')) {
      throw new BosunError('NotFound', 'the server could not find the requested resource');
    }
    switch (subresource) {
      case 'status': {
        if (method === 'GET') return send(res, 200, render.object(await reg.get(info, ns, name)));
        const opts = writeOptions(q);
        if (method === 'PUT') return send(res, 200, await reg.update(info, ns, name, await this.objectBody(req), opts, 'status'));
        if (method === 'PATCH') {
          const { value, media } = await this.body(req);
          return send(res, 200, await reg.patch(info, ns, name, patchType(media), value, opts, 'status'));
        }
        throw methodNotAllowed();
      }
      case 'finalize': {
        // namespaces/finalize changes spec.finalizers and nothing else (the namespace controller's hand-off).
        if (method !== 'PUT') throw methodNotAllowed();
        const body = await this.objectBody(req);
        const opts = writeOptions(q);
        // Once nothing holds a terminating namespace any more, the write deletes it.
        return send(res, 200, await reg.mutate(info, undefined, name, opts, (cur) => {
          const finalizers = (body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
          cur.spec = { ...((cur.spec as object) ?? {}), finalizers };
          if (body.metadata?.resourceVersion) cur.metadata!.resourceVersion = body.metadata.resourceVersion;
          else delete cur.metadata!.resourceVersion;
          return cur;
        }));
      }
      case 'scale':
        return this.serveScale(req, res, info, ns, name, q);
      case 'binding': {
        if (method !== 'POST') throw methodNotAllowed();
        const binding = await this.objectBody(req);
        const target = (binding as { target?: { name?: string } }).target;
        if (!target?.name) {
          throw new BosunError('Invalid', `Binding "${name}" is invalid: target.name: Required value`, { causes: [{ field: 'target.name', reason: 'FieldValueRequired', message: 'Required value' }] });
        }
        const opts = writeOptions(q);
        await reg.bind(info, ns!, name, target.name, opts);
        return send(res, 201, successStatus());
      }
      case 'token': {
        if (method !== 'POST') throw methodNotAllowed();
        return send(res, 201, await this.tokenRequest(info, ns!, name, await this.objectBody(req)));
      }
      case 'exec': case 'attach': case 'portforward':
        req.resume();
        throw upgradeRequired(subresource as StreamKind);
      case 'log':
        if (method !== 'GET') throw methodNotAllowed();
        return servePodLog(this.podProxy(), req, res, ns!, name, q);
      case 'eviction': {
        if (method !== 'POST') throw methodNotAllowed();
        const ev = await this.objectBody(req);
        const opts = writeOptions(q);
        await reg.delete(info, ns, name, ((ev as { deleteOptions?: DeleteOptions }).deleteOptions ?? {}), opts);
        return send(res, 201, successStatus());
      }
    }
    req.resume();
    throw new BosunError('NotFound', 'the server could not find the requested resource', { details: { name, kind: `${info.resource}/${subresource}` } });
  }

  /** serviceaccounts/token (TokenRequest): a bound token for an existing ServiceAccount. */
  private async tokenRequest(info: ResourceInfo, ns: string, name: string, body: KObject): Promise<KObject> {
    const reg = this.d.registry;
    const spec = (body.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } };
    const exp = spec.expirationSeconds ?? 3600;
    if (!Number.isInteger(exp) || exp < 600 || exp > 2 ** 32) {
      throw new BosunError('Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${exp}: may not specify a duration less than 10 minutes`,
        { causes: [{ field: 'spec.expirationSeconds', reason: 'FieldValueInvalid', message: 'may not specify a duration less than 10 minutes' }] });
    }
    const sa = await reg.get(info, ns, name);
    let pod: { name: string; uid: string } | undefined;
    const bound = spec.boundObjectRef;
    if (bound?.kind === 'Pod' && bound.name) {
      const p = await reg.get(this.d.catalog.byKind('', 'Pod')!, ns, bound.name);
      if (bound.uid && bound.uid !== p.metadata?.uid) {
        throw new BosunError('Conflict', `the UID in the bound object reference (${bound.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      pod = { name: bound.name, uid: p.metadata!.uid! };
    }
    const audiences = spec.audiences ?? [];
    const { token, expires } = this.d.tokens.issue({ namespace: ns, serviceAccount: { name, uid: sa.metadata!.uid! }, pod }, audiences, exp);
    return {
      kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace: ns },
      spec: { ...spec, audiences: audiences.length ? audiences : [API_AUDIENCE], expirationSeconds: exp },
      status: { token, expirationTimestamp: expires.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    };
  }

  private async serveScale(req: IncomingMessage, res: ServerResponse, info: ResourceInfo, ns: string | undefined, name: string, q: URLSearchParams): Promise<void> {
    const reg = this.d.registry;
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      const scale = toScale(await reg.get(info, ns, name));
      return send(res, 200, rendering(req.headers.accept) === 'Table' ? scaleTable(scale, parseIncludeObject(q.get('includeObject') ?? undefined)) : scale);
    }
    if (method !== 'PUT' && method !== 'PATCH') throw new BosunError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const opts = writeOptions(q);
    const { value, media } = await this.body(req);
    const obj = await reg.mutate(info, ns, name, opts, (cur) => {
      const scale = toScale(cur);
      let next: KObject;
      if (method === 'PUT') next = value as KObject;
      else {
        const type = patchType(media);
        next = (type === 'json' ? jsonPatch(scale, value) : mergePatch(scale, value)) as KObject;
      }
      const replicas = (next?.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw new BosunError('Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          { causes: [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0' }] });
      }
      const rv = next.metadata?.resourceVersion;
      (cur.spec as { replicas?: number }).replicas = replicas;
      if (rv && rv !== scale.metadata?.resourceVersion) cur.metadata!.resourceVersion = rv;
      else delete cur.metadata!.resourceVersion;
      return cur;
    });
    return send(res, 200, toScale(obj));
  }
}
