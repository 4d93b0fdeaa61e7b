/**
 * The Docker Engine API daemon: HTTP/1.1 on the instance's unix socket, keep-alive, chunked
 * request bodies, version negotiation, one route table, and the hijacked attach/exec streams.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { chmodSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { badRequest, notFound, toBosunError } from '../../errors/index.js';
import type { Ctx, DaemonEngine } from './context.js';
import { Router, type Route } from './router.js';
import { Hijack } from './hijack.js';
import { COMMON_HEADERS, negotiate } from './version.js';
import { sendError, statusOf } from './reply.js';
import { systemRoutes } from './routes/system.js';
import { containerRoutes } from './routes/containers.js';
import { execRoutes } from './routes/exec.js';
import { imageRoutes } from './routes/images.js';
import { networkRoutes } from './routes/networks.js';
import { volumeRoutes } from './routes/volumes.js';

export type { DaemonEngine } from './context.js';

const routes: Route[] = [...systemRoutes, ...containerRoutes, ...execRoutes, ...imageRoutes, ...networkRoutes, ...volumeRoutes];
const router = new Router(routes);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function parseJson<T>(buf: Buffer): T {
  if (!buf.length) return {} as T;
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw badRequest(`invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * An upgraded request's body (exec start sends one) arrives in `head` and possibly later reads;
 * split off Content-Length bytes so that only what follows is the client's stdin.
 */
function splitUpgradeBody(req: IncomingMessage, socket: Socket, head: Buffer): Promise<{ body: Buffer; rest: Buffer }> {
  const len = Number(req.headers['content-length'] ?? 0);
  if (!len) return Promise.resolve({ body: Buffer.alloc(0), rest: head });
  if (head.length >= len) return Promise.resolve({ body: head.subarray(0, len), rest: head.subarray(len) });
  return new Promise((resolve, reject) => {
    let buf = head;
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < len) return;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      resolve({ body: buf.subarray(0, len), rest: buf.subarray(len) });
    };
    const onEnd = () => reject(badRequest('connection closed before the request body was complete'));
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

export async function startDaemon(engine: DaemonEngine, socketPath: string): Promise<{ close(): Promise<void> }> {
  const dataDir = dirname(socketPath);
  const sockets = new Set<Socket>();

  const dispatch = async (req: IncomingMessage, res: ServerResponse | undefined, upgraded?: { socket: Socket; head: Buffer }) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const abort = new AbortController();
    let hijack: Hijack | undefined;
    let bodyBuf: Buffer | undefined;
    const ctx: Ctx = {
      engine,
      dataDir,
      req,
      res,
      params: {},
      query: url.searchParams,
      minor: 50,
      signal: abort.signal,
      body: async () => (bodyBuf ??= await readBody(req)),
      json: async <T>() => parseJson<T>(await ctx.body()),
      hijack: () => {
        if (hijack) return hijack;
        hijack = new Hijack(req.socket, false, Buffer.alloc(0));
        hijack.signal.addEventListener('abort', () => abort.abort());
        return hijack;
      },
    };
    if (res) {
      for (const [k, v] of COMMON_HEADERS) res.setHeader(k, v);
      res.on('close', () => abort.abort());
    }
    try {
      const { minor, path } = negotiate(url.pathname);
      ctx.minor = minor;
      const m = router.match(req.method ?? 'GET', path);
      if (!m) throw notFound('page not found');
      if (upgraded && !m.route.hijack) throw badRequest(`${path} does not upgrade the connection`);
      ctx.params = m.params;
      if (upgraded) {
        const { body, rest } = await splitUpgradeBody(req, upgraded.socket, upgraded.head);
        bodyBuf = body;
        hijack = new Hijack(upgraded.socket, true, rest);
        hijack.signal.addEventListener('abort', () => abort.abort());
      }
      await m.route.handler(ctx);
    } catch (err) {
      if (hijack || upgraded) {
        const e = toBosunError(err);
        (hijack ?? new Hijack(upgraded!.socket, true, Buffer.alloc(0))).fail(statusOf(e), e.message, false);
      } else sendError(ctx, err);
    }
  };

  const server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => void dispatch(req, res));
  // Node hands the socket over un-flowing, so stdin bytes (and a half-close) that arrive before
  // the handler pipes them wait in its buffer.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => void dispatch(req, undefined, { socket, head }));
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ message: err.message })}\n`);
  });

  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o660);

  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        rmSync(socketPath, { force: true });
      }),
  };
}

