/**
 * Turns Docker's create body plus the image's config into the stored inspect record, refusing
 * bad input before anything exists. Every check that can be done without side effects is here.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { badRequest, BosunError } from '../../errors/index.js';
import type { Image } from '../images/types.js';
import type { PortBinding } from '../network/types.js';
import { unknownCaps } from '../runtime/oci-spec.js';
import type { ContainerInspect, CreateRequest, HostConfig } from './types.js';

export const MIN_MEMORY = 6 * 1024 * 1024;

/** One entry of Docker's inspect `Mounts`. */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** tmpfs options (not in Docker's inspect output; kept to build the spec). */
  TmpfsOptions?: string;
}

/** A volume the container needs: named (created if missing) or anonymous (created at create). */
export interface VolumeNeed {
  name?: string;
  destination: string;
  readOnly: boolean;
}

function asList(v: string[] | string | null | undefined): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? [v] : v;
}

export function mergeEnv(base: string[], over: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...over]) {
    const eq = e.indexOf('=');
    out.set(eq < 0 ? e : e.slice(0, eq), e);
  }
  return [...out.values()];
}

const PORT_KEY = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/;

export function parsePortKey(key: string): { port: number; proto: 'tcp' | 'udp' | 'sctp' } {
  const m = PORT_KEY.exec(key);
  const port = m ? Number(m[1]) : 0;
  if (!m || port < 1 || port > 65535) throw badRequest(`invalid port specification: "${key}"`);
  return { port, proto: (m[2] ?? 'tcp') as 'tcp' | 'udp' | 'sctp' };
}

/** PortBindings (+ PublishAllPorts over the exposed ports) → what Network.attach wants. */
export function portBindings(hc: HostConfig, exposed: Record<string, object>): PortBinding[] {
  const out: PortBinding[] = [];
  const add = (key: string, hostIp: string, hostPort: string) => {
    const { port, proto } = parsePortKey(key);
    let hp = 0;
    if (hostPort) {
      if (!/^\d{1,5}$/.test(hostPort) || Number(hostPort) > 65535) throw badRequest(`invalid port specification: "${hostPort}"`);
      hp = Number(hostPort);
    }
    if (hostIp && !/^(\d{1,3}\.){3}\d{1,3}$/.test(hostIp) && hostIp !== '::') throw badRequest(`invalid IP address: ${hostIp}`);
    out.push({ hostIp: hostIp === '0.0.0.0' ? '' : hostIp, hostPort: hp, containerPort: port, protocol: proto });
  };
  for (const [key, binds] of Object.entries(hc.PortBindings ?? {})) {
    for (const b of binds ?? [{}]) add(key, b.HostIp ?? '', b.HostPort ?? '');
  }
  if (hc.PublishAllPorts) {
    for (const key of Object.keys(exposed)) if (!(key in (hc.PortBindings ?? {}))) add(key, '', '');
  }
  return out;
}

function parseBind(spec: string): { source: string; destination: string; mode: string; rw: boolean } {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw badRequest(`invalid volume specification: '${spec}'`);
  const [source, destination, mode = ''] = parts;
  if (!isAbsolute(destination)) throw badRequest(`invalid volume specification: '${spec}': invalid mount config: mount path must be absolute`);
  const opts = mode ? mode.split(',') : [];
  for (const o of opts) if (!['ro', 'rw', 'z', 'Z', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'nocopy'].includes(o)) throw badRequest(`invalid mode: ${o}`);
  return { source, destination, mode, rw: !opts.includes('ro') };
}

export interface BuiltConfig {
  inspect: ContainerInspect;
  /** Volumes to create or look up (bind sources are in `inspect.Mounts` already). */
  volumes: VolumeNeed[];
  /** Binds whose host directory does not exist yet (Docker creates it). */
  bindDirsToCreate: string[];
  warnings: string[];
}

/**
 * Validates and merges. `networks` are the networks to join, already checked to exist by the
 * caller (so an unknown one is a NotFound there).
 */
export function buildConfig(id: string, name: string, req: CreateRequest, image: Image, imageRef: string, paths: { log: string; hostname: string; hosts: string; resolvConf: string }): BuiltConfig {
  const hc: HostConfig = { ...(req.HostConfig ?? {}) };
  const ic = image.config ?? {};
  const warnings: string[] = [];

  // Resources
  if (hc.Memory && hc.Memory < MIN_MEMORY) throw badRequest('Minimum memory limit allowed is 6MB');
  if (hc.MemoryReservation && hc.MemoryReservation < 0) throw badRequest('Invalid memory reservation: must be positive');
  if (hc.Memory && hc.MemorySwap && hc.MemorySwap > 0 && hc.MemorySwap < hc.Memory) throw badRequest('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (hc.MemorySwap && hc.MemorySwap > 0 && !hc.Memory) throw badRequest('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (hc.NanoCpus && (hc.CpuQuota || hc.CpuPeriod)) throw badRequest('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (hc.NanoCpus && (hc.NanoCpus < 0.01e9)) throw badRequest('Range of CPUs is from 0.01 to the number of CPUs available');
  if (hc.CpusetCpus && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(hc.CpusetCpus)) throw badRequest(`Invalid value ${hc.CpusetCpus} for cpuset cpus`);
  if (hc.CpuShares !== undefined && hc.CpuShares < 0) throw badRequest('invalid CPU shares');
  const badCaps = unknownCaps([...(hc.CapAdd ?? []), ...(hc.CapDrop ?? [])]);
  if (badCaps.length) throw badRequest(`invalid CapAdd: unknown capability: "${badCaps[0]}"`);
  if (hc.ShmSize !== undefined && hc.ShmSize < 0) throw badRequest('SHM size can not be less than 0');

  // Restart policy
  const rp = hc.RestartPolicy ?? { Name: 'no' };
  if (rp.Name && !['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(rp.Name)) throw badRequest(`invalid restart policy: unknown policy '${rp.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  if (rp.Name !== 'on-failure' && rp.MaximumRetryCount) throw badRequest(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  if ((rp.MaximumRetryCount ?? 0) < 0) throw badRequest('invalid restart policy: maximum retry count cannot be negative');
  if (hc.AutoRemove && rp.Name && rp.Name !== 'no') throw badRequest('can\'t create \'AutoRemove\' container with restart policy');
  hc.RestartPolicy = { Name: rp.Name || 'no', MaximumRetryCount: rp.MaximumRetryCount ?? 0 };

  // Command
  // `--entrypoint ""` arrives as [""]: no entrypoint at all, not an empty program name.
  const askedEntrypoint = asList(req.Entrypoint);
  const entrypoint = askedEntrypoint ? askedEntrypoint.filter((a, i) => !(i === 0 && a === '' && askedEntrypoint.length === 1)) : ic.Entrypoint ?? undefined;
  // An Entrypoint in the request resets the image's Cmd, as Docker does.
  const cmd = asList(req.Cmd) ?? (req.Entrypoint !== undefined && req.Entrypoint !== null ? undefined : ic.Cmd ?? undefined);
  const args = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (!args.length) throw badRequest('No command specified');

  const hostname = req.Hostname || id.slice(0, 12);
  const env = mergeEnv(ic.Env ?? [], req.Env ?? []);
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');

  // Ports
  const exposed: Record<string, object> = { ...(ic.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {}) };
  for (const key of Object.keys(hc.PortBindings ?? {})) {
    const { port, proto } = parsePortKey(key);
    exposed[`${port}/${proto}`] = {};
  }
  portBindings(hc, exposed);

  // Mounts
  const mounts: MountPoint[] = [];
  const volumes: VolumeNeed[] = [];
  const bindDirsToCreate: string[] = [];
  const taken = new Set<string>();
  const claim = (dest: string) => {
    const d = dest.replace(/\/+$/, '') || '/';
    if (taken.has(d)) throw badRequest(`Duplicate mount point: ${d}`);
    taken.add(d);
  };
  for (const b of hc.Binds ?? []) {
    const p = parseBind(b);
    claim(p.destination);
    if (isAbsolute(p.source)) {
      if (!existsSync(p.source)) bindDirsToCreate.push(p.source);
      mounts.push({ Type: 'bind', Source: p.source, Destination: p.destination, Mode: p.mode, RW: p.rw, Propagation: 'rprivate' });
    } else {
      volumes.push({ name: p.source, destination: p.destination, readOnly: !p.rw });
    }
  }
  for (const m of hc.Mounts ?? []) {
    if (!m.Target || !isAbsolute(m.Target)) throw badRequest(`invalid mount config for type "${m.Type}": invalid mount path: '${m.Target ?? ''}' mount path must be absolute`);
    claim(m.Target);
    if (m.Type === 'bind') {
      if (!m.Source || !isAbsolute(m.Source)) throw badRequest(`invalid mount config for type "bind": invalid mount path: '${m.Source ?? ''}' mount path must be absolute`);
      if (!existsSync(m.Source)) throw badRequest(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      mounts.push({ Type: 'bind', Source: m.Source, Destination: m.Target, Mode: '', RW: !m.ReadOnly, Propagation: 'rprivate' });
    } else if (m.Type === 'volume') {
      volumes.push({ name: m.Source || undefined, destination: m.Target, readOnly: Boolean(m.ReadOnly) });
    } else if (m.Type === 'tmpfs') {
      const o: string[] = [];
      if (m.TmpfsOptions?.SizeBytes) o.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) o.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      mounts.push({ Type: 'tmpfs', Source: '', Destination: m.Target, Mode: '', RW: !m.ReadOnly, Propagation: '', TmpfsOptions: o.join(',') });
    } else {
      throw badRequest(`invalid mount config: mount type unknown: "${(m as { Type: string }).Type}"`);
    }
  }
  for (const [dest, opts] of Object.entries(hc.Tmpfs ?? {})) {
    if (!isAbsolute(dest)) throw badRequest(`invalid mount config for type "tmpfs": invalid mount path: '${dest}' mount path must be absolute`);
    claim(dest);
    mounts.push({ Type: 'tmpfs', Source: '', Destination: dest, Mode: opts, RW: !opts.split(',').includes('ro'), Propagation: '', TmpfsOptions: opts });
  }
  // `-v /path` and the image's VOLUMEs become anonymous volumes unless something else is there.
  for (const dest of [...Object.keys(ic.Volumes ?? {}), ...Object.keys(req.Volumes ?? {})]) {
    const d = dest.replace(/\/+$/, '') || '/';
    if (taken.has(d)) continue;
    taken.add(d);
    volumes.push({ destination: d, readOnly: false });
  }

  const networkMode = !hc.NetworkMode || hc.NetworkMode === 'default' ? 'bridge' : hc.NetworkMode;
  if (networkMode.startsWith('container:')) throw new BosunError('BadRequest', 'network mode "container:" is not supported');
  hc.NetworkMode = networkMode;
  if ((networkMode === 'host' || networkMode === 'none') && Object.keys(hc.PortBindings ?? {}).length) {
    warnings.push('Published ports are discarded when using host network mode');
  }

  const now = new Date().toISOString();
  const config: Record<string, unknown> = {
    Hostname: hostname,
    Domainname: req.Domainname ?? '',
    User: req.User ?? ic.User ?? '',
    AttachStdin: Boolean(req.AttachStdin),
    AttachStdout: Boolean(req.AttachStdout),
    AttachStderr: Boolean(req.AttachStderr),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    Tty: Boolean(req.Tty),
    OpenStdin: Boolean(req.OpenStdin),
    StdinOnce: Boolean(req.StdinOnce),
    Env: env,
    Cmd: cmd ?? null,
    Image: imageRef,
    Volumes: Object.keys(ic.Volumes ?? {}).length || Object.keys(req.Volumes ?? {}).length ? { ...(ic.Volumes ?? {}), ...(req.Volumes ?? {}) } : null,
    WorkingDir: req.WorkingDir || ic.WorkingDir || '',
    Entrypoint: entrypoint ?? null,
    OnBuild: null,
    Labels: { ...(ic.Labels ?? {}), ...(req.Labels ?? {}) },
    ...(req.StopSignal || ic.StopSignal ? { StopSignal: req.StopSignal || ic.StopSignal } : {}),
    ...(req.StopTimeout !== undefined ? { StopTimeout: req.StopTimeout } : {}),
    ...(req.Healthcheck ?? ic.Healthcheck ? { Healthcheck: req.Healthcheck ?? ic.Healthcheck } : {}),
  };

  const inspect: ContainerInspect = {
    Id: id,
    Created: now,
    Path: args[0],
    Args: args.slice(1),
    State: {
      Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: 0, ExitCode: 0, Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: image.id,
    ResolvConfPath: paths.resolvConf,
    HostnamePath: paths.hostname,
    HostsPath: paths.hosts,
    LogPath: paths.log,
    Name: `/${name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      ...hc,
      Binds: hc.Binds ?? null,
      LogConfig: { Type: 'json-file', Config: {} },
      PortBindings: hc.PortBindings ?? {},
      AutoRemove: Boolean(hc.AutoRemove),
      Privileged: Boolean(hc.Privileged),
      ReadonlyRootfs: Boolean(hc.ReadonlyRootfs),
      CapAdd: hc.CapAdd ?? null,
      CapDrop: hc.CapDrop ?? null,
      Memory: hc.Memory ?? 0,
      MemorySwap: hc.MemorySwap ?? 0,
      NanoCpus: hc.NanoCpus ?? 0,
      CpuShares: hc.CpuShares ?? 0,
      CpuQuota: hc.CpuQuota ?? 0,
      CpuPeriod: hc.CpuPeriod ?? 0,
      CpusetCpus: hc.CpusetCpus ?? '',
      PidsLimit: hc.PidsLimit ?? null,
      ShmSize: hc.ShmSize || 64 * 1024 * 1024,
    },
    GraphDriver: { Name: 'overlay2', Data: null },
    Mounts: mounts.map(({ TmpfsOptions: _t, ...m }) => m),
    Config: config,
    NetworkSettings: emptyNetworkSettings(),
  };
  return { inspect, volumes, bindDirsToCreate, warnings };
}

export function emptyNetworkSettings(): Record<string, unknown> {
  return {
    Bridge: '', SandboxID: '', SandboxKey: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    Ports: {}, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '',
    GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
    Networks: {},
  };
}

/** tmpfs mounts by destination with their mount options (from Mounts and the Tmpfs map). */
export function tmpfsOptionsOf(inspect: ContainerInspect): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (inspect.HostConfig.Mounts ?? [])) {
    if (m.Type !== 'tmpfs') continue;
    const o: string[] = [];
    if (m.TmpfsOptions?.SizeBytes) o.push(`size=${m.TmpfsOptions.SizeBytes}`);
    if (m.TmpfsOptions?.Mode) o.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
    out.set(m.Target, o.join(','));
  }
  for (const [dest, opts] of Object.entries(inspect.HostConfig.Tmpfs ?? {})) out.set(dest, opts);
  return out;
}
