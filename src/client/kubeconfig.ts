/**
 * Connection settings from a kubeconfig, resolved the way client-go does for one context:
 * server, CA (inline `-data` or file), client certificate + key, bearer token (or token file),
 * insecure-skip-tls-verify, and the context's default namespace.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { createRequire } from 'node:module';
import { BosunError } from '../errors/index.js';

export interface ClientConfig {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** The context's namespace ("default" when it names none). */
  namespace: string;
}

type Named<T> = Array<{ name: string } & T>;
interface RawConfig {
  clusters?: Named<{ cluster: Record<string, unknown> }>;
  users?: Named<{ user: Record<string, unknown> }>;
  contexts?: Named<{ context: { cluster?: string; user?: string; namespace?: string } }>;
  'current-context'?: string;
}

/** The YAML library, loaded with the first kubeconfig read: the server's own clients never read one. */
const yaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

export function loadKubeconfig(path: string, context?: string): ClientConfig {
  let raw: RawConfig;
  try {
    raw = (yaml().parse(readFileSync(path, 'utf8')) ?? {}) as RawConfig;
  } catch (err) {
    throw new BosunError('BadRequest', `cannot read kubeconfig ${path}: ${(err as Error).message}`);
  }
  const ctxName = context ?? raw['current-context'];
  const ctx = raw.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new BosunError('NotFound', `context "${ctxName ?? ''}" not found in ${path}`);
  const cluster = raw.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new BosunError('NotFound', `cluster "${ctx.cluster ?? ''}" not found in ${path}`);
  const user = raw.users?.find((u) => u.name === ctx.user)?.user ?? {};
  const base = dirname(path);
  const blob = (obj: Record<string, unknown>, field: string): Buffer | undefined => {
    const data = obj[`${field}-data`];
    if (typeof data === 'string') return Buffer.from(data, 'base64');
    const file = obj[field];
    if (typeof file === 'string') return readFileSync(isAbsolute(file) ? file : join(base, file));
    return undefined;
  };
  let token = typeof user.token === 'string' ? user.token : undefined;
  if (!token && typeof user.tokenFile === 'string') token = readFileSync(user.tokenFile, 'utf8').trim();
  return {
    server: cluster.server.replace(/\/+$/, ''),
    ca: blob(cluster, 'certificate-authority'),
    cert: blob(user, 'client-certificate'),
    key: blob(user, 'client-key'),
    token,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    namespace: ctx.namespace ?? 'default',
  };
}
