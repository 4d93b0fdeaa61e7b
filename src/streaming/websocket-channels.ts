/**
 * The channel framing shared by every `*channel.k8s.io` WebSocket protocol: one message = one
 * channel's data behind a channel byte. Binary protocols send the byte raw in a binary message;
 * `*base64.channel.k8s.io` send it as an ASCII digit before base64 text.
 */
import type { RawData, WebSocket } from 'ws';

export function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}

export function sendChannel(ws: WebSocket, base64: boolean, channel: number, data: Buffer, cb?: () => void): void {
  if (ws.readyState !== ws.OPEN) {
    cb?.();
    return;
  }
  if (base64) ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), () => cb?.());
  else ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, () => cb?.());
}

/** Null for an empty message, which carries no channel. */
export function decodeChannel(raw: RawData, isBinary: boolean, base64: boolean): { channel: number; data: Buffer } | null {
  const msg = toBuffer(raw);
  if (msg.length === 0) return null;
  if (base64 && !isBinary) return { channel: msg[0]! - 48, data: Buffer.from(msg.subarray(1).toString('latin1'), 'base64') };
  return { channel: msg[0]!, data: msg.subarray(1) };
}
