/**
 * The `bosun` docker-style verbs talk to the engine only through its Engine API, exactly as the
 * docker CLI does: node `http` over the unix socket named by `--data-dir` or `DOCKER_HOST`.
 */
import http, { type IncomingMessage } from 'node:http';
import net, { type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { BosunError, type ErrorKind } from '../../errors/index.js';
import { DEFAULT_DATA_DIR, paths } from '../../server/instance.js';
import type { FlagSpec } from '../args.js';

export const dataDirFlag: FlagSpec = { name: 'data-dir', type: 'string' };

/** `--data-dir` wins, then `DOCKER_HOST=unix://…`, then the default instance. */
export function socketPath(dataDir: unknown): string {
  if (typeof dataDir === 'string' && dataDir) return paths(resolve(dataDir)).engineSock;
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  if (host) throw new BosunError('BadRequest', `DOCKER_HOST=${host}: only unix:// sockets are supported`);
  return paths(DEFAULT_DATA_DIR).engineSock;
}

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  304: 'NotModified', 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 500: 'Internal', 501: 'Internal', 503: 'Unavailable',
};

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  /** Streams the request body (tar uploads). */
  upload?: Readable;
  headers?: Record<string, string>;
}

function queryString(q: RequestOptions['query']): string {
  if (!q) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else sp.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const d of res) parts.push(d as Buffer);
  return Buffer.concat(parts);
}

export class EngineClient {
  constructor(readonly socketPath: string) {}

  /** The raw response; errors (status ≥ 400) become BosunErrors carrying the daemon's message. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...opts.headers };
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers['Content-Type'] = 'application/json';
    }
    const res = await new Promise<IncomingMessage>((ok, fail) => {
      const req = http.request({ socketPath: this.socketPath, method, path: `/v1.50${path}${queryString(opts.query)}`, headers }, ok);
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
          fail(new BosunError('Unavailable', `Cannot connect to the Bosun engine at unix://${this.socketPath}. Is "bosun server" running?`));
        } else fail(err);
      });
      if (opts.upload) opts.upload.pipe(req);
      else req.end(payload);
    });
    if ((res.statusCode ?? 500) >= 400) {
      const text = (await readAll(res)).toString();
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new BosunError(KIND_BY_STATUS[res.statusCode!] ?? 'Internal', message || `HTTP ${res.statusCode}`);
    }
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const text = (await readAll(await this.request(method, path, opts))).toString();
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  /** Status of a body-less call (204, 304, …). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<number> {
    const res = await this.request(method, path, opts);
    res.resume();
    return res.statusCode ?? 0;
  }

  /** `Upgrade: tcp` request (attach, exec start): the socket after the 101, plus any bytes read past it. */
  hijack(path: string, opts: RequestOptions = {}): Promise<{ socket: Socket; head: Buffer }> {
    return new Promise((ok, fail) => {
      const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
      const req = http.request({
        socketPath: this.socketPath,
        method: 'POST',
        path: `/v1.50${path}${queryString(opts.query)}`,
        headers: { Connection: 'Upgrade', Upgrade: 'tcp', ...(payload ? { 'Content-Type': 'application/json' } : {}) },
        createConnection: () => net.createConnection({ path: this.socketPath, allowHalfOpen: true }),
      });
      req.on('upgrade', (_res, socket, head) => ok({ socket, head }));
      req.on('response', async (res) => {
        const text = (await readAll(res)).toString();
        let message = text;
        try { message = (JSON.parse(text) as { message: string }).message; } catch { /* plain text */ }
        fail(new BosunError(KIND_BY_STATUS[res.statusCode!] ?? 'Internal', message));
      });
      req.on('error', fail);
      req.end(payload);
    });
  }
}

export function clientFor(flags: Record<string, unknown>): EngineClient {
  return new EngineClient(socketPath(flags['data-dir']));
}
