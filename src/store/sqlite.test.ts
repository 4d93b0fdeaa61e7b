import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from './sqlite.js';
import { storeSuite } from './store-suite.js';

storeSuite('SqliteStore', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  return {
    open: async () => new SqliteStore(join(dir, 'state.db')),
    persistent: true,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
