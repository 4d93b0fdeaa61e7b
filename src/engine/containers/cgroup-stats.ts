/**
 * Docker's stats JSON from cgroup v1 files (this host is v1 hybrid): memory and cpuacct from the
 * container's cgroup, system CPU time from /proc/stat, network counters from the container's
 * netns as its init process sees it (/proc/<pid>/net/dev).
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';
/** Every v1 controller a runc cgroupfs container gets a directory in. */
export const V1_CONTROLLERS = ['blkio', 'cpu,cpuacct', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls,net_prio', 'net_cls', 'net_prio', 'perf_event', 'pids', 'rdma', 'misc', 'systemd'];

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function num(path: string): number {
  const v = read(path)?.trim();
  return v === undefined || v === 'max' ? 0 : Number(v);
}

/** System CPU time in nanoseconds (Docker sums the first /proc/stat line, in USER_HZ = 100). */
function systemCpuNs(): number {
  const line = read('/proc/stat')?.split('\n')[0] ?? '';
  const ticks = line.split(/\s+/).slice(1, 8).reduce((a, b) => a + Number(b || 0), 0);
  return ticks * 1e7;
}

function netStats(pid: number): Record<string, Record<string, number>> | undefined {
  const text = pid ? read(`/proc/${pid}/net/dev`) : undefined;
  if (!text) return undefined;
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = { rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3], tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11] };
  }
  return out;
}

/** `cgroup` is the container's path under each controller (cgroupParent/id). */
export function cgroupStats(cgroup: string, pid: number, id: string, name: string): Record<string, unknown> {
  const mem = join(CGROUP_ROOT, 'memory', cgroup);
  const acct = join(CGROUP_ROOT, 'cpuacct', cgroup);
  const memStat: Record<string, number> = {};
  for (const line of (read(join(mem, 'memory.stat')) ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k) memStat[k] = Number(v);
  }
  const percpu = (read(join(acct, 'cpuacct.usage_percpu')) ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const acctStat: Record<string, number> = {};
  for (const line of (read(join(acct, 'cpuacct.stat')) ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k) acctStat[k] = Number(v) * 1e7;
  }
  const throttle: Record<string, number> = {};
  for (const line of (read(join(CGROUP_ROOT, 'cpu', cgroup, 'cpu.stat')) ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k) throttle[k] = Number(v);
  }
  const pidsMax = read(join(CGROUP_ROOT, 'pids', cgroup, 'pids.max'))?.trim();
  const networks = netStats(pid);
  return {
    read: new Date().toISOString(),
    preread: '0001-01-01T00:00:00Z',
    pids_stats: { current: num(join(CGROUP_ROOT, 'pids', cgroup, 'pids.current')), ...(pidsMax && pidsMax !== 'max' ? { limit: Number(pidsMax) } : {}) },
    blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: { total_usage: num(join(acct, 'cpuacct.usage')), percpu_usage: percpu, usage_in_kernelmode: acctStat.system ?? 0, usage_in_usermode: acctStat.user ?? 0 },
      system_cpu_usage: systemCpuNs(),
      online_cpus: cpus().length,
      throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
    },
    precpu_stats: { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    memory_stats: {
      usage: num(join(mem, 'memory.usage_in_bytes')),
      max_usage: num(join(mem, 'memory.max_usage_in_bytes')),
      stats: memStat,
      failcnt: num(join(mem, 'memory.failcnt')),
      // An unlimited v1 cgroup reports ~2^63; Docker shows the host's memory instead.
      limit: Math.min(num(join(mem, 'memory.limit_in_bytes')), totalmem()),
    },
    name: name,
    id,
    ...(networks ? { networks } : {}),
  };
}

/** The memory cgroup's oom_kill counter (kernel ≥ 4.13), read before runc deletes the cgroup. */
export function oomKills(cgroup: string): number {
  const text = read(join(CGROUP_ROOT, 'memory', cgroup, 'memory.oom_control')) ?? '';
  const m = /oom_kill (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
