/**
 * What a route handler gets: the parsed request, the engine, and the ways to answer. A request
 * that asked for `Upgrade: tcp` has no ServerResponse (the socket was handed over by node); only
 * routes marked `hijack` accept those, through `ctx.hijack()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImageStore } from '../images/types.js';
import type { Network } from '../network/types.js';
import type { VolumeStore } from '../volumes/types.js';
import type { ContainerManager } from '../containers/types.js';
import type { EngineEvents } from '../events.js';
import type { Hijack } from './hijack.js';

/** The part of the Engine (src/engine/index.ts) the daemon uses. */
export interface DaemonEngine {
  images: ImageStore;
  network: Network;
  volumes: VolumeStore;
  containers: ContainerManager;
  events: EngineEvents;
}

export interface Ctx {
  engine: DaemonEngine;
  /** The instance's data dir (DockerRootDir in /info). */
  dataDir: string;
  req: IncomingMessage;
  /** Undefined for upgraded requests. */
  res: ServerResponse | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Requested API minor version (1.x). */
  minor: number;
  /** The request body (already read for upgraded requests). */
  body(): Promise<Buffer>;
  /** The request body as JSON; `{}` when empty. BadRequest when malformed. */
  json<T>(): Promise<T>;
  /** Takes over the connection for a raw stream (attach, exec start). */
  hijack(): Hijack;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

export type Handler = (ctx: Ctx) => Promise<void>;
