/**
 * Runtime: runs OCI bundles, one monitor process per container that outlives the server.
 *
 * Lifecycle of one container, by its ID:
 *   create(bundle)  → the monitor starts, the OCI runtime creates the container (namespaces,
 *                     cgroup, mounts; the process waits before exec). Resolves with the pid, or
 *                     rejects with the runtime's own message (nothing is left behind then).
 *   start(id)       → the process execs the user's command.
 *   kill / pause / resume while it runs.
 *   exit            → the monitor records the exit code in an exit file and leaves; `onExit`
 *                     listeners hear about it (also for exits found by `exitCode` after a restart).
 *   delete(id)      → the runtime's state and cgroup go away. The bundle stays the caller's.
 *
 * Execs are the same shape with their own ID, log and exit code; they share the container's
 * namespaces and cgroup. Output of the main process and of execs goes to CRI-format log files
 * (see cri-log.ts); stdin reaches the process through the monitor's attach socket.
 */
import type { Readable } from 'node:stream';

export interface CreateOptions {
  id: string;
  /** Directory with config.json; the monitor puts its attach socket and control fifos here. */
  bundle: string;
  /** CRI-format log of the process's stdout/stderr. */
  logPath: string;
  /** Keep a stdin pipe the attach socket feeds. */
  stdin: boolean;
  /** Close the process's stdin when the first attached client leaves (Docker's StdinOnce). */
  stdinOnce: boolean;
  terminal: boolean;
}

export interface ExecOptions {
  /** Container the process joins. */
  containerId: string;
  execId: string;
  /** Directory for the exec's files (process.json, log, exit file, attach socket). */
  dir: string;
  /** OCI process object (config.json's `process` shape). */
  process: Record<string, unknown>;
  stdin: boolean;
  terminal: boolean;
}

export interface ExecHandle {
  pid: number;
  logPath: string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number>;
}

export type RuntimeStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface Runtime {
  create(opts: CreateOptions): Promise<{ pid: number }>;
  start(id: string): Promise<void>;
  /** undefined when the runtime does not know the ID; `bundle` is the OCI bundle it was created from. */
  state(id: string): Promise<{ status: RuntimeStatus; pid: number; bundle?: string } | undefined>;
  kill(id: string, signal: string, all?: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Removes runtime state and cgroup; `force` kills a live container first. Idempotent. */
  delete(id: string, force?: boolean): Promise<void>;
  /** Exit code recorded by the monitor, if the container has exited. */
  exitCode(id: string): number | undefined;
  /** Forgets a recorded exit (before a restart of the same ID). */
  clearExit(id: string): void;
  onExit(listener: (id: string, code: number) => void): void;
  /** Pid of the live monitor of `id`, if any. */
  monitorPid(id: string): number | undefined;
  /** Feeds `stdin` to the stdin of container or exec `id`; resolves when either side ends. */
  attachStdin(id: string, stdin: Readable): Promise<void>;
  /** Resizes the terminal of container or exec `id`. */
  resize(id: string, height: number, width: number): Promise<void>;
  exec(opts: ExecOptions): Promise<ExecHandle>;
  /** Pids of every process in the container. */
  pids(id: string): Promise<number[]>;
  /** IDs of every container the runtime knows (live or not). */
  list(): Promise<string[]>;
  close(): void;
}
