import { mkdtempSync, rmSync } from 'node:fs';
import { loadInstance, purgeDataDir } from '../../server/instance.js';
import { createNetwork, teardownNetwork } from './index.js';
import { networkSuite } from './network-suite.js';

networkSuite('CniNetwork', async (events) => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  const instance = loadInstance(dir);
  const network = await createNetwork(instance, events);
  return {
    network,
    cleanup: async () => {
      await network.close();
      await teardownNetwork(instance);
      purgeDataDir(dir);
    },
  };
});
