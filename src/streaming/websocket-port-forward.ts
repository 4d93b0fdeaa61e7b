/**
 * port-forward over plain WebSocket channels (`v4.channel.k8s.io` and friends), the form client
 * libraries such as @kubernetes/client-node use instead of kubectl's SPDY tunnel. The `ports` query
 * lists the ports; port i owns channel 2i (data) and 2i+1 (error). The server opens each channel with
 * a message holding just the port number (uint16, little-endian), then data flows unprefixed. One
 * WebSocket is one connection per port; it closes once every port's connection has ended.
 */
import { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { toBosunError } from '../errors/index.js';
import { decodeChannel, sendChannel } from './websocket-channels.js';
import type { StreamTarget } from './types.js';

export async function serveWebSocketPortForward(ws: WebSocket, version: string, ports: number[], target: StreamTarget): Promise<void> {
  const base64 = version.includes('base64');
  const abort = new AbortController();
  const inputs = ports.map((_, i) => {
    const data = 2 * i;
    const stream = new Duplex({
      read() {
        if (ws.isPaused) ws.resume();
      },
      write: (chunk: Buffer, _enc, cb) => sendChannel(ws, base64, data, chunk, () => cb()),
    });
    return stream;
  });
  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const msg = decodeChannel(raw, isBinary, base64);
    const stream = msg && msg.channel % 2 === 0 ? inputs[msg.channel / 2] : undefined;
    if (stream && msg!.data.length && !stream.push(msg!.data)) ws.pause();
  });
  ws.once('close', () => {
    abort.abort();
    for (const s of inputs) s.push(null);
  });

  for (let i = 0; i < ports.length; i++) {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(ports[i]!);
    sendChannel(ws, base64, 2 * i, prefix);
    sendChannel(ws, base64, 2 * i + 1, prefix);
  }
  await Promise.all(ports.map(async (port, i) => {
    try {
      await target.portForward(port, inputs[i]!, abort.signal);
    } catch (err) {
      sendChannel(ws, base64, 2 * i + 1, Buffer.from(`error forwarding port ${port} to pod: ${toBosunError(err).message}`));
    }
  }));
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
