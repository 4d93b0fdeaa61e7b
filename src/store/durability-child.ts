/**
 * Helper process for sqlite-durability.test.ts: 8 writers create keys in parallel on the SQLite
 * store given as argv[2] and print each key on stdout the moment its create resolved, forever,
 * until the test kills this process with SIGKILL.
 */
import { SqliteStore } from './sqlite.js';

const store = new SqliteStore(process.argv[2]!);
const writers = 8;

async function writer(w: number): Promise<void> {
  for (let i = 0; ; i++) {
    const key = `/registry/pods/default/w${w}-${i}`;
    await store.create(key, { metadata: { name: `w${w}-${i}`, namespace: 'default' }, spec: { writer: w, i } });
    process.stdout.write(`${key}\n`);
  }
}

for (let w = 0; w < writers; w++) void writer(w);
