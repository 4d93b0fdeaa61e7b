/**
 * ContainerManager: Docker's container model over the Runtime, ImageStore, Network and
 * VolumeStore. It takes Docker's own create body and answers Docker's own inspect shape (wire
 * names verbatim), so the Engine API daemon and the `bosun` CLI are thin.
 *
 * A container's life: create (record + rootfs + bundle; nothing runs) → start (netns, CNI, conmon
 * + runc) → running/paused → exited (record, logs and exit code kept) → remove. Every step either
 * completes or undoes what it did. The record is on disk, so a restarted server re-adopts running
 * containers (conmon keeps them alive without us) and applies restart policies.
 */
import type { HealthConfig, HealthState } from './health.js';
import type { Readable } from 'node:stream';

/** Docker's `POST /containers/create` body (Config + HostConfig + NetworkingConfig). */
export interface CreateRequest {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | string | null;
  Entrypoint?: string[] | string | null;
  Image: string;
  Labels?: Record<string, string>;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  StopSignal?: string;
  StopTimeout?: number;
  Healthcheck?: HealthConfig;
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }> };
}

export interface HostConfig {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
  PublishAllPorts?: boolean;
  RestartPolicy?: { Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount?: number };
  AutoRemove?: boolean;
  Mounts?: Array<{ Type: 'bind' | 'volume' | 'tmpfs'; Source?: string; Target: string; ReadOnly?: boolean; TmpfsOptions?: { SizeBytes?: number; Mode?: number } }>;
  Tmpfs?: Record<string, string>;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpusetCpus?: string;
  PidsLimit?: number | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[] | null;
  Init?: boolean | null;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }> | null;
  ShmSize?: number;
  Sysctls?: Record<string, string>;
  LogConfig?: { Type: string; Config: Record<string, string> };
}

/** Docker's `GET /containers/{id}/json` reply; the stored record is this object. */
export type ContainerInspect = Record<string, unknown> & {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  State: ContainerState;
  Config: Record<string, unknown>;
  HostConfig: HostConfig;
  NetworkSettings: Record<string, unknown>;
};

export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Only for a container with a healthcheck (see health.ts). */
  Health?: HealthState;
}

/** Docker's `GET /containers/json` item. */
export type ContainerSummary = Record<string, unknown> & { Id: string; Names: string[]; State: string; Status: string };

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Unix seconds (fractional allowed); 0 = from the start. */
  since?: number;
  until?: number;
  timestamps: boolean;
  /** Number of last lines, or 'all'. */
  tail?: number | 'all';
}

/** One chunk of container output; the daemon frames it (stdcopy) or passes raw for a TTY. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
  /** RFC3339Nano time the runtime recorded it. */
  time?: string;
}

export interface AttachStreams {
  stdin?: Readable;
  /** Receives chunks; for a TTY container everything arrives as 'stdout'. */
  onOutput: (chunk: OutputChunk) => void;
}

export interface ExecCreate {
  Cmd: string[];
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Privileged?: boolean;
  DetachKeys?: string;
  ConsoleSize?: [number, number] | null;
}

/** Docker's `GET /exec/{id}/json` reply. */
export type ExecInspect = Record<string, unknown> & { ID: string; Running: boolean; ExitCode: number | null; Pid: number };

export interface ContainerManager {
  /** Refuses (NotFound image, Conflict name, Invalid config) before anything exists. Returns the new ID and warnings. */
  create(name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }>;
  /** By full ID, unique ID prefix, or name with or without "/". */
  inspect(ref: string, opts?: { size?: boolean }): Promise<ContainerInspect>;
  list(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Record<string, string[]> }): Promise<ContainerSummary[]>;
  /** NotModified when already running. */
  start(ref: string): Promise<void>;
  /** NotModified when not running. `timeout` in seconds; default the container's StopTimeout or 10. */
  stop(ref: string, opts?: { timeout?: number; signal?: string }): Promise<void>;
  restart(ref: string, opts?: { timeout?: number; signal?: string }): Promise<void>;
  /** Conflict when not running. */
  kill(ref: string, signal?: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  /** Conflict when running unless force; `volumes` also removes anonymous volumes. */
  remove(ref: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
  rename(ref: string, newName: string): Promise<void>;
  /** docker network connect: joins a created or running container to a network (by name). */
  connect(ref: string, network: string, endpoint: { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }): Promise<void>;
  /** docker network disconnect. */
  disconnect(ref: string, network: string, force?: boolean): Promise<void>;
  /** Resolves with the exit code once `condition` holds ('not-running' default, 'next-exit', 'removed'). */
  wait(ref: string, condition?: 'not-running' | 'next-exit' | 'removed', signal?: AbortSignal): Promise<{ StatusCode: number; Error?: { Message: string } | null }>;
  logs(ref: string, opts: LogOptions, signal?: AbortSignal): AsyncIterable<OutputChunk>;
  /** Connects stdio of the container's main process; resolves when the stream ends. */
  attach(ref: string, streams: AttachStreams, signal?: AbortSignal): Promise<void>;
  resize(ref: string, height: number, width: number): Promise<void>;
  /** Docker's stats JSON (cgroup-derived), one sample. */
  stats(ref: string): Promise<Record<string, unknown>>;
  top(ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  /** Tar of a path inside the container (docker cp out) and the stat header value. */
  archiveGet(ref: string, path: string): Promise<{ stat: Record<string, unknown>; tar: Readable }>;
  archivePut(ref: string, path: string, tar: Readable): Promise<void>;
  /** Removes stopped containers; `label` and `until` filters as Docker's. */
  prune(filters?: Record<string, string[]>): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }>;
  /** Joins a network now (running) or at the next start. */
  connect(ref: string, network: string, endpoint?: { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }): Promise<void>;
  disconnect(ref: string, network: string, force?: boolean): Promise<void>;

  execCreate(ref: string, req: ExecCreate): Promise<{ Id: string }>;
  /** Runs the exec; with `streams` attached, resolves when the process exits. */
  execStart(execId: string, opts: { detach?: boolean; tty?: boolean; streams?: AttachStreams; consoleSize?: [number, number] }, signal?: AbortSignal): Promise<void>;
  execInspect(execId: string): Promise<ExecInspect>;
  execResize(execId: string, height: number, width: number): Promise<void>;

  /** Re-adopts containers left running by a previous server and applies restart policies. */
  open(): Promise<void>;
  /** Stops supervising (containers keep running under conmon). */
  close(): Promise<void>;
}

