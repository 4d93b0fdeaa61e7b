/**
 * OCI runtime spec (config.json) for a Docker-style container: Docker's defaults for
 * capabilities, masked and read-only /proc paths, the standard /dev, /sys and cgroup mounts.
 */
import { readFileSync } from 'node:fs';

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

export const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function normCap(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u : `CAP_${u}`;
}

/** Docker's CapAdd/CapDrop semantics, "ALL" included; unknown names are refused by the caller. */
export function capabilities(add: string[] = [], drop: string[] = [], privileged = false): string[] {
  if (privileged) return [...ALL_CAPS];
  const addN = add.map(normCap);
  const dropN = drop.map(normCap);
  let caps = addN.includes('CAP_ALL') ? [...ALL_CAPS] : [...DEFAULT_CAPS, ...addN.filter((c) => !DEFAULT_CAPS.includes(c))];
  if (dropN.includes('CAP_ALL')) caps = addN.includes('CAP_ALL') ? caps : addN;
  else caps = caps.filter((c) => !dropN.includes(c));
  return [...new Set(caps)];
}

export function unknownCaps(names: string[]): string[] {
  return names.filter((c) => normCap(c) !== 'CAP_ALL' && !ALL_CAPS.includes(normCap(c)));
}

let hostRlimits: Array<{ type: string; hard: number; soft: number }> | undefined;

/**
 * The machine lacks CAP_SYS_RESOURCE, so a spec raising a limit above the host's fails at start;
 * containers get exactly the server's own limits (from /proc/self/limits, read once).
 */
export function rlimits(): Array<{ type: string; hard: number; soft: number }> {
  if (hostRlimits) return hostRlimits;
  const rows: Record<string, string> = { 'Max open files': 'RLIMIT_NOFILE', 'Max processes': 'RLIMIT_NPROC' };
  hostRlimits = [];
  for (const line of readFileSync('/proc/self/limits', 'utf8').split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (!m || !rows[m[1]]) continue;
    // "unlimited" (2^64-1) does not survive a JS number; left out, runc passes its own on.
    if (m[2] === 'unlimited' || m[3] === 'unlimited') continue;
    hostRlimits.push({ type: rows[m[1]], soft: Number(m[2]), hard: Number(m[3]) });
  }
  return hostRlimits;
}

export interface SpecMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface SpecInput {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  terminal: boolean;
  hostname: string;
  rootfs: string;
  readonlyRootfs: boolean;
  /** 'host' shares the host's, undefined makes a fresh empty one, a path joins that one. */
  netns?: string | 'host';
  cgroupsPath: string;
  caps: string[];
  privileged: boolean;
  noNewPrivileges: boolean;
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
  shmSize: number;
  sysctls: Record<string, string>;
  ulimits: Array<{ Name: string; Soft: number; Hard: number }>;
  /** User mounts (binds, volumes, tmpfs) and the /etc files, already in OCI form. */
  mounts: SpecMount[];
}

export function processSpec(i: Pick<SpecInput, 'args' | 'env' | 'cwd' | 'uid' | 'gid' | 'additionalGids' | 'terminal' | 'caps' | 'noNewPrivileges' | 'ulimits'>): Record<string, unknown> {
  const limits = rlimits().map((r) => ({ ...r }));
  for (const u of i.ulimits) {
    const type = `RLIMIT_${u.Name.toUpperCase()}`;
    const existing = limits.find((r) => r.type === type);
    if (existing) { existing.soft = u.Soft; existing.hard = u.Hard; } else limits.push({ type, soft: u.Soft, hard: u.Hard });
  }
  return {
    terminal: i.terminal,
    user: { uid: i.uid, gid: i.gid, ...(i.additionalGids.length ? { additionalGids: i.additionalGids } : {}) },
    args: i.args,
    env: i.env,
    cwd: i.cwd || '/',
    capabilities: { bounding: i.caps, effective: i.caps, permitted: i.caps },
    rlimits: limits,
    noNewPrivileges: i.noNewPrivileges,
  };
}

export function buildSpec(i: SpecInput): Record<string, unknown> {
  const namespaces: Array<{ type: string; path?: string }> = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (i.netns === undefined) namespaces.push({ type: 'network' });
  else if (i.netns !== 'host') namespaces.push({ type: 'network', path: i.netns });

  const resources: Record<string, unknown> = {
    devices: i.privileged ? [{ allow: true, access: 'rwm' }] : [
      { allow: false, access: 'rwm' },
      // Docker's default device cgroup rules: the standard character devices and ptys.
      ...[[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [10, 200]].map(([major, minor]) => ({ allow: true, type: 'c', major, minor, access: 'rwm' })),
      { allow: true, type: 'c', major: 136, access: 'rwm' },
    ],
  };
  const memory: Record<string, number> = {};
  if (i.memory) memory.limit = i.memory;
  if (i.memory && i.memorySwap !== undefined && i.memorySwap !== 0) memory.swap = i.memorySwap;
  if (i.memoryReservation) memory.reservation = i.memoryReservation;
  if (Object.keys(memory).length) resources.memory = memory;
  const cpu: Record<string, unknown> = {};
  if (i.cpuShares) cpu.shares = i.cpuShares;
  if (i.cpuQuota) cpu.quota = i.cpuQuota;
  if (i.cpuPeriod) cpu.period = i.cpuPeriod;
  if (i.cpusetCpus) cpu.cpus = i.cpusetCpus;
  if (Object.keys(cpu).length) resources.cpu = cpu;
  if (i.pidsLimit && i.pidsLimit > 0) resources.pids = { limit: i.pidsLimit };

  // Mounts on "/" (the image's overlay) come first: everything else is mounted on top of them.
  const mounts: SpecMount[] = [
    ...i.mounts.filter((m) => m.destination === '/'),
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', i.privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', i.privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${i.shmSize}`] },
    ...i.mounts.filter((m) => m.destination !== '/'),
  ];

  return {
    ociVersion: '1.0.2',
    process: processSpec(i),
    root: { path: i.rootfs, readonly: i.readonlyRootfs },
    hostname: i.hostname,
    mounts,
    linux: {
      namespaces,
      cgroupsPath: i.cgroupsPath,
      resources,
      sysctl: i.sysctls,
      ...(i.privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}
