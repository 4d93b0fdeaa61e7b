/**
 * Docker's multiplexed stream framing ("stdcopy"), used when there is no TTY: an 8-byte header
 * (stream id, three zero bytes, big-endian payload length) before each payload. Stream 3 carries a
 * daemon error; the Go demuxer stops and reports its payload.
 */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSERR = 3;

export function frame(stream: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out[0] = stream;
  out[1] = 0;
  out[2] = 0;
  out[3] = 0;
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}

/** Splits a framed byte stream back into payloads; keeps a partial frame for the next push. */
export class Demuxer {
  private pending = Buffer.alloc(0);

  push(data: Buffer, onFrame: (stream: number, payload: Buffer) => void): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      onFrame(buf[0], buf.subarray(8, 8 + len));
      buf = buf.subarray(8 + len);
    }
    this.pending = Buffer.from(buf);
  }
}
