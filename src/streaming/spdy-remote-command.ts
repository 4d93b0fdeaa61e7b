/**
 * exec/attach over SPDY/3.1 (kubectl <= 1.29, and newer ones when the WebSocket upgrade is refused).
 * The client opens one stream per channel, each named by its `streamType` header, in the order error,
 * stdin, stdout, stderr, resize, waiting for our SYN_REPLY before opening the next; kubelet starts the
 * command once every stream the query asked for exists, and so do we.
 */
import type { Duplex } from 'node:stream';
import { RST } from './spdy-frames.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import { TerminalSizeQueue } from './terminal-size-queue.js';
import type { CommandChannels } from './remote-command.js';
import type { ExecOptions } from './types.js';

/** kubelet's streamCreationTimeout: how long the client may take to open all its streams. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** How long to wait for kubectl to hang up after the status went out (see SpdySession.finish). */
const CLOSE_GRACE_MS = 30_000;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** Resolves with the channels once every expected stream is open, or null if the client gave up. */
export function acceptSpdyCommandStreams(
  transport: Duplex,
  head: Buffer,
  version: string,
  opts: ExecOptions,
): Promise<CommandChannels | null> {
  const expected = new Set<StreamType>(['error']);
  if (opts.stdin) expected.add('stdin');
  if (opts.stdout) expected.add('stdout');
  if (opts.stderr && !opts.tty) expected.add('stderr');
  // The resize stream exists from v3 on (v4 and the v5 some 1.30+ clients offer over SPDY, too).
  if (opts.tty && !['channel.k8s.io', 'v2.channel.k8s.io'].includes(version)) expected.add('resize');

  const streams = new Map<StreamType, SpdyStream>();
  const resize = expected.has('resize') ? new TerminalSizeQueue() : undefined;
  return new Promise((resolve) => {
    let settled = false;
    const session = new SpdySession(transport, (stream) => {
      const type = stream.header('streamtype') as StreamType | undefined;
      if (settled || !type || !expected.has(type) || streams.has(type)) {
        stream.reset(RST.PROTOCOL_ERROR);
        return;
      }
      stream.reply();
      streams.set(type, stream);
      if (type === 'resize') {
        stream.on('data', (b: Buffer) => resize!.push(b));
        stream.on('end', () => resize!.end());
      } else if (type !== 'stdin') {
        stream.resume(); // client → server bytes on an output channel have no meaning; drain them
      }
      if (streams.size === expected.size) done(channels());
    }, head);

    const timer = setTimeout(() => {
      const error = streams.get('error');
      if (error) error.end(Buffer.from('timed out waiting for client to create streams'));
      void session.finish(CLOSE_GRACE_MS);
      done(null);
    }, STREAM_CREATION_TIMEOUT_MS);
    void session.closed.then(() => done(null));

    function done(ch: CommandChannels | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ch);
    }

    function channels(): CommandChannels {
      return {
        version,
        stdin: streams.get('stdin'),
        stdout: streams.get('stdout'),
        stderr: streams.get('stderr'),
        resize,
        gone: session.closed,
        async finish(payload) {
          const error = streams.get('error')!;
          if (payload) error.write(payload);
          for (const s of streams.values()) if (!s.writableEnded) s.end();
          await session.finish(CLOSE_GRACE_MS);
        },
      };
    }
  });
}
