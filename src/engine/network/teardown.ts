import { rmSync } from 'node:fs';
import type { Instance } from '../../server/instance.js';
import { parseCidr, within } from './cidr.js';
import { NetnsDir } from './netns.js';
import { NetworkFiles } from './store.js';
import { deleteBridge, instanceBridges } from './bridge.js';
import { fenceRoutes, removeFenceRoute } from './fence.js';
import { removeChains } from './iptables.js';

/**
 * Removes everything an instance put on the host, with or without a server: namespaces and their
 * mounts, bridges and the veths on them, the fence routes, the iptables chains and the jumps into
 * them, IPAM leases and endpoint records. Network definitions stay, as Docker keeps them.
 */
export async function teardownNetwork(instance: Instance): Promise<void> {
  await new NetnsDir(instance.paths.netns).removeAll();
  for (const br of await instanceBridges(instance.ifPrefix)) await deleteBridge(br);
  await removeChains(instance.chainPrefix);
  const files = new NetworkFiles(instance.paths.networks);
  const supernet = parseCidr(instance.supernet);
  const ours = new Set([instance.supernet]);
  for (const n of files.networks()) for (const c of n.record.IPAM.Config) if (!within(parseCidr(c.Subnet), supernet)) ours.add(c.Subnet);
  for (const r of await fenceRoutes()) if (ours.has(r)) await removeFenceRoute(r);
  rmSync(instance.paths.cni, { recursive: true, force: true });
  files.deleteAllEndpoints();
}
