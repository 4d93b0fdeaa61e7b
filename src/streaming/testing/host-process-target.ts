/**
 * Test-only StreamTarget: runs exec commands as host processes in one directory and forwards ports
 * to 127.0.0.1. It stands in for the node agent so the protocols can be driven by the real kubectl
 * without containers; it records what it saw (sizes, calls) for assertions.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { badRequest } from '../../errors/index.js';
import type { AttachOptions, ExecOptions, ExecResult, StreamIO, StreamTarget, TerminalSize } from '../types.js';

export class HostProcessTarget extends EventEmitter implements StreamTarget {
  readonly sizes: TerminalSize[] = [];
  readonly execs: ExecOptions[] = [];

  /**
   * `attachCommand` plays the container's main process: each attach runs it afresh with the
   * client's streams, which is all the protocols can tell apart from attaching to a running one.
   */
  constructor(private readonly cwd: string, private readonly attachCommand: string[] = ['cat']) {
    super();
  }

  exec(opts: ExecOptions, io: StreamIO): Promise<ExecResult> {
    this.execs.push(opts);
    return this.run(opts.command, opts, io);
  }

  attach(opts: AttachOptions, io: StreamIO): Promise<ExecResult> {
    this.emit('attach', opts);
    return this.run(this.attachCommand, opts, io);
  }

  private run(command: string[], opts: AttachOptions, io: StreamIO): Promise<ExecResult> {
    if (io.resize) {
      void (async () => {
        for await (const size of io.resize!) {
          this.sizes.push(size);
          this.emit('resize', size);
        }
      })();
    }
    return new Promise((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), {
        cwd: this.cwd,
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      io.signal.addEventListener('abort', () => child.kill('SIGKILL'));
      if (child.stdin && io.stdin) {
        child.stdin.on('error', () => {});
        io.stdin.pipe(child.stdin);
      }
      // With a TTY there is one output stream, so stderr joins stdout as a terminal would show it.
      const out = io.stdout;
      const err = opts.tty ? io.stdout : io.stderr;
      child.stdout!.on('data', (d: Buffer) => out?.write(d));
      child.stderr!.on('data', (d: Buffer) => err?.write(d));
      child.on('error', (e) => reject(badRequest(`cannot run ${command[0]}: ${e.message}`)));
      child.on('close', (code, signal) => {
        this.emit('exit', { code, signal });
        resolve({ exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15) });
      });
      this.emit('exec', opts);
    });
  }

  portForward(port: number, stream: Duplex, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      signal.addEventListener('abort', () => socket.destroy());
      socket.once('error', (e) => {
        stream.unpipe(socket);
        reject(e);
      });
      socket.once('connect', () => {
        stream.pipe(socket);
        socket.pipe(stream);
      });
      socket.once('close', (hadError) => {
        if (!hadError) resolve();
      });
    });
  }
}
