/**
 * SPDY/3.1 framing (draft 3 §2.2, plus 3.1's session-level WINDOW_UPDATE on stream 0). Header blocks
 * stay compressed here; spdy-header-codec.ts owns the zlib side.
 *
 *   control: |1| version(15)=3 | type(16) |  flags(8) | length(24) | payload
 *   data:    |0| stream id(31)            |  flags(8) | length(24) | payload
 */
import { badRequest } from '../errors/index.js';

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes (§2.6.3). */
export const RST = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
} as const;

export const GOAWAY_OK = 0;
export const GOAWAY_PROTOCOL_ERROR = 1;
/** SETTINGS id whose value is the new initial per-stream send window (§2.6.4). */
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
/** The largest payload a frame's 24-bit length can carry. */
const MAX_LENGTH = 0xffffff;

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'syn_reply' | 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; entries: { id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  /** A control type this version does not define; §2.2.1 says to ignore it. */
  | { type: 'unknown' };

/** Cuts a byte stream into frames; bytes may arrive split anywhere (the WebSocket tunnel does that). */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUInt32BE(4) & MAX_LENGTH;
      if (this.buf.length < 8 + length) break;
      const head = this.buf.subarray(0, 8);
      const payload = Buffer.from(this.buf.subarray(8, 8 + length));
      this.buf = this.buf.subarray(8 + length);
      frames.push(parseFrame(head, payload));
    }
    return frames;
  }
}

function parseFrame(head: Buffer, p: Buffer): Frame {
  const flags = head[4]!;
  const first = head.readUInt32BE(0);
  if ((first & 0x80000000) === 0) return { type: 'data', streamId: first & 0x7fffffff, flags, data: p };
  const version = (first >>> 16) & 0x7fff;
  if (version !== 3) throw badRequest(`SPDY version ${version} is not supported (only 3)`);
  const need = (n: number) => {
    if (p.length < n) throw badRequest(`SPDY control frame type ${first & 0xffff} is too short`);
  };
  switch (first & 0xffff) {
    case TYPE.SYN_STREAM:
      need(10);
      return { type: 'syn_stream', streamId: p.readUInt32BE(0) & 0x7fffffff, flags, headerBlock: p.subarray(10) };
    case TYPE.SYN_REPLY:
    case TYPE.HEADERS:
      need(4);
      return { type: (first & 0xffff) === TYPE.SYN_REPLY ? 'syn_reply' : 'headers', streamId: p.readUInt32BE(0) & 0x7fffffff, flags, headerBlock: p.subarray(4) };
    case TYPE.RST_STREAM:
      need(8);
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
    case TYPE.SETTINGS: {
      need(4);
      const n = p.readUInt32BE(0);
      need(4 + 8 * n);
      const entries = [];
      for (let i = 0; i < n; i++) entries.push({ id: p.readUInt32BE(4 + 8 * i) & 0xffffff, value: p.readUInt32BE(8 + 8 * i) });
      return { type: 'settings', entries };
    }
    case TYPE.PING:
      need(4);
      return { type: 'ping', id: p.readUInt32BE(0) };
    case TYPE.GOAWAY:
      need(8);
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
    case TYPE.WINDOW_UPDATE:
      need(8);
      return { type: 'window_update', streamId: p.readUInt32BE(0) & 0x7fffffff, delta: p.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown' };
  }
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x8000 | 3) * 0x10000 + type);
  head.writeUInt32BE(flags * 0x1000000 + payload.length, 4);
  return Buffer.concat([head, payload]);
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff);
  head.writeUInt32BE((fin ? FLAG_FIN : 0) * 0x1000000 + data.length, 4);
  return Buffer.concat([head, data]);
}

export const encodeSynReply = (streamId: number, headerBlock: Buffer, fin: boolean): Buffer =>
  control(TYPE.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([words(streamId), headerBlock]));
export const encodeRstStream = (streamId: number, status: number): Buffer => control(TYPE.RST_STREAM, 0, words(streamId, status));
export const encodePing = (id: number): Buffer => control(TYPE.PING, 0, words(id));
export const encodeGoAway = (lastGoodStreamId: number, status: number): Buffer => control(TYPE.GOAWAY, 0, words(lastGoodStreamId, status));
export const encodeWindowUpdate = (streamId: number, delta: number): Buffer => control(TYPE.WINDOW_UPDATE, 0, words(streamId, delta));
