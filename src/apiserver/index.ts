/**
 * The Kubernetes API server of one Bosun instance: HTTPS with the instance's own CA, the admin
 * kubeconfig, and the generic registry over the Store for every resource of the catalog.
 *
 * Files it writes in the data dir (beside those of src/server/instance.ts):
 *   DIR/pki/...            see pki.ts
 *   DIR/kubeconfig         cluster "bosun" (server https://127.0.0.1:<port>, CA embedded), user
 *                          "admin" (client certificate + key embedded), context "bosun"
 *   DIR/endpoints.json     {"apiPort": N} merged into what other listeners wrote there
 */
import { createServer, type Server } from 'node:https';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Instance } from '../server/instance.js';
import type { Store } from '../store/index.js';
import { catalog as apiCatalog, decodeProtobuf } from '../api/index.js';
import { Authenticator } from './auth.js';
import { Catalog } from './catalog.js';
import { ApiHandler } from './handler.js';
import { bootstrapNamespaces } from './namespaces.js';
import { OpenApiCache } from './openapi.js';
import { ensurePki, type Pki } from './pki.js';
import type { NodeConnections } from './node-connections.js';
import { Registry } from './registry.js';
import { ServiceAccountTokens } from './service-account-tokens.js';

export { KUBE_VERSION } from './handler.js';
export { SYSTEM_NAMESPACES } from './namespaces.js';
export { ensurePki, pkiPaths, type Pki, type PkiPaths } from './pki.js';
export type { NodeConnection, NodeConnections, PodLogOptions } from './node-connections.js';

export interface ApiServerOptions {
  instance: Instance;
  store: Store;
  /** 0 picks a free port. */
  port: number;
  /** Node agents; without them exec, attach, port-forward and logs of scheduled pods answer 503. */
  nodes?: NodeConnections;
}

export interface RunningApiServer {
  port: number;
  close(): Promise<void>;
}

function writeAtomic(path: string, text: string, mode = 0o600): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

/**
 * A fresh admin kubeconfig. Written from a template rather than through the YAML library, which
 * the server would then keep loaded for good: every value is a base64 string or a quoted URL.
 */
function kubeconfigYaml(pki: Pki, port: number): string {
  const b64 = (b: Buffer) => b.toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: bosun',
    '    cluster:',
    `      server: "https://127.0.0.1:${port}"`,
    `      certificate-authority-data: ${b64(pki.ca)}`,
    'users:',
    '  - name: admin',
    '    user:',
    `      client-certificate-data: ${b64(pki.adminCert)}`,
    `      client-key-data: ${b64(pki.adminKey)}`,
    'contexts:',
    '  - name: bosun',
    '    context:',
    '      cluster: bosun',
    '      user: admin',
    '      namespace: default',
    'current-context: bosun',
    'preferences: {}',
    '',
  ].join('\n');
}

/**
 * Writes the admin kubeconfig, or, when one exists, only points its `bosun` cluster at the current
 * port: the user's edits (a namespace chosen with `bosun ns`, extra contexts) survive restarts.
 */
async function writeKubeconfig(path: string, pki: Pki, port: number): Promise<void> {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    // Restarted on the same port: nothing to change, and no YAML library to load.
    if (new RegExp(`^\\s*server: "?https://127\\.0\\.0\\.1:${port}"?\\s*$`, 'm').test(text) && text.includes(pki.ca.toString('base64'))) return;
    const { KubeconfigFile } = await import('../kubeconfig/index.js');
    const file = KubeconfigFile.read(path);
    const i = (file.config.clusters ?? []).findIndex((c) => c.name === 'bosun');
    if (i >= 0) {
      file.set(['clusters', i, 'cluster', 'server'], `https://127.0.0.1:${port}`);
      file.set(['clusters', i, 'cluster', 'certificate-authority-data'], pki.ca.toString('base64'));
      file.write();
      return;
    }
  }
  writeAtomic(path, kubeconfigYaml(pki, port));
}

function writeEndpoints(dataDir: string, port: number): void {
  const file = join(dataDir, 'endpoints.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // absent or unreadable: start afresh
  }
  writeAtomic(file, JSON.stringify({ ...current, apiPort: port }, null, 2) + '\n', 0o644);
}

async function listen(server: Server, port: number): Promise<void> {
  const attempt = (host: string) => new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host, ipv6Only: false }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  try {
    await attempt('::');
  } catch (err) {
    // Hosts without IPv6 cannot bind '::'; every IPv4 address will do.
    if ((err as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw err;
    await attempt('0.0.0.0');
  }
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const { instance, store } = opts;
  const pki = ensurePki(instance.paths.pki);
  const catalog = new Catalog(apiCatalog);
  const registry = new Registry(store, catalog, instance.serviceCidr);
  const openapi = new OpenApiCache();
  const tokens = new ServiceAccountTokens(pki.saKey, pki.saPub);
  let port = opts.port;
  const handler = new ApiHandler({
    catalog, registry, openapi, auth: new Authenticator(pki.adminToken, tokens), tokens, protobuf: decodeProtobuf,
    serverAddress: () => `127.0.0.1:${port}`, nodes: opts.nodes,
  });
  const server = createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void handler.handle(req, res);
  });
  // Node closes idle keep-alive sockets after 5 s, and a client that picks such a socket just as it
  // closes gets ECONNRESET. Controllers and the node agent keep pooled sockets; clients idle them
  // out first (KubeClient's agent timeout is shorter), so the server never races them.
  server.keepAliveTimeout = 90_000;
  server.headersTimeout = 95_000;
  // Upgraded sockets stay in `sockets` (tracked from 'connection'), so close() ends sessions too.
  server.on('upgrade', (req, socket: Socket, head: Buffer) => void handler.upgrade(req, socket, head));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A client that never completes the handshake must not cost more than a socket.
  server.on('tlsClientError', (_err, s) => s.destroy());
  await listen(server, opts.port);
  port = (server.address() as { port: number }).port;
  await bootstrapNamespaces(registry, registry.ips.apiServiceIp, port);
  await writeKubeconfig(instance.paths.kubeconfig, pki, port);
  writeEndpoints(instance.dataDir, port);
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Watches are long-lived by design; they end with the server.
        for (const s of sockets) s.destroy();
      });
    },
  };
}
