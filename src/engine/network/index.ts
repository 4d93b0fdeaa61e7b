/**
 * Engine networking: CNI bridge networks, network namespaces, published ports, the fence around
 * the instance's subnets and the embedded DNS of user-defined networks.
 */
import type { Instance } from '../../server/instance.js';
import type { EngineEvents } from '../events.js';
import { CniNetwork } from './cni-network.js';
import { teardownNetwork } from './teardown.js';
import type { Network } from './types.js';

export type { Network, NetworkRecord, Attachment, AttachOptions, PortBinding } from './types.js';
export { teardownNetwork };
export { hostResolvConf } from './resolv-conf.js';

/** A started Network: bridges up, fences and chains in place, DNS serving. */
export async function createNetwork(instance: Instance, events: EngineEvents): Promise<Network> {
  const net = new CniNetwork(instance, events);
  await net.start();
  return net;
}
