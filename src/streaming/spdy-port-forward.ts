/**
 * port-forward over SPDY/3.1 (`portforward.k8s.io`), raw or tunnelled in a WebSocket. For every local
 * connection kubectl opens two streams sharing a `requestID` header: `error` first, then `data`, both
 * with the remote `port`. Once both exist the target is asked to connect; the data stream carries the
 * TCP payload both ways, and a failure is reported as text on the error stream. The session lives
 * until kubectl hangs up.
 */
import type { Duplex } from 'node:stream';
import { toBosunError } from '../errors/index.js';
import { RST } from './spdy-frames.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import type { StreamTarget } from './types.js';

/** kubelet's streamCreationTimeout: the partner stream of a pair must show up within this. */
const PAIR_TIMEOUT_MS = 30_000;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

export async function serveSpdyPortForward(transport: Duplex, head: Buffer, target: StreamTarget): Promise<void> {
  const pairs = new Map<string, Pair>();
  const running = new Set<Promise<void>>();
  const sessionGone = new AbortController();

  const session = new SpdySession(transport, (stream) => {
    const type = stream.header('streamtype');
    if (type !== 'error' && type !== 'data') {
      stream.reset(RST.PROTOCOL_ERROR);
      return;
    }
    stream.reply();
    // Clients older than requestID paired streams by id: the data stream follows its error stream.
    const requestId = stream.header('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
    let pair = pairs.get(requestId);
    if (!pair) {
      pair = {
        timer: setTimeout(() => {
          pairs.delete(requestId);
          pair!.error?.reset(RST.CANCEL);
          pair!.data?.reset(RST.CANCEL);
        }, PAIR_TIMEOUT_MS),
      };
      pairs.set(requestId, pair);
    }
    if (pair[type]) {
      stream.reset(RST.PROTOCOL_ERROR);
      return;
    }
    pair[type] = stream;
    if (type === 'error') stream.resume();
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      const p = forward(pair.error, pair.data, stream.header('port'));
      running.add(p);
      void p.finally(() => running.delete(p));
    }
  }, head);

  async function forward(error: SpdyStream, data: SpdyStream, portHeader: string | undefined): Promise<void> {
    const port = Number(portHeader);
    const abort = new AbortController();
    const stop = () => abort.abort();
    sessionGone.signal.addEventListener('abort', stop);
    data.once('peer-reset', stop);
    try {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port ${JSON.stringify(portHeader ?? '')}`);
      await target.portForward(port, data, abort.signal);
    } catch (err) {
      error.write(`error forwarding port ${Number.isInteger(port) ? port : portHeader} to pod: ${toBosunError(err).message}`);
    } finally {
      sessionGone.signal.removeEventListener('abort', stop);
    }
    if (!data.writableEnded) data.end();
    error.end();
  }

  await session.closed;
  sessionGone.abort();
  for (const pair of pairs.values()) clearTimeout(pair.timer);
  await Promise.allSettled([...running]);
}
