/**
 * The node's pod network: one engine bridge network whose subnet is this node's podCIDR (the
 * first /24 of the instance's pod range), created through the Network API so the engine fences
 * it, gives out leases with host-local IPAM and cleans it up at teardown like any other network.
 */
import { isKind } from '../errors/index.js';
import type { Network, NetworkRecord } from '../engine/network/index.js';

export const POD_NETWORK_NAME = 'bosun-pods';

function ipToNum(ip: string): number {
  return ip.split('.').reduce((n, p) => (n << 8) + Number(p), 0) >>> 0;
}

function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The first /24 of a pool such as "10.130.128.0/18" (node index 0). */
export function nodePodCidr(pool: string, index = 0): string {
  const [base] = pool.split('/');
  return `${numToIp((ipToNum(base) + index * 256) >>> 0)}/24`;
}

export async function ensurePodNetwork(network: Network, podCidr: string): Promise<NetworkRecord> {
  try {
    const rec = await network.get(POD_NETWORK_NAME);
    if (rec.IPAM.Config[0]?.Subnet === podCidr) return rec;
    throw new Error(`network ${POD_NETWORK_NAME} exists with subnet ${rec.IPAM.Config[0]?.Subnet}, expected ${podCidr}`);
  } catch (err) {
    if (!isKind(err, 'NotFound')) throw err;
  }
  return network.create(POD_NETWORK_NAME, {
    subnet: podCidr,
    options: { 'bosun.pod-network': 'true' },
    labels: { 'io.bosun.kubelet': 'pod-network' },
  });
}
