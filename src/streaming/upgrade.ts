/**
 * Entry point for pods/exec, pods/attach and pods/portforward: picks the transport from the request's
 * headers, answers the upgrade, and runs the session to its end.
 *
 *   Upgrade: websocket   exec/attach  Sec-WebSocket-Protocol v5/v4/v1 channel.k8s.io (+ base64)
 *                        portforward  Sec-WebSocket-Protocol SPDY/3.1+portforward.k8s.io (SPDY tunnel),
 *                                     or v4/v1 channel.k8s.io (+ base64) with `ports` (client libraries)
 *   Upgrade: SPDY/3.1    exec/attach  X-Stream-Protocol-Version v4 (preferred) … channel.k8s.io
 *                        portforward  X-Stream-Protocol-Version portforward.k8s.io
 *
 * Anything else is answered with a 400 Status before any upgrade, so a client never hangs and the
 * server never throws.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, type BosunError } from '../errors/index.js';
import { runRemoteCommand } from './remote-command.js';
import { rejectUpgrade } from './reject-upgrade.js';
import { upgradeRequired } from './route.js';
import { acceptSpdyCommandStreams } from './spdy-remote-command.js';
import { serveSpdyPortForward } from './spdy-port-forward.js';
import { websocketCommandChannels } from './websocket-remote-command.js';
import { serveWebSocketPortForward } from './websocket-port-forward.js';
import { websocketByteStream } from './websocket-tunnel.js';
import type { ExecOptions, StreamKind, StreamTarget } from './types.js';

/** The channel protocols in our order of preference over SPDY (kubelet's: v4 first). */
const SPDY_COMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v5.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** kubelet's WebSocket exec/attach protocols: v2 and v3 only ever existed over SPDY. */
const WEBSOCKET_COMMAND_PROTOCOLS = [
  'v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io',
  'v5.base64.channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io',
];
const SPDY_PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const WEBSOCKET_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
/** kubelet's WebSocket port-forward protocols: no v5 (nothing to half-close), no v2/v3. */
const WEBSOCKET_PORT_FORWARD_PROTOCOLS = [WEBSOCKET_TUNNEL_PROTOCOL, 'v4.channel.k8s.io', 'channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'];

const websockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
// `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token ('/' is a separator), so `ws` refuses the
// handshake that names it. We negotiate ourselves, hide the header from `ws`, and add our answer to
// the 101 it writes.
websockets.on('headers', (headers: string[], req: IncomingMessage) => {
  const protocol = negotiated.get(req);
  if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
});
/** The subprotocol chosen for a WebSocket request that named any. */
const negotiated = new WeakMap<IncomingMessage, string>();
/** Requests whose socket has been switched to another protocol. */
const upgraded = new WeakSet<IncomingMessage>();

/**
 * Serves one streaming request whose HTTP head has been read (node's `upgrade` event gives exactly
 * these arguments). Resolves when the session is over; never rejects.
 */
export async function handleUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  kind: StreamKind,
  target: StreamTarget,
  query: URLSearchParams,
): Promise<void> {
  socket.on('error', () => {
    // A client vanishing mid-session surfaces through the session's own close handling.
  });
  try {
    const opts = kind === 'portforward' ? undefined : commandOptions(kind, query);
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') await serveWebSocket(req, socket, head, kind, target, opts, query);
    else if (upgrade === 'spdy/3.1') await serveSpdy(req, socket, head, kind, target, opts);
    else throw upgradeRequired(kind);
  } catch (err) {
    // Past the 101 the socket speaks another protocol: an HTTP answer there would be garbage.
    if (upgraded.has(req)) socket.destroy();
    else rejectUpgrade(socket, err);
  }
}

/** pods/exec|attach query parameters, validated as the API server does before any upgrade. */
function commandOptions(kind: 'exec' | 'attach', q: URLSearchParams): ExecOptions {
  const flag = (name: string) => ['true', '1'].includes(q.get(name) ?? '');
  const tty = flag('tty');
  const opts: ExecOptions = {
    command: kind === 'exec' ? q.getAll('command') : [],
    container: q.get('container') ?? undefined,
    stdin: flag('stdin'),
    stdout: flag('stdout'),
    // A terminal merges stderr into stdout; kubelet never opens a stderr channel with a TTY.
    stderr: flag('stderr') && !tty,
    tty,
  };
  if (kind === 'exec' && opts.command.length === 0) throw badRequest('you must specify at least 1 command');
  if (!opts.stdin && !opts.stdout && !flag('stderr')) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return opts;
}

/** The `ports` query of channel-based port-forward: repeated and/or comma-separated. */
function forwardedPorts(q: URLSearchParams): number[] {
  const raw = q.getAll('ports').flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (raw.length === 0) throw badRequest('query parameter "ports" is required');
  return raw.map((p) => {
    const port = Number(p);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest(`invalid port "${p}"`);
    return port;
  });
}

function offered(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

async function serveWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  kind: StreamKind,
  target: StreamTarget,
  opts: ExecOptions | undefined,
  query: URLSearchParams,
): Promise<void> {
  // Checked here, not left to `ws`, so a broken handshake also gets a Status body.
  if (req.method !== 'GET') throw badRequest(`a WebSocket upgrade must be a GET, not ${req.method}`);
  if (req.headers['sec-websocket-version'] !== '13' || !/^[A-Za-z0-9+/]{22}==$/.test(String(req.headers['sec-websocket-key'] ?? ''))) {
    throw badRequest('a WebSocket upgrade needs Sec-WebSocket-Version 13 and a valid Sec-WebSocket-Key');
  }
  const clientProtocols = offered(req.headers['sec-websocket-protocol']);
  const supported = kind === 'portforward' ? WEBSOCKET_PORT_FORWARD_PROTOCOLS : WEBSOCKET_COMMAND_PROTOCOLS;
  // The client's order wins, as in the API server's wsstream; a client that names no protocol at all
  // gets the original unversioned channel protocol.
  const chosen = clientProtocols.length === 0 ? 'channel.k8s.io' : clientProtocols.find((p) => supported.includes(p));
  if (!chosen) throw unsupported('WebSocket subprotocols', clientProtocols, supported);
  const ports = kind === 'portforward' && chosen !== WEBSOCKET_TUNNEL_PROTOCOL ? forwardedPorts(query) : [];
  if (clientProtocols.length) negotiated.set(req, chosen);
  delete req.headers['sec-websocket-protocol'];

  const ws = await new Promise<WebSocket | null>((resolve) => {
    // Should `ws` still refuse the handshake, it answers the client itself and never calls back.
    socket.once('close', () => resolve(null));
    websockets.handleUpgrade(req, socket, head, (w) => resolve(w));
  });
  if (!ws) return;
  upgraded.add(req);
  ws.on('error', () => ws.terminate());
  if (kind === 'portforward') {
    if (chosen === WEBSOCKET_TUNNEL_PROTOCOL) await serveSpdyPortForward(websocketByteStream(ws), Buffer.alloc(0), target);
    else await serveWebSocketPortForward(ws, chosen, ports, target);
    return;
  }
  await runRemoteCommand(kind, opts!, target, websocketCommandChannels(ws, chosen, opts!));
}

async function serveSpdy(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  kind: StreamKind,
  target: StreamTarget,
  opts: ExecOptions | undefined,
): Promise<void> {
  const clientProtocols = offered(req.headers['x-stream-protocol-version']);
  const supported = kind === 'portforward' ? [SPDY_PORT_FORWARD_PROTOCOL] : SPDY_COMMAND_PROTOCOLS;
  // No header at all is how pre-versioning clients ask; they get the first protocol version.
  const chosen = clientProtocols.length === 0
    ? (kind === 'portforward' ? SPDY_PORT_FORWARD_PROTOCOL : 'channel.k8s.io')
    : supported.find((p) => clientProtocols.includes(p));
  if (!chosen) throw unsupported('X-Stream-Protocol-Version', clientProtocols, supported);

  upgraded.add(req);
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${chosen}\r\n\r\n`,
  );
  (socket as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  if (kind === 'portforward') {
    await serveSpdyPortForward(socket, head, target);
    return;
  }
  const channels = await acceptSpdyCommandStreams(socket, head, chosen, opts!);
  if (channels) await runRemoteCommand(kind, opts!, target, channels);
}

function unsupported(what: string, clientProtocols: string[], supported: string[]): BosunError {
  return badRequest(
    `unable to upgrade: unable to negotiate protocol: client supports ${what} [${clientProtocols.join(', ')}], ` +
      `server supports [${supported.join(', ')}]`,
  );
}

