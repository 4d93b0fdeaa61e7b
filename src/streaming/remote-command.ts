/**
 * One exec/attach session, independent of the wire: the transports (SPDY streams or WebSocket
 * channels) hand over their open channels, this calls the StreamTarget once and reports the outcome
 * on the error channel in the form the negotiated protocol version expects.
 */
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { encodeExecStatus, execStatus, type ExecOutcome } from './exec-status.js';
import type { TerminalSizeQueue } from './terminal-size-queue.js';
import type { ExecOptions, StreamTarget } from './types.js';

export interface CommandChannels {
  /** The negotiated channel protocol, e.g. `v5.channel.k8s.io`; decides the error channel's form. */
  version: string;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resize?: TerminalSizeQueue;
  /** Resolves when the client has gone away. */
  gone: Promise<void>;
  /** Puts `errorPayload` (if any) on the error channel, then ends the session. */
  finish(errorPayload: Buffer | null): Promise<void>;
}

/** `command` is empty for attach. */
export async function runRemoteCommand(
  kind: 'exec' | 'attach',
  opts: ExecOptions,
  target: StreamTarget,
  ch: CommandChannels,
): Promise<void> {
  const abort = new AbortController();
  void ch.gone.then(() => abort.abort());
  const io = { stdin: ch.stdin, stdout: ch.stdout, stderr: ch.stderr, resize: ch.resize, signal: abort.signal };
  let outcome: ExecOutcome;
  try {
    const result = kind === 'exec'
      ? await target.exec(opts, io)
      : await target.attach({ container: opts.container, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, tty: opts.tty }, io);
    outcome = { result };
  } catch (error) {
    outcome = { error };
  }
  ch.resize?.end();
  // Stdin the command never read must still be drained, or (over SPDY) the paused transport would
  // hold back the client's remaining frames while it waits for our status.
  ch.stdin?.resume();
  // Output first, status last: kubectl reads the status only after its stdout/stderr copies end.
  await Promise.all([ch.stdout, ch.stderr].map((w) => (w ? endWritable(w) : undefined)));
  await ch.finish(encodeExecStatus(execStatus(outcome, opts.command), ch.version));
}

async function endWritable(w: Writable): Promise<void> {
  if (!w.writableEnded) w.end();
  try {
    await finished(w, { readable: false });
  } catch {
    // The client went away mid-output; there is nobody left to tell.
  }
}
