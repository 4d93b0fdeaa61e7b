/**
 * The server end of a SPDY/3.1 session, as kubelet's spdystream-based server uses it: the client opens
 * every stream, the server replies to each and exchanges DATA. Used for exec/attach from kubectl
 * <= 1.29 (and the fallback of newer ones) and for port-forward, raw or tunnelled in a WebSocket.
 *
 * Flow control quirk: kubectl's SPDY library (moby/spdystream) never sends WINDOW_UPDATE and ignores
 * ours. A sender that enforced the 64 KiB initial window would stall forever on `kubectl cp`, so the
 * send window is enforced only once the peer has proven it does flow control by sending a
 * WINDOW_UPDATE. We always grant window for what our readers consumed, so a conforming client never
 * stalls either. Backpressure towards the peer is by pausing the transport, as spdystream does.
 */
import { Duplex } from 'node:stream';
import { toBosunError } from '../errors/index.js';
import {
  FLAG_FIN, FLAG_UNIDIRECTIONAL, FrameParser, GOAWAY_OK, GOAWAY_PROTOCOL_ERROR, RST, SETTINGS_INITIAL_WINDOW_SIZE,
  encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSynReply, encodeWindowUpdate, type Frame,
} from './spdy-frames.js';
import { HeaderCompressor, HeaderDecompressor, type HeaderMap } from './spdy-header-codec.js';

const INITIAL_WINDOW = 64 * 1024;
/** Grant window back in steps of half the initial window, like most SPDY/HTTP2 stacks. */
const WINDOW_UPDATE_THRESHOLD = INITIAL_WINDOW / 2;
const MAX_DATA_FRAME = 16 * 1024;

export class SpdyStream extends Duplex {
  /** True once the peer sent FIN or RST_STREAM: nothing more will arrive. */
  private remoteClosed = false;
  private localClosed = false;
  private resetByPeer = false;
  private unacked = 0;
  sendWindow: number;
  private windowWaiters: (() => void)[] = [];

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: HeaderMap,
    initialSendWindow: number,
  ) {
    super({ allowHalfOpen: true });
    this.sendWindow = initialSendWindow;
  }

  header(name: string): string | undefined {
    return this.headers.get(name)?.[0];
  }

  /** SYN_REPLY: accepts the stream. The client waits for it before opening its next stream. */
  reply(): void {
    this.session.sendReply(this.id);
  }

  /** RST_STREAM: abandons the stream in both directions. */
  reset(status: number = RST.CANCEL): void {
    if (this.localClosed && this.remoteClosed) return;
    this.session.write(encodeRstStream(this.id, status));
    this.localClosed = true;
    this.onRemoteClose();
    this.session.forget(this);
  }

  override _read(): void {
    if (this.unacked >= WINDOW_UPDATE_THRESHOLD && !this.remoteClosed) {
      this.session.grant(this.id, this.unacked);
      this.unacked = 0;
    }
    this.session.unblock(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    void this.sendData(chunk).then(() => cb(), (err: unknown) => cb(toBosunError(err)));
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.localClosed) {
      this.localClosed = true;
      this.session.write(encodeData(this.id, Buffer.alloc(0), true));
      this.session.maybeForget(this);
    }
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.localClosed || !this.remoteClosed) this.reset(RST.CANCEL);
    this.releaseWindowWaiters();
    cb(err);
  }

  private async sendData(chunk: Buffer): Promise<void> {
    for (let off = 0; off < chunk.length; ) {
      // Writes after the peer reset the stream (kubectl does that when a port-forward connection
      // ends) are dropped: the bytes have nowhere to go and the writer is being torn down anyway.
      if (this.localClosed || this.resetByPeer || this.session.isClosed) return;
      let size = Math.min(MAX_DATA_FRAME, chunk.length - off);
      if (this.session.enforcesSendWindow) {
        const window = Math.min(this.sendWindow, this.session.sendWindow);
        if (window <= 0) {
          await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
          continue;
        }
        size = Math.min(size, window);
      }
      this.sendWindow -= size;
      this.session.sendWindow -= size;
      await this.session.writeAsync(encodeData(this.id, chunk.subarray(off, off + size), false));
      off += size;
    }
  }

  /** @internal session → stream */
  onData(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length) {
      this.unacked += data.length;
      if (!this.push(data)) this.session.block(this);
    }
    if (fin) this.onRemoteClose();
  }

  /** @internal */
  onRemoteClose(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.session.unblock(this);
    this.session.maybeForget(this);
  }

  /** @internal */
  onPeerReset(): void {
    this.resetByPeer = true;
    this.localClosed = true;
    this.onRemoteClose();
    this.releaseWindowWaiters();
    this.emit('peer-reset');
  }

  /** @internal */
  releaseWindowWaiters(): void {
    for (const w of this.windowWaiters.splice(0)) w();
  }

  get fullyClosed(): boolean {
    return this.localClosed && this.remoteClosed;
  }
}

export class SpdySession {
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly blocked = new Set<SpdyStream>();
  private lastStreamId = 0;
  private initialSendWindow = INITIAL_WINDOW;
  private goneAway = false;
  private closedFlag = false;
  enforcesSendWindow = false;
  sendWindow = INITIAL_WINDOW;
  /** Resolves once the transport is gone; every stream has ended by then. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    private readonly transport: Duplex,
    private readonly onStream: (stream: SpdyStream) => void,
    head?: Buffer,
  ) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
    transport.on('data', (chunk: Buffer) => this.onBytes(chunk));
    transport.on('end', () => this.onTransportGone());
    transport.on('close', () => this.onTransportGone());
    transport.on('error', () => this.onTransportGone());
    if (head?.length) this.onBytes(head);
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** GOAWAY: no new streams; the session lives on until the client closes the connection. */
  goAway(status = GOAWAY_OK): void {
    if (this.goneAway || this.closedFlag) return;
    this.goneAway = true;
    this.write(encodeGoAway(this.lastStreamId, status));
  }

  /**
   * Ends the session once the client hung up or `graceMs` passed. Waiting for the client matters:
   * spdystream hands frames to per-stream worker queues and drops whatever is still queued when the
   * connection dies, so closing right after the last DATA frame can lose the end of stdout.
   */
  async finish(graceMs: number): Promise<void> {
    this.goAway();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.closed, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.destroy();
  }

  /** Drops the transport at once (protocol errors, or after `finish`). */
  destroy(): void {
    this.transport.destroy();
    this.onTransportGone();
  }

  /** @internal */
  write(frame: Buffer): void {
    if (!this.transport.destroyed && this.transport.writable) this.transport.write(frame);
  }

  /** @internal Resolves when the transport can take more, which is what gives DATA backpressure. */
  writeAsync(frame: Buffer): Promise<void> {
    if (this.transport.destroyed || !this.transport.writable) return Promise.resolve();
    if (this.transport.write(frame)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.transport.off('drain', done);
        this.transport.off('close', done);
        resolve();
      };
      this.transport.on('drain', done);
      this.transport.on('close', done);
    });
  }

  /** @internal */
  sendReply(streamId: number): void {
    this.write(encodeSynReply(streamId, this.compressor.compress(new Map()), false));
  }

  /** @internal */
  grant(streamId: number, delta: number): void {
    this.write(encodeWindowUpdate(streamId, delta));
    this.write(encodeWindowUpdate(0, delta));
  }

  /** @internal */
  block(stream: SpdyStream): void {
    this.blocked.add(stream);
    this.transport.pause();
  }

  /** @internal */
  unblock(stream: SpdyStream): void {
    if (this.blocked.delete(stream) && this.blocked.size === 0 && !this.closedFlag) this.transport.resume();
  }

  /** @internal */
  maybeForget(stream: SpdyStream): void {
    if (stream.fullyClosed) this.forget(stream);
  }

  /** @internal */
  forget(stream: SpdyStream): void {
    this.streams.delete(stream.id);
    this.unblock(stream);
  }

  private onBytes(chunk: Buffer): void {
    if (this.closedFlag) return;
    try {
      for (const frame of this.parser.push(chunk)) this.onFrame(frame);
    } catch {
      // A malformed frame or header block leaves the compression state unknowable: the session
      // cannot continue (draft 3 §2.4.2 treats it as a session error).
      this.goAway(GOAWAY_PROTOCOL_ERROR);
      this.transport.end();
      this.onTransportGone();
    }
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case 'syn_stream': {
        // Decompress even a refused stream's headers: the zlib state is shared by every block.
        const headers = this.decompressor.decompress(f.headerBlock);
        if (f.streamId % 2 === 0 || f.streamId <= this.lastStreamId) {
          this.write(encodeRstStream(f.streamId, RST.PROTOCOL_ERROR));
          return;
        }
        this.lastStreamId = f.streamId;
        if (this.goneAway) {
          this.write(encodeRstStream(f.streamId, RST.REFUSED_STREAM));
          return;
        }
        const stream = new SpdyStream(this, f.streamId, headers, this.initialSendWindow);
        this.streams.set(f.streamId, stream);
        if (f.flags & FLAG_FIN) stream.onRemoteClose();
        // A unidirectional stream is receive-only for us: nothing to send, so our side is closed.
        if (f.flags & FLAG_UNIDIRECTIONAL) stream.end();
        this.onStream(stream);
        return;
      }
      case 'headers':
      case 'syn_reply':
        this.decompressor.decompress(f.headerBlock);
        if (f.flags & FLAG_FIN) this.streams.get(f.streamId)?.onRemoteClose();
        return;
      case 'data': {
        const stream = this.streams.get(f.streamId);
        if (!stream) {
          if (f.streamId > this.lastStreamId) this.write(encodeRstStream(f.streamId, RST.INVALID_STREAM));
          return;
        }
        stream.onData(f.data, (f.flags & FLAG_FIN) !== 0);
        return;
      }
      case 'rst_stream': {
        const stream = this.streams.get(f.streamId);
        if (!stream) return;
        this.streams.delete(f.streamId);
        stream.onPeerReset();
        return;
      }
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== SETTINGS_INITIAL_WINDOW_SIZE) continue;
          const diff = e.value - this.initialSendWindow;
          this.initialSendWindow = e.value;
          for (const s of this.streams.values()) s.sendWindow += diff;
        }
        return;
      case 'ping':
        // Our own pings would be even (server-initiated); we send none, so every ping is the client's.
        if (f.id % 2 === 1) this.write(encodePing(f.id));
        return;
      case 'goaway':
        this.goneAway = true;
        return;
      case 'window_update': {
        this.enforcesSendWindow = true;
        if (f.streamId === 0) this.sendWindow += f.delta;
        else {
          const s = this.streams.get(f.streamId);
          if (s) s.sendWindow += f.delta;
        }
        for (const s of this.streams.values()) s.releaseWindowWaiters();
        return;
      }
      case 'unknown':
        return;
    }
  }

  private onTransportGone(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const s of this.streams.values()) {
      s.onRemoteClose();
      s.releaseWindowWaiters();
    }
    this.streams.clear();
    this.resolveClosed();
  }
}
