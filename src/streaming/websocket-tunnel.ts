/**
 * kubectl >= 1.31 port-forward: the subprotocol `SPDY/3.1+portforward.k8s.io` carries a plain SPDY/3.1
 * byte stream inside binary WebSocket messages, split at arbitrary points. This makes the WebSocket a
 * byte Duplex so the same SpdySession serves both the raw and the tunnelled form.
 */
import { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { toBuffer } from './websocket-channels.js';

export function websocketByteStream(ws: WebSocket): Duplex {
  const stream = new Duplex({
    read() {
      if (ws.isPaused) ws.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(chunk, { binary: true }, () => cb());
    },
    final(cb) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (raw: RawData) => {
    if (!stream.push(toBuffer(raw))) ws.pause();
  });
  ws.on('close', () => stream.destroy());
  ws.on('error', () => stream.destroy());
  return stream;
}
