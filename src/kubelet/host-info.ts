/**
 * What the Node object says about this host: capacity from the kernel's own accounting
 * (/proc/meminfo, statfs of the data dir, the CPUs the scheduler may use) and nodeInfo from
 * /etc/os-release and uname, as the kubelet reports them.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, arch, release } from 'node:os';

export interface HostInfo {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  nodeInfo: Record<string, string>;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function memTotalKi(): number {
  const m = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) : 0;
}

export function memAvailableKi(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) : 0;
}

function osImage(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch {
    // no os-release: fall through
  }
  return 'Linux';
}

function machineId(): string {
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    return '';
  }
}

export function diskStats(dataDir: string): { total: number; free: number } {
  const s = statfsSync(dataDir);
  return { total: Number(s.blocks) * Number(s.bsize), free: Number(s.bavail) * Number(s.bsize) };
}

export function hostInfo(dataDir: string, runtimeVersion: string, kubeletVersion: string): HostInfo {
  const memKi = memTotalKi();
  const disk = diskStats(dataDir).total;
  const capacity = {
    cpu: String(availableParallelism()),
    memory: `${memKi}Ki`,
    'ephemeral-storage': `${Math.floor(disk / 1024)}Ki`,
    pods: '110',
    'hugepages-2Mi': '0',
  };
  // The kubelet's default hard eviction threshold (memory.available<100Mi) and 10% of the disk.
  const allocatable = {
    ...capacity,
    memory: `${Math.max(0, memKi - 100 * 1024)}Ki`,
    'ephemeral-storage': String(Math.floor(disk * 0.9)),
  };
  const id = machineId();
  return {
    capacity,
    allocatable,
    nodeInfo: {
      machineID: id, systemUUID: id, bootID: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      kernelVersion: release(), osImage: osImage(), containerRuntimeVersion: `bosun://${runtimeVersion}`,
      kubeletVersion, kubeProxyVersion: kubeletVersion, operatingSystem: 'linux', architecture: GOARCH[arch()] ?? arch(),
    },
  };
}
