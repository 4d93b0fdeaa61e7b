/**
 * A small authoritative DNS server over UDP and TCP on one address and port. It never recurses or
 * forwards: every answer comes from the resolver callback, which owns the zone logic (the engine's
 * per-network container names, later the cluster DNS).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeResponse, FormatError, parseQuery, RCode, type Question, type Response } from './message.js';

export interface DnsClient {
  address: string;
  port: number;
  transport: 'udp' | 'tcp';
}

export type DnsResolver = (question: Question, client: DnsClient) => Response | Promise<Response>;

export interface DnsServerOptions {
  host: string;
  /** 0 picks a port free for both UDP and TCP. */
  port: number;
  resolve: DnsResolver;
}

export interface DnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Plain DNS over UDP: 512 bytes unless the client advertised more (EDNS is not parsed). */
const UDP_MAX = 512;
/** A TCP client idle this long is dropped so stuck peers cannot pile up sockets. */
const TCP_IDLE_MS = 10_000;

async function answer(msg: Buffer, client: DnsClient, resolve: DnsResolver, maxSize: number): Promise<Buffer | undefined> {
  let query;
  try {
    query = parseQuery(msg);
  } catch (e) {
    if (e instanceof FormatError && e.id !== undefined) return encodeResponse({ id: e.id, opcode: 0, rd: false, questions: [] }, { rcode: RCode.FORMERR });
    return undefined;
  }
  if (query.opcode !== 0) return encodeResponse(query, { rcode: RCode.NOTIMP }, maxSize);
  if (query.questions.length !== 1) return encodeResponse(query, { rcode: RCode.FORMERR }, maxSize);
  let res: Response;
  try {
    res = await resolve(query.questions[0], client);
  } catch {
    res = { rcode: RCode.SERVFAIL };
  }
  try {
    return encodeResponse(query, res, maxSize);
  } catch {
    return encodeResponse(query, { rcode: RCode.SERVFAIL }, maxSize);
  }
}

function bindUdp(host: string, port: number, resolve: DnsResolver): Promise<UdpSocket> {
  return new Promise((ok, fail) => {
    const sock = createSocket('udp4');
    sock.once('error', fail);
    sock.on('message', (msg, rinfo) => {
      void answer(msg, { address: rinfo.address, port: rinfo.port, transport: 'udp' }, resolve, UDP_MAX).then((out) => {
        if (out) sock.send(out, rinfo.port, rinfo.address, () => undefined);
      });
    });
    sock.bind({ address: host, port, exclusive: true }, () => {
      sock.off('error', fail);
      // Send failures (the client went away) must not take the server down.
      sock.on('error', () => undefined);
      ok(sock);
    });
  });
}

function serveTcp(conn: Socket, resolve: DnsResolver): void {
  let pending = Buffer.alloc(0);
  conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
  conn.on('error', () => undefined);
  conn.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const len = pending.readUInt16BE(0);
      if (pending.length < 2 + len) break;
      const msg = pending.subarray(2, 2 + len);
      pending = pending.subarray(2 + len);
      const client: DnsClient = { address: conn.remoteAddress ?? '', port: conn.remotePort ?? 0, transport: 'tcp' };
      void answer(msg, client, resolve, 0xffff).then((out) => {
        if (!out || conn.destroyed) return;
        const head = Buffer.alloc(2);
        head.writeUInt16BE(out.length);
        conn.write(Buffer.concat([head, out]));
      });
    }
  });
}

function bindTcp(host: string, port: number, resolve: DnsResolver): Promise<Server> {
  return new Promise((ok, fail) => {
    const srv = createServer((conn) => serveTcp(conn, resolve));
    srv.once('error', fail);
    srv.listen({ host, port, exclusive: true }, () => {
      srv.off('error', fail);
      // Accept failures (EMFILE) must not take the server down; the next connection may succeed.
      srv.on('error', () => undefined);
      ok(srv);
    });
  });
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  // With port 0 the UDP port is picked first and TCP must get the same number; retry on a clash.
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(opts.host, opts.port, opts.resolve);
    const port = udp.address().port;
    let tcp: Server;
    try {
      tcp = await bindTcp(opts.host, port, opts.resolve);
    } catch (e) {
      udp.close();
      if (opts.port === 0 && attempt < 20) continue;
      throw e;
    }
    const sockets = new Set<Socket>();
    tcp.on('connection', (c: Socket) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
    return {
      host: opts.host,
      port,
      close: () =>
        new Promise<void>((done) => {
          for (const c of sockets) c.destroy();
          udp.close(() => tcp.close(() => done()));
        }),
    };
  }
}
