/**
 * Reader of the CRI log format conmon writes: one record per line,
 *   <RFC3339Nano> <stdout|stderr> <F|P> <text>
 * where P marks a partial line (the text had no newline yet, or was split at conmon's buffer
 * size) and F the end of a line, whose "\n" is not in the text.
 */
import { closeSync, openSync, readSync, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { OutputChunk } from '../containers/types.js';

export interface LogRecord extends OutputChunk {
  /** Unix seconds, with the fraction. */
  seconds: number;
  /** This record ends a line. */
  full: boolean;
}

/** RFC3339Nano → unix seconds without losing the nanoseconds to Date's milliseconds. */
export function rfc3339ToSeconds(ts: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return Date.parse(ts) / 1000;
  return Date.parse(m[1] + m[3]) / 1000 + (m[2] ? Number(`0.${m[2]}`) : 0);
}

export function parseRecord(line: string): LogRecord | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const time = line.slice(0, a);
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const full = tag.split(':')[0] !== 'P';
  const text = c < 0 ? '' : line.slice(c + 1);
  return { time, stream, seconds: rfc3339ToSeconds(time), full, data: Buffer.from(full ? text + '\n' : text) };
}

/** Splits complete lines off a growing buffer; returns the records and the unconsumed rest. */
function takeRecords(buf: Buffer): { records: LogRecord[]; rest: Buffer } {
  const records: LogRecord[] = [];
  let start = 0;
  let nl: number;
  while ((nl = buf.indexOf(10, start)) >= 0) {
    const r = parseRecord(buf.toString('utf8', start, nl));
    if (r) records.push(r);
    start = nl + 1;
  }
  return { records, rest: buf.subarray(start) };
}

export interface ReadLogOptions {
  since?: number;
  until?: number;
  /** Last N lines (counted by line ends), or all. */
  tail?: number | 'all';
  follow: boolean;
  /** Byte offset to start at (attach: only what comes after the attach). */
  fromOffset?: number;
  /** Follow ends (after draining what is written) once this resolves. */
  done?: Promise<unknown>;
  signal?: AbortSignal;
}

function readFrom(path: string, offset: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const b = Buffer.allocUnsafe(1 << 16);
      const n = readSync(fd, b, 0, b.length, offset);
      if (n <= 0) break;
      chunks.push(b.subarray(0, n));
      offset += n;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

export function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function* readLog(path: string, opts: ReadLogOptions): AsyncGenerator<LogRecord> {
  let offset = opts.fromOffset ?? 0;
  const keep = (r: LogRecord) => (opts.since === undefined || r.seconds >= opts.since) && (opts.until === undefined || r.seconds <= opts.until);

  const first = readFrom(path, offset);
  offset += first.length;
  let { records, rest } = takeRecords(first);
  records = records.filter(keep);
  if (opts.tail !== undefined && opts.tail !== 'all') {
    let lines = 0;
    let i = records.length;
    while (i > 0 && lines < opts.tail) {
      i--;
      if (records[i].full) lines++;
      // include the partial records that begin the same line
      while (i > 0 && !records[i - 1].full) i--;
    }
    records = opts.tail <= 0 ? [] : records.slice(i);
  }
  for (const r of records) yield r;
  if (!opts.follow || opts.signal?.aborted) return;

  let wake: (() => void) | undefined;
  let finished = false;
  const poke = () => { const w = wake; wake = undefined; w?.(); };
  // The directory, not the file: attach comes before start, when conmon has not created the log yet.
  const watcher = watch(dirname(path), (_ev, name) => { if (!name || name === basename(path)) poke(); });
  watcher.on('error', () => { finished = true; poke(); });
  opts.done?.then(() => { finished = true; poke(); }, () => { finished = true; poke(); });
  const onAbort = () => { finished = true; poke(); };
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const wasFinished = finished;
      const more = readFrom(path, offset);
      offset += more.length;
      const t = takeRecords(Buffer.concat([rest, more]));
      rest = Buffer.from(t.rest);
      for (const r of t.records) {
        if (opts.until !== undefined && r.seconds > opts.until) return;
        if (keep(r)) yield r;
      }
      if (opts.signal?.aborted) return;
      // One more read after `done` catches what conmon wrote just before the exit.
      if (wasFinished) return;
      if (opts.until !== undefined && Date.now() / 1000 > opts.until) return;
      await new Promise<void>((r) => {
        wake = r;
        if (finished) poke();
      });
    }
  } finally {
    watcher.close();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
