/**
 * exec/attach over a WebSocket (kubectl >= 1.30 offers only `v5.channel.k8s.io`; client libraries
 * offer v4 … v1 and the base64 variants). Channels: 0 stdin, 1 stdout, 2 stderr, 3 error (status),
 * 4 resize. v5 adds `[255, ch]`: the sender closed channel ch (kubectl sends `[255, 0]` when its
 * stdin reaches EOF).
 */
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { decodeChannel, sendChannel } from './websocket-channels.js';
import { TerminalSizeQueue } from './terminal-size-queue.js';
import type { CommandChannels } from './remote-command.js';
import type { ExecOptions } from './types.js';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;
/** How long the close handshake may take before the socket is dropped. */
const CLOSE_GRACE_MS = 30_000;

export function websocketCommandChannels(ws: WebSocket, version: string, opts: ExecOptions): CommandChannels {
  const base64 = version.includes('base64');
  const closeSignals = version.startsWith('v5.');
  const stdin = opts.stdin ? new PassThrough() : undefined;
  const resize = opts.tty ? new TerminalSizeQueue() : undefined;
  const gone = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  void gone.then(() => {
    stdin?.end();
    resize?.end();
  });

  const send = (channel: number, data: Buffer, cb?: () => void): void => sendChannel(ws, base64, channel, data, cb);
  // Backpressure: a chunk counts as written once the socket took it, so a flood of output cannot
  // pile up in memory faster than the client reads it.
  const output = (channel: number) =>
    new Writable({ write: (chunk: Buffer, _enc, cb) => send(channel, chunk, () => cb()) });

  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const msg = decodeChannel(raw, isBinary, base64);
    if (!msg) return;
    const { channel, data } = msg;
    if (channel === STDIN && stdin && !stdin.writableEnded) {
      if (!stdin.write(data)) {
        ws.pause();
        stdin.once('drain', () => ws.resume());
      }
    } else if (channel === RESIZE && resize) {
      resize.push(data);
    } else if (channel === CLOSE && closeSignals && data[0] === STDIN) {
      stdin?.end();
    }
  });

  // kubelet writes an empty message on the lowest writable channel once the streams are set up;
  // client libraries take it as "connection established".
  send(opts.stdout ? STDOUT : opts.stderr && !opts.tty ? STDERR : ERROR, Buffer.alloc(0));

  return {
    version,
    stdin,
    stdout: opts.stdout ? output(STDOUT) : undefined,
    stderr: opts.stderr && !opts.tty ? output(STDERR) : undefined,
    resize,
    gone,
    async finish(payload) {
      if (payload) await new Promise<void>((r) => send(ERROR, payload, () => r()));
      if (ws.readyState === ws.OPEN) ws.close(1000);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, CLOSE_GRACE_MS)))]);
      clearTimeout(timer);
      ws.terminate();
    },
  };
}
