import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from './sqlite.js';

test('every create acknowledged before kill -9 is in the SQLite store after reopening', async () => {
  const dir = mkdtempSync('/tmp/bosun-test-');
  const db = join(dir, 'state.db');
  try {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./durability-child.js', import.meta.url)), db], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: string[] = [];
    let partial = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => reject(new Error(`writer exited early after ${acked.length} keys`)));
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop()!;
        acked.push(...lines);
        // Kill mid-stream, while all 8 writers have creates in flight.
        if (acked.length >= 2000 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    assert.equal(await exited, 'SIGKILL');
    const store = new SqliteStore(db);
    try {
      const missing: string[] = [];
      for (const key of acked) {
        try {
          await store.get(key);
        } catch {
          missing.push(key);
        }
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged creates were lost`);
      assert.ok((await store.count('/registry/pods/')) >= acked.length);
      // Still writable, with revisions past everything acknowledged.
      const kv = await store.create('/registry/pods/default/after-restart', { v: 1 });
      assert.ok(kv.modRevision > acked.length);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
