import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WatchCache } from './cache.js';
import { EncryptedStore, loadOrCreateKeys } from './encryption.js';
import { startEtcd, type EtcdProcess } from './etcd-process.js';
import { EtcdStore } from './etcd.js';
import { storeSuite } from './store-suite.js';

storeSuite('EtcdStore', async () => {
  const etcd: EtcdProcess = await startEtcd();
  return {
    open: async () => {
      const s = new EtcdStore(etcd.endpoint);
      await s.ready();
      return s;
    },
    persistent: true,
    cleanup: () => etcd.stop(),
  };
});

storeSuite(
  'WatchCache over EncryptedStore over EtcdStore',
  async () => {
    const etcd: EtcdProcess = await startEtcd();
    const dir = mkdtempSync('/tmp/bosun-test-');
    return {
      open: async () => {
        const s = new EtcdStore(etcd.endpoint);
        await s.ready();
        return WatchCache.start(new EncryptedStore(s, loadOrCreateKeys(join(dir, 'secrets.key'))));
      },
      persistent: true,
      cleanup: async () => {
        await etcd.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { root: '/registry/secrets/' },
);
