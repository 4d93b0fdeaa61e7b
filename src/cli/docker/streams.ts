/**
 * Client side of the hijacked streams and progress streams: stdcopy demuxing, raw TTY mode with
 * resize, stdin forwarding ending in a half-close (the daemon's EOF for the process), and a
 * progress display for JSON-message streams (load, import) that redraws lines keyed by `id`.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createReadStream, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { BosunError } from '../../errors/index.js';
import { humanSize } from './format.js';
import { Demuxer } from '../../engine/daemon/stdcopy.js';
import type { EngineClient } from './client.js';

export interface PumpOptions {
  tty: boolean;
  /** Forward our stdin (then half-close at its end). */
  stdin: boolean;
  /** POSTed with `?h=&w=` at start and on every SIGWINCH when tty. */
  resizePath?: string;
}

/** Runs one hijacked session to its end (the daemon closes the socket when the process exits). */
export async function pump(client: EngineClient, session: { socket: Socket; head: Buffer }, opts: PumpOptions): Promise<void> {
  const { socket, head } = session;
  const demux = new Demuxer();
  const out = (d: Buffer) => {
    if (opts.tty) process.stdout.write(d);
    else demux.push(d, (stream, payload) => {
      if (stream === 3) throw new BosunError('Internal', payload.toString().trim());
      (stream === 2 ? process.stderr : process.stdout).write(payload);
    });
  };
  // process.stdin is touched only when forwarded: merely opening it can keep the process alive.
  const stdin = opts.stdin ? process.stdin : undefined;
  const raw = Boolean(opts.tty && stdin?.isTTY);
  const resize = () => {
    if (!opts.resizePath || !process.stdout.isTTY) return;
    void client.call('POST', opts.resizePath, { query: { h: process.stdout.rows, w: process.stdout.columns } }).catch(() => undefined);
  };
  if (raw) stdin!.setRawMode(true);
  if (opts.tty) {
    resize();
    process.on('SIGWINCH', resize);
  }
  const onData = (d: Buffer) => socket.write(d);
  const onEnd = () => socket.end();
  if (stdin) {
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  }
  try {
    await new Promise<void>((resolve, reject) => {
      if (head.length) out(head);
      socket.on('data', (d: Buffer) => {
        try { out(d); } catch (err) { reject(err); }
      });
      socket.on('end', resolve);
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
  } finally {
    process.off('SIGWINCH', resize);
    if (stdin) {
      if (raw) stdin.setRawMode(false);
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    }
    socket.destroy();
  }
}

interface JsonMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

/**
 * Shows a JSON-message stream. On a terminal, lines with an `id` are redrawn in place; elsewhere
 * only lines without one (and final states) are printed, as the docker CLI does.
 */
export async function showProgress(res: IncomingMessage, opts: { quiet?: boolean } = {}): Promise<JsonMessage[]> {
  const all: JsonMessage[] = [];
  const tty = process.stdout.isTTY && !opts.quiet;
  const lines: string[] = [];
  let buf = '';
  const render = (m: JsonMessage) => {
    if (opts.quiet) return;
    if (m.stream !== undefined) { process.stdout.write(m.stream); return; }
    if (!m.id) { process.stdout.write(`${m.status ?? ''}\n`); return; }
    const detail = m.progressDetail?.current ? ` ${bar(m.progressDetail.current, m.progressDetail.total)}` : '';
    const text = `${m.id}: ${m.status ?? ''}${m.progress ? ` ${m.progress}` : detail}`;
    if (!tty) return;
    let idx = lines.findIndex((l) => l.startsWith(`${m.id}: `));
    if (idx < 0) { lines.push(text); process.stdout.write(text + '\n'); return; }
    lines[idx] = text;
    const up = lines.length - idx;
    process.stdout.write(`\x1b[${up}A\r\x1b[2K${text}\x1b[${up}B\r`);
  };
  for await (const chunk of res) {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      const m = JSON.parse(line) as JsonMessage;
      if (m.error || m.errorDetail) throw new BosunError('Internal', m.errorDetail?.message ?? m.error ?? 'failed');
      all.push(m);
      render(m);
    }
  }
  return all;
}

function bar(current: number, total?: number): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)}MB`;
  if (!total) return mb(current);
  const width = 30;
  const done = Math.min(width, Math.round((current / total) * width));
  return `[${'='.repeat(Math.max(0, done - 1))}>${' '.repeat(width - done)}] ${mb(current)}/${mb(total)}`;
}

/** A spinner-free progress line for local work (bootstrap), redrawn on a terminal. */
export function progressLine(label: string): { update(text: string): void; done(text: string): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(text) {
      const now = Date.now();
      if (!tty || now - last < 100) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${label}: ${text}`);
    },
    done(text) {
      process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${label}: ${text}\n`);
    },
  };
}

/** A file as an upload body, with a progress line (bytes sent of the file's size) on a terminal. */
export function uploadWithProgress(path: string, label: string): { stream: Readable; finish(): void } {
  const total = statSync(path).size;
  const line = progressLine(label);
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      line.update(`${humanSize(sent)} / ${humanSize(total)}`);
      cb(null, chunk);
    },
  });
  return { stream: createReadStream(path).pipe(counter), finish: () => line.done(`${humanSize(total)} sent`) };
}
