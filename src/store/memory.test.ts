import { MemoryStore } from './memory.js';
import { storeSuite } from './store-suite.js';

storeSuite('MemoryStore', async () => ({
  open: async () => new MemoryStore(),
  persistent: false,
  cleanup: async () => {},
}));
