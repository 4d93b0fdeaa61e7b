/**
 * A small typed Kubernetes REST + watch client for Bosun's own components (controllers, node
 * agent, CLI, tests, benchmarks). JSON over keep-alive HTTPS; failures arrive as BosunErrors
 * whose kind is the Status reason, so callers branch on `kind` exactly as they would on the server.
 *
 * Watches reconnect by themselves from the last resourceVersion they saw (bookmarks included)
 * whenever the server ends a stream; a 410 Gone ends the iteration with a Gone error, the signal
 * to re-list.
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { BosunError, type ErrorKind, type FieldCause } from '../errors/index.js';
import type { KObject } from '../api/index.js';
import { loadKubeconfig, type ClientConfig } from './kubeconfig.js';

export { loadKubeconfig, type ClientConfig } from './kubeconfig.js';

/** Which collection a call is about: group "" is core. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export interface KList<T extends KObject = KObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchOptions extends Omit<ListOptions, 'limit' | 'continue'> {
  /** Server-side end of each stream; the client reconnects after it. */
  timeoutSeconds?: number;
}

export interface WatchEvent<T extends KObject = KObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_MEDIA: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

const REASON_KIND: Record<string, ErrorKind> = {
  NotFound: 'NotFound', AlreadyExists: 'AlreadyExists', Conflict: 'Conflict', Invalid: 'Invalid', BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized', Forbidden: 'Forbidden', Expired: 'Gone', Gone: 'Gone', RequestEntityTooLarge: 'TooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType', MethodNotAllowed: 'MethodNotAllowed', Timeout: 'Timeout', ServiceUnavailable: 'Unavailable',
};

const CODE_KIND: Record<number, ErrorKind> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 410: 'Gone',
  413: 'TooLarge', 415: 'UnsupportedMediaType', 422: 'Invalid', 503: 'Unavailable', 504: 'Timeout',
};

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: FieldCause[] };
}

/** The BosunError a Status (or a bare HTTP failure) stands for. */
export function statusError(code: number, body: unknown): BosunError {
  const st = (body && typeof body === 'object' ? body : {}) as StatusBody;
  const kind = (st.reason && REASON_KIND[st.reason]) || CODE_KIND[st.code ?? code] || 'Internal';
  return new BosunError(kind, st.message ?? `HTTP ${code}`, {
    details: st.details ? { name: st.details.name, group: st.details.group, kind: st.details.kind } : undefined,
    causes: st.details?.causes,
  });
}

export class KubeClient {
  readonly config: ClientConfig;
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(config: ClientConfig, opts: { maxSockets?: number } = {}) {
    this.config = config;
    this.url = new URL(config.server);
    this.agent = new Agent({
      // The agent destroys a pooled socket idle for `timeout` ms: well before the API server's
      // 90 s keep-alive timeout, so a request never lands on a socket the server is closing.
      keepAlive: true, maxSockets: opts.maxSockets ?? 16, timeout: 30_000,
      ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTLSVerify,
    });
  }

  static fromKubeconfig(path: string, context?: string, opts?: { maxSockets?: number }): KubeClient {
    return new KubeClient(loadKubeconfig(path, context), opts);
  }

  path(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
    const root = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
    const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${root}${ns}/${ref.resource}${name ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
  }

  private open(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { Accept: 'application/json', ...headers };
      if (this.config.token) h.Authorization = `Bearer ${this.config.token}`;
      if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
      const req = httpsRequest({
        hostname: this.url.hostname.replace(/^\[|\]$/g, ''), port: this.url.port || 443, path, method, headers: h, agent: this.agent, signal,
      }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One request; resolves to the decoded JSON body of a 2xx answer, rejects with the Status as a BosunError. */
  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const res = await this.open(method, path, payload, payload === undefined ? {} : { 'Content-Type': contentType });
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown = text;
    if ((res.headers['content-type'] ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the raw text
      }
    }
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw statusError(code, parsed);
    return parsed as T;
  }

  private query(params: Record<string, string | number | boolean | undefined>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  private writeQuery(o: WriteOptions = {}): string {
    return this.query({ dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager, fieldValidation: o.fieldValidation });
  }

  get<T extends KObject = KObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T> {
    return this.request<T>('GET', this.path(ref, namespace ?? this.config.namespace, name));
  }

  list<T extends KObject = KObject>(ref: ResourceRef, o: ListOptions = {}): Promise<KList<T>> {
    const q = this.query({ labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue, resourceVersion: o.resourceVersion });
    return this.request<KList<T>>('GET', this.path(ref, o.namespace) + q);
  }

  create<T extends KObject = KObject>(ref: ResourceRef, obj: KObject, o: WriteOptions & { namespace?: string } = {}): Promise<T> {
    const ns = o.namespace ?? obj.metadata?.namespace ?? this.config.namespace;
    return this.request<T>('POST', this.path(ref, ns) + this.writeQuery(o), obj);
  }

  update<T extends KObject = KObject>(ref: ResourceRef, obj: KObject, o: WriteOptions & { subresource?: 'status' } = {}): Promise<T> {
    const ns = obj.metadata?.namespace ?? this.config.namespace;
    return this.request<T>('PUT', this.path(ref, ns, obj.metadata?.name, o.subresource) + this.writeQuery(o), obj);
  }

  patch<T extends KObject = KObject>(ref: ResourceRef, name: string, patch: unknown, type: PatchType,
    o: WriteOptions & { namespace?: string; subresource?: string; force?: boolean } = {}): Promise<T> {
    const q = this.query({ dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager, fieldValidation: o.fieldValidation, force: o.force });
    return this.request<T>('PATCH', this.path(ref, o.namespace ?? this.config.namespace, name, o.subresource) + q, patch, PATCH_MEDIA[type]);
  }

  delete<T = KObject>(ref: ResourceRef, name: string, o: DeleteOptions & { namespace?: string } = {}): Promise<T> {
    const { namespace, dryRun, ...body } = o;
    return this.request<T>('DELETE', this.path(ref, namespace ?? this.config.namespace, name) + this.query({ dryRun: dryRun ? 'All' : undefined }), body);
  }

  /**
   * Events after `resourceVersion` (or the current state first when it is unset), across server
   * stream ends, until `close()` or a Gone.
   */
  watch<T extends KObject = KObject>(ref: ResourceRef, o: WatchOptions = {}): AsyncIterable<WatchEvent<T>> & { close(): void } {
    const abort = new AbortController();
    const client = this;
    let rv = o.resourceVersion;
    async function* events(): AsyncGenerator<WatchEvent<T>> {
      while (!abort.signal.aborted) {
        const q = client.query({
          watch: 1, allowWatchBookmarks: true, resourceVersion: rv, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, timeoutSeconds: o.timeoutSeconds,
        });
        let res: IncomingMessage;
        try {
          res = await client.open('GET', client.path(ref, o.namespace) + q, undefined, {}, abort.signal);
        } catch (err) {
          if (abort.signal.aborted) return;
          throw err;
        }
        if ((res.statusCode ?? 0) !== 200) {
          const chunks: Buffer[] = [];
          for await (const c of res) chunks.push(c as Buffer);
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString());
          } catch {
            body = undefined;
          }
          throw statusError(res.statusCode ?? 0, body);
        }
        let buf = '';
        try {
          for await (const chunk of res) {
            buf += (chunk as Buffer).toString('utf8');
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (!line) continue;
              const ev = JSON.parse(line) as { type: string; object: T };
              if (ev.type === 'ERROR') throw statusError((ev.object as unknown as StatusBody).code ?? 500, ev.object);
              rv = ev.object.metadata?.resourceVersion ?? rv;
              yield ev as WatchEvent<T>;
            }
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          if (err instanceof BosunError) throw err;
          // The connection broke: resume from the last resourceVersion seen.
        }
      }
    }
    const it = events();
    return { [Symbol.asyncIterator]: () => it, close: () => abort.abort() };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** ResourceRefs of the built-in kinds Bosun components use most. */
export const resources = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  services: { group: '', version: 'v1', resource: 'services', namespaced: true },
  endpoints: { group: '', version: 'v1', resource: 'endpoints', namespaced: true },
  configmaps: { group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  secrets: { group: '', version: 'v1', resource: 'secrets', namespaced: true },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
  ingresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true },
} satisfies Record<string, ResourceRef>;
