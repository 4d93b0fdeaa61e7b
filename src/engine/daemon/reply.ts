/**
 * Writing answers: JSON with a length, empty statuses, line-delimited JSON streams with their
 * headers flushed at once (the Go client's Events() and wait block until headers arrive), and the
 * single place BosunError kinds become Docker's `{"message": …}` statuses.
 */
import type { ServerResponse } from 'node:http';
import { BosunError, httpStatus, toBosunError } from '../../errors/index.js';
import type { Ctx } from './context.js';

export function res(ctx: Ctx): ServerResponse {
  if (!ctx.res) throw new BosunError('BadRequest', 'this endpoint does not upgrade the connection');
  return ctx.res;
}

export function json(ctx: Ctx, status: number, body: unknown): void {
  const r = res(ctx);
  const data = JSON.stringify(body) + '\n';
  r.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  r.end(data);
}

export function empty(ctx: Ctx, status: number): void {
  const r = res(ctx);
  r.writeHead(status, status === 204 || status === 304 ? {} : { 'Content-Length': 0 });
  r.end();
}

/** Starts a chunked response and sends its headers now. */
export function openStream(ctx: Ctx, contentType: string, extra: Record<string, string> = {}): ServerResponse {
  const r = res(ctx);
  r.writeHead(200, { 'Content-Type': contentType, ...extra });
  r.flushHeaders();
  return r;
}

/** Docker's status for an error kind: invalid input is a 400 on this wire (Kubernetes uses 422). */
export function statusOf(err: BosunError): number {
  return err.kind === 'Invalid' ? 400 : httpStatus(err.kind);
}

export function sendError(ctx: Ctx, e: unknown): void {
  const err = toBosunError(e);
  const status = statusOf(err);
  if (status >= 500) console.error(`engine API ${ctx.req.method} ${ctx.req.url}: ${(e as Error)?.stack ?? err.message}`);
  const r = ctx.res;
  if (!r) return;
  if (r.headersSent) {
    // Too late for a status: end the stream; progress streams report errors in-band themselves.
    r.destroy();
    return;
  }
  if (status === 304) return empty(ctx, 304);
  json(ctx, status, { message: err.message });
}

/** A progress stream's in-band error (after the 200 went out). */
export function progressError(r: ServerResponse, message: string): void {
  r.write(JSON.stringify({ errorDetail: { message }, error: message }) + '\n');
}
