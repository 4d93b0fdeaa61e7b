/**
 * `bosun run` / `bosun create` flags → Docker's create body (Config + HostConfig +
 * NetworkingConfig), parsed the way the docker CLI parses them, so the daemon sees the same body
 * from both clients.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type FlagSpec } from '../args.js';
import type { CreateRequest, HostConfig } from '../../engine/containers/types.js';
import { parseBytes } from './format.js';
import { dataDirFlag } from './client.js';

export const createFlags: FlagSpec[] = [
  dataDirFlag,
  { name: 'name', type: 'string' },
  { name: 'interactive', short: 'i', type: 'boolean' },
  { name: 'tty', short: 't', type: 'boolean' },
  { name: 'env', short: 'e', type: 'list' },
  { name: 'env-file', type: 'list' },
  { name: 'publish', short: 'p', type: 'list' },
  { name: 'publish-all', short: 'P', type: 'boolean' },
  { name: 'expose', type: 'list' },
  { name: 'volume', short: 'v', type: 'list' },
  { name: 'mount', type: 'list' },
  { name: 'tmpfs', type: 'list' },
  { name: 'network', type: 'string' },
  { name: 'net', type: 'string' },
  { name: 'network-alias', type: 'list' },
  { name: 'ip', type: 'string' },
  { name: 'restart', type: 'string' },
  { name: 'memory', short: 'm', type: 'string' },
  { name: 'memory-swap', type: 'string' },
  { name: 'cpus', type: 'string' },
  { name: 'cpu-shares', short: 'c', type: 'number' },
  { name: 'pids-limit', type: 'number' },
  { name: 'workdir', short: 'w', type: 'string' },
  { name: 'user', short: 'u', type: 'string' },
  { name: 'entrypoint', type: 'string' },
  { name: 'hostname', short: 'h', type: 'string' },
  { name: 'label', short: 'l', type: 'list' },
  { name: 'read-only', type: 'boolean' },
  { name: 'privileged', type: 'boolean' },
  { name: 'cap-add', type: 'list' },
  { name: 'cap-drop', type: 'list' },
  { name: 'init', type: 'boolean' },
  { name: 'stop-signal', type: 'string' },
  { name: 'stop-timeout', type: 'number' },
  { name: 'dns', type: 'list' },
  { name: 'add-host', type: 'list' },
  { name: 'sysctl', type: 'list' },
  { name: 'shm-size', type: 'string' },
  { name: 'health-cmd', type: 'string' },
  { name: 'health-interval', type: 'string' },
  { name: 'health-timeout', type: 'string' },
  { name: 'health-start-period', type: 'string' },
  { name: 'health-start-interval', type: 'string' },
  { name: 'health-retries', type: 'number' },
  { name: 'no-healthcheck', type: 'boolean' },
  { name: 'pull', type: 'string' },
  { name: 'rm', type: 'boolean' },
  { name: 'detach', short: 'd', type: 'boolean' },
];

const list = (v: unknown) => (v as string[] | undefined) ?? [];

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("300ms", "1m30s", "2h") in nanoseconds, as the docker CLI's duration flags take. */
export function parseDuration(flag: string, v: string): number {
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (v === '0') return 0;
  if (!parts.length || parts.map((p) => p[0]).join('') !== v) throw new UsageError(`invalid argument "${v}" for "--${flag}" flag: time: invalid duration "${v}"`);
  return Math.round(parts.reduce((ns, p) => ns + Number(p[1]) * UNIT_NS[p[2]], 0));
}

/** The --health-* flags as Config.Healthcheck, or undefined when none is given. */
function healthcheck(flags: Record<string, unknown>): CreateRequest['Healthcheck'] {
  if (flags['no-healthcheck']) {
    if (flags['health-cmd'] !== undefined) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  const d = (name: string) => (flags[name] === undefined ? undefined : parseDuration(name, flags[name] as string));
  const hc = {
    ...(flags['health-cmd'] !== undefined ? { Test: ['CMD-SHELL', flags['health-cmd'] as string] } : {}),
    ...(d('health-interval') !== undefined ? { Interval: d('health-interval') } : {}),
    ...(d('health-timeout') !== undefined ? { Timeout: d('health-timeout') } : {}),
    ...(d('health-start-period') !== undefined ? { StartPeriod: d('health-start-period') } : {}),
    ...(d('health-start-interval') !== undefined ? { StartInterval: d('health-start-interval') } : {}),
    ...(flags['health-retries'] !== undefined ? { Retries: flags['health-retries'] as number } : {}),
  };
  return Object.keys(hc).length ? hc : undefined;
}

/** `[ip:][hostPort:]containerPort[/proto]` → ExposedPorts key and binding. */
export function parsePublish(spec: string): { key: string; binding: { HostIp: string; HostPort: string } } {
  const [addr, protoRaw] = spec.split('/');
  const proto = (protoRaw ?? 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new UsageError(`invalid proto: ${protoRaw}`);
  const parts = addr.split(':');
  let ip = '';
  let host = '';
  let container: string;
  if (parts.length === 1) [container] = parts;
  else if (parts.length === 2) [host, container] = parts;
  else if (parts.length === 3) [ip, host, container] = parts;
  else throw new UsageError(`invalid publish spec: ${spec}`);
  const port = (p: string) => /^\d+$/.test(p) && Number(p) > 0 && Number(p) < 65536;
  if (!port(container)) throw new UsageError(`invalid containerPort: ${container}`);
  if (host && !port(host)) throw new UsageError(`invalid hostPort: ${host}`);
  return { key: `${container}/${proto}`, binding: { HostIp: ip, HostPort: host } };
}

function parseMount(spec: string): NonNullable<HostConfig['Mounts']>[number] {
  const kv: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    kv[(eq < 0 ? part : part.slice(0, eq)).toLowerCase()] = eq < 0 ? 'true' : part.slice(eq + 1);
  }
  const type = (kv.type ?? 'volume') as 'bind' | 'volume' | 'tmpfs';
  if (!['bind', 'volume', 'tmpfs'].includes(type)) throw new UsageError(`invalid mount type: ${type}`);
  const target = kv.target ?? kv.destination ?? kv.dst;
  if (!target) throw new UsageError(`invalid --mount ${spec}: target is required`);
  const ro = kv.readonly ?? kv.ro;
  return {
    Type: type,
    Source: kv.source ?? kv.src,
    Target: target,
    ReadOnly: ro !== undefined && ro !== 'false' && ro !== '0',
    ...(type === 'tmpfs' && kv['tmpfs-size'] ? { TmpfsOptions: { SizeBytes: parseBytes(kv['tmpfs-size']) } } : {}),
  };
}

function parseEnvFile(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`open ${path}: no such file or directory`);
  return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => (l.includes('=') ? l : `${l}=${process.env[l] ?? ''}`));
}

function parseRestart(s: string): HostConfig['RestartPolicy'] {
  const [name, count] = s.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw new UsageError(`invalid restart policy ${s}`);
  if (count !== undefined && name !== 'on-failure') throw new UsageError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  return { Name: name as 'no', MaximumRetryCount: count ? Number(count) : 0 };
}

export function buildCreateBody(flags: Record<string, unknown>, image: string, cmd: string[]): CreateRequest {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of list(flags.publish)) {
    const { key, binding } = parsePublish(p);
    exposed[key] = {};
    (bindings[key] ??= []).push(binding);
  }
  for (const e of list(flags.expose)) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of list(flags.volume)) {
    const parts = v.split(':');
    if (parts.length === 1) volumes[parts[0]] = {};
    else {
      // A relative host path would silently become a named volume; docker requires absolute paths too.
      if (parts[0].startsWith('.') || parts[0].startsWith('~')) parts[0] = resolve(parts[0]);
      binds.push(parts.join(':'));
    }
  }
  const env = [...list(flags['env-file']).flatMap(parseEnvFile), ...list(flags.env).map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`))];
  const labels: Record<string, string> = {};
  for (const l of list(flags.label)) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const network = (flags.network ?? flags.net) as string | undefined;
  const tmpfs: Record<string, string> = {};
  for (const t of list(flags.tmpfs)) {
    const c = t.indexOf(':');
    tmpfs[c < 0 ? t : t.slice(0, c)] = c < 0 ? '' : t.slice(c + 1);
  }
  const sysctls: Record<string, string> = {};
  for (const s of list(flags.sysctl)) {
    const eq = s.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid sysctl: ${s}`);
    sysctls[s.slice(0, eq)] = s.slice(eq + 1);
  }
  const mem = flags.memory as string | undefined;
  const memSwap = flags['memory-swap'] as string | undefined;
  const cpus = flags.cpus as string | undefined;
  if (cpus !== undefined && !(Number(cpus) > 0)) throw new UsageError(`invalid argument "${cpus}" for "--cpus" flag`);
  const bytes = (s: string, flag: string) => {
    try { return parseBytes(s); } catch { throw new UsageError(`invalid argument "${s}" for "${flag}" flag: invalid size: '${s}'`); }
  };
  const interactive = Boolean(flags.interactive);
  const detach = Boolean(flags.detach);
  const hostConfig: HostConfig = {
    Binds: binds.length ? binds : null,
    NetworkMode: network ?? 'default',
    PortBindings: bindings,
    PublishAllPorts: Boolean(flags['publish-all']),
    RestartPolicy: flags.restart ? parseRestart(flags.restart as string) : { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: Boolean(flags.rm),
    Mounts: list(flags.mount).map(parseMount),
    Tmpfs: tmpfs,
    Memory: mem ? bytes(mem, '--memory') : 0,
    MemorySwap: memSwap ? (memSwap === '-1' ? -1 : bytes(memSwap, '--memory-swap')) : 0,
    NanoCpus: cpus ? Math.round(Number(cpus) * 1e9) : 0,
    CpuShares: (flags['cpu-shares'] as number | undefined) ?? 0,
    PidsLimit: (flags['pids-limit'] as number | undefined) ?? null,
    CapAdd: list(flags['cap-add']).length ? list(flags['cap-add']) : null,
    CapDrop: list(flags['cap-drop']).length ? list(flags['cap-drop']) : null,
    Privileged: Boolean(flags.privileged),
    ReadonlyRootfs: Boolean(flags['read-only']),
    Dns: list(flags.dns),
    ExtraHosts: list(flags['add-host']).length ? list(flags['add-host']) : null,
    Init: flags.init ? true : null,
    Sysctls: sysctls,
    ...(flags['shm-size'] ? { ShmSize: bytes(flags['shm-size'] as string, '--shm-size') } : {}),
  };
  const aliases = list(flags['network-alias']);
  const ip = flags.ip as string | undefined;
  const endpoint = network && network !== 'default' ? network : 'default';
  const health = healthcheck(flags);
  const body: CreateRequest = {
    Hostname: (flags.hostname as string | undefined) ?? '',
    User: (flags.user as string | undefined) ?? '',
    AttachStdin: interactive && !detach,
    AttachStdout: !detach,
    AttachStderr: !detach,
    ExposedPorts: exposed,
    Tty: Boolean(flags.tty),
    OpenStdin: interactive,
    StdinOnce: interactive && !detach,
    Env: env.length ? env : null,
    Cmd: cmd.length ? cmd : null,
    Image: image,
    Labels: labels,
    Volumes: volumes,
    WorkingDir: (flags.workdir as string | undefined) ?? '',
    Entrypoint: flags.entrypoint === undefined ? null : flags.entrypoint === '' ? [''] : [flags.entrypoint as string],
    ...(flags['stop-signal'] ? { StopSignal: flags['stop-signal'] as string } : {}),
    ...(flags['stop-timeout'] !== undefined ? { StopTimeout: flags['stop-timeout'] as number } : {}),
    ...(health ? { Healthcheck: health } : {}),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: { [endpoint]: { Aliases: aliases.length ? aliases : null, IPAMConfig: ip ? { IPv4Address: ip } : null } } },
  };
  return body;
}
