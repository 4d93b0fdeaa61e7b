/**
 * The pod subresources a node serves: exec, attach and portforward (upgraded connections, handed
 * to src/streaming with the node's StreamTarget) and log (a chunked text stream). The API server's
 * part is what the real one does in its pod REST storage before dialling the kubelet: authenticate,
 * find the pod, resolve the container, refuse pods without a node, validate PodLogOptions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BosunError } from '../errors/index.js';
import type { KObject, ResourceInfo } from '../api/index.js';
import { handleUpgrade, parseStreamingPath, rejectUpgrade } from '../streaming/index.js';
import type { Authenticator } from './auth.js';
import type { NodeConnection, NodeConnections, PodLogOptions } from './node-connections.js';
import type { Registry } from './registry.js';

export interface PodProxyDeps {
  auth: Authenticator;
  registry: Registry;
  pods: ResourceInfo;
  nodes?: NodeConnections;
}

interface PodView extends KObject {
  spec?: { nodeName?: string; containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  status?: { phase?: string };
}

const names = (cs: Array<{ name: string }> | undefined) => (cs ?? []).map((c) => c.name);

/**
 * The container a request is about, by the real server's rules: the only container when there is
 * one, otherwise it must be named. Init and ephemeral containers count for logs only (the streaming
 * rules list init containers in the message, but exec into them goes by name).
 */
function resolveContainer(pod: PodView, container: string | null, forLogs: boolean): string {
  const name = pod.metadata!.name!;
  const main = names(pod.spec?.containers);
  const init = names(pod.spec?.initContainers);
  const ephemeral = names(pod.spec?.ephemeralContainers);
  if (!container) {
    if (main.length === 1) return main[0]!;
    if (main.length === 0) throw new BosunError('BadRequest', `a container name must be specified for pod ${name}`);
    if (forLogs) throw new BosunError('BadRequest', `a container name must be specified for pod ${name}, choose one of: [${[...init, ...main, ...ephemeral].join(' ')}]`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`;
    if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
    throw new BosunError('BadRequest', msg);
  }
  if (![...main, ...init, ...ephemeral].includes(container)) throw new BosunError('BadRequest', `container ${container} is not valid for pod ${name}`);
  return container;
}

function nodeOf(d: PodProxyDeps, pod: PodView): NodeConnection {
  const nodeName = pod.spec!.nodeName!;
  const conn = d.nodes?.node(nodeName);
  // The real server would fail to dial the kubelet; an agent that is not connected is the same.
  if (!conn) throw new BosunError('Unavailable', `node ${nodeName} of pod ${pod.metadata!.name} is not connected to the API server`);
  return conn;
}

/** The `upgrade` listener: every upgraded request of the API server comes here. Never throws. */
export async function servePodUpgrade(d: PodProxyDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => {
    // A client that vanishes before the session starts needs nothing more from us.
  });
  try {
    const url = new URL(`https://localhost${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? ''}`);
    if (!d.auth.authenticate(req)) throw new BosunError('Unauthorized', 'Unauthorized');
    const route = parseStreamingPath(url.pathname.replace(/\/+$/, ''));
    if (!route) throw new BosunError('NotFound', 'the server could not find the requested resource');
    const pod = (await d.registry.get(d.pods, route.namespace, route.pod)) as PodView;
    const query = new URLSearchParams(url.searchParams);
    if (route.kind !== 'portforward') {
      query.set('container', resolveContainer(pod, query.get('container'), false));
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        throw new BosunError('BadRequest', `cannot ${route.kind} into a container in a completed pod; current phase is ${phase}`);
      }
    }
    if (!pod.spec?.nodeName) throw new BosunError('BadRequest', `pod ${route.pod} does not have a host assigned`);
    const target = nodeOf(d, pod).target(route.namespace, route.pod);
    await handleUpgrade(req, socket, head, route.kind, target, query);
  } catch (err) {
    rejectUpgrade(socket, err);
  }
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new BosunError('BadRequest', `invalid value "${v}" for query parameter ${name}: must be an integer`);
  return Number(v);
}

/** PodLogOptions from the query, with the real server's validation (an Invalid PodLogOptions). */
function logOptions(name: string, q: URLSearchParams): Omit<PodLogOptions, 'container'> {
  const flag = (n: string) => ['true', '1'].includes(q.get(n) ?? '');
  const o = {
    follow: flag('follow'), previous: flag('previous'), timestamps: flag('timestamps'),
    tailLines: intParam(q, 'tailLines'), sinceSeconds: intParam(q, 'sinceSeconds'), limitBytes: intParam(q, 'limitBytes'),
    sinceTime: q.get('sinceTime') || undefined,
  };
  const causes: Array<{ field: string; reason: string; message: string }> = [];
  const bad = (field: string, value: unknown, message: string) => causes.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${message}` });
  if (o.tailLines !== undefined && o.tailLines < 0) bad('tailLines', o.tailLines, 'must be greater than or equal to 0');
  if (o.limitBytes !== undefined && o.limitBytes < 1) bad('limitBytes', o.limitBytes, 'must be greater than 0');
  if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) bad('sinceSeconds', o.sinceSeconds, 'must be greater than 0');
  if (o.sinceTime !== undefined && Number.isNaN(Date.parse(o.sinceTime))) bad('sinceTime', JSON.stringify(o.sinceTime), 'must be an RFC3339 time');
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) {
    causes.push({ field: '', reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  }
  if (causes.length) {
    const text = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
    throw new BosunError('Invalid', `PodLogOptions "${name}" is invalid: ${causes.length > 1 ? `[${text}]` : text}`, { causes });
  }
  return o;
}

/** GET pods/{name}/log: validated here, read from the pod's node, streamed as it comes. */
export async function servePodLog(d: PodProxyDeps, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, q: URLSearchParams): Promise<void> {
  req.resume();
  const opts = logOptions(name, q);
  const pod = (await d.registry.get(d.pods, namespace, name)) as PodView;
  const container = resolveContainer(pod, q.get('container'), true);
  const headers = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' };
  // A pod no node has taken yet has no log at all; the real server answers it with an empty body.
  if (!pod.spec?.nodeName) {
    res.writeHead(200, { ...headers, 'Content-Length': 0 });
    res.end();
    return;
  }
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  const chunks = await nodeOf(d, pod).logs(namespace, name, { ...opts, container, signal: gone.signal });
  res.writeHead(200, headers);
  // Chunked and flushed per write: `kubectl logs -f` shows each line as the container prints it.
  res.flushHeaders();
  try {
    for await (const chunk of chunks) {
      if (gone.signal.aborted) break;
      if (!res.write(chunk)) await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
    }
  } catch (err) {
    // Past the headers a Status cannot be sent any more: cut the stream so the client sees it broke.
    console.error(`apiserver: log of pod ${namespace}/${name}: ${(err as Error).message}`);
    res.destroy();
    return;
  }
  res.end();
}
