/**
 * The boundary between kubectl's streaming protocols (this folder) and whatever runs the process or
 * owns the pod's network (the node agent). This folder speaks WebSocket channels and SPDY/3.1 to the
 * client; a StreamTarget only ever sees plain Node streams, so it never learns which wire was used.
 *
 * Lifecycle of one exec/attach session:
 *  1. The client upgrades; every stream it announced (stdin, stdout, stderr, resize) is open.
 *  2. `exec`/`attach` is called exactly once. The target reads `io.stdin` (it ends when the client
 *     half-closes stdin or disconnects), writes `io.stdout`/`io.stderr` (never ends them: the session
 *     flushes and closes them once the returned promise settles, so no output is lost to a race
 *     between "process exited" and "pipe drained"), and applies sizes from `io.resize` (a TTY only;
 *     the iterable finishes when the session ends).
 *  3. The promise settles: `{exitCode: 0}` becomes a Success Status on the error channel, another code
 *     a `NonZeroExitCode` Status (kubectl exits with that code); a rejection becomes a Failure Status
 *     carrying the error's message (a BosunError's kind picks the reason).
 *  4. `io.signal` aborts if the client goes away first: the target must then stop (exec: kill the
 *     process; attach: detach, leaving the container running) and settle promptly.
 *
 * Port-forward: `portForward` is called once per client connection (kubectl opens one per accepted
 * local TCP connection). `stream` is a byte pipe: its readable side is what the client sends (it ends
 * when the client half-closes), writing and ending it sends bytes and the half-close back. The target
 * connects to `port` inside the pod's network, pipes both ways and settles when both directions are
 * done; a rejection reaches kubectl as the text of the port's error stream.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

export interface TerminalSize {
  width: number;
  height: number;
}

/** What the client asked for; `container` is the `container` query parameter, if given. */
export interface AttachOptions {
  container?: string;
  stdin: boolean;
  stdout: boolean;
  /** Always false with a TTY: a terminal has one output stream. */
  stderr: boolean;
  tty: boolean;
}

export interface ExecOptions extends AttachOptions {
  /** argv, one element per `command` query parameter; never empty. */
  command: string[];
}

export interface StreamIO {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resize?: AsyncIterable<TerminalSize>;
  /** Aborted when the client disconnects before the target settled. */
  signal: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /** Extra text for the Status message of a non-zero exit. */
  message?: string;
}

export interface StreamTarget {
  exec(opts: ExecOptions, io: StreamIO): Promise<ExecResult>;
  attach(opts: AttachOptions, io: StreamIO): Promise<ExecResult>;
  portForward(port: number, stream: Duplex, signal: AbortSignal): Promise<void>;
}

export type StreamKind = 'exec' | 'attach' | 'portforward';

/**
 * pods/log options as a node reads them (the API server has validated them and resolved
 * `container`, never empty there). Lives here, beside StreamTarget, because it is the same
 * boundary: what the API server asks of a node agent.
 */
export interface PodLogOptions {
  container: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
  /** Aborted when the client goes away: a following reader must then end. */
  signal?: AbortSignal;
}
