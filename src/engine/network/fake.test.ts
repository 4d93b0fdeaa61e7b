import { MemoryNetwork } from './fake.js';
import { networkSuite } from './network-suite.js';

networkSuite('MemoryNetwork', async (events) => ({
  network: new MemoryNetwork(events, { defaultBridgeSubnet: '10.99.0.0/24', userNetworkPool: '10.99.16.0/20' }),
  cleanup: async () => undefined,
}));
