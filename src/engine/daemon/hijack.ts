/**
 * A hijacked connection (attach, exec start). Two forms, as the engine does them:
 *  - the client asked `Connection: Upgrade` / `Upgrade: tcp`: answer `101 UPGRADED`, then the
 *    socket is a raw full-duplex pipe; the client's half-close is EOF on the process's stdin while
 *    output keeps flowing until the process exits (hence half-open sockets);
 *  - no Upgrade header (dockerode's default attach): answer `200 OK` with no length or chunking
 *    and end the body by closing the connection; there is no stdin in that form.
 * Errors found before the stream starts are written as a plain HTTP error response instead.
 */
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { COMMON_HEADERS } from './version.js';
import { frame, SYSERR } from './stdcopy.js';

export class Hijack {
  private started = false;
  private finished = false;
  private readonly abort = new AbortController();
  private stdinStream: PassThrough | undefined;

  /** `rest` is what arrived after the request (and its body) in the same read. */
  constructor(private readonly socket: Socket, readonly upgraded: boolean, private readonly rest: Buffer) {
    socket.setNoDelay(true);
    socket.on('close', () => this.abort.abort());
    socket.on('error', () => this.abort.abort());
  }

  /** Aborts when the client disconnects. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The client's raw bytes; ends at the client's half-close. Only for the Upgrade form. */
  stdin(): Readable {
    if (!this.stdinStream) {
      const s = new PassThrough();
      if (this.rest.length) s.write(this.rest);
      this.socket.pipe(s);
      this.stdinStream = s;
    }
    return this.stdinStream;
  }

  start(contentType: string): void {
    if (this.started) return;
    this.started = true;
    const head = this.upgraded
      ? ['HTTP/1.1 101 UPGRADED', `Content-Type: ${contentType}`, 'Connection: Upgrade', 'Upgrade: tcp']
      : ['HTTP/1.1 200 OK', `Content-Type: ${contentType}`];
    for (const [k, v] of COMMON_HEADERS) head.push(`${k}: ${v}`);
    this.socket.write(head.join('\r\n') + '\r\n\r\n');
    // Without stdin the client's bytes are never read; drain them so a half-close is seen.
    if (!this.stdinStream) this.socket.resume();
  }

  write(data: Buffer): void {
    if (!this.finished && this.socket.writable) this.socket.write(data);
  }

  /** An error: as an HTTP response before the stream started, in-band after (framed or raw). */
  fail(status: number, message: string, tty: boolean): void {
    if (this.finished) return;
    if (!this.started) {
      this.started = true;
      const body = JSON.stringify({ message }) + '\n';
      const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
      for (const [k, v] of COMMON_HEADERS) head.push(`${k}: ${v}`);
      this.socket.write(head.join('\r\n') + '\r\n\r\n' + body);
    } else {
      const payload = Buffer.from(message + '\n');
      this.write(tty ? payload : frame(SYSERR, payload));
    }
    this.end();
  }

  /** Flushes what was written and closes the connection (the end-of-stream signal). */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.end();
    // A client that never closes its side would keep the fd forever after our FIN.
    this.socket.setTimeout(30_000, () => this.socket.destroy());
  }
}
