#!/usr/bin/env node
// Runs the compiled unit tests (beside the code) and e2e tests (test/e2e) in one node:test run,
// so the runner prints a single summary. `--unit` / `--e2e` narrow it; other args filter by path.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const e2eOnly = args.includes('--e2e');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, out = []) {
  let names;
  try { names = readdirSync(dir); } catch { return out; }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = [];
if (!e2eOnly) files.push(...walk('dist/src'));
if (!unitOnly) files.push(...walk('dist/test'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
files.sort();
if (!files.length) {
  console.error('no test files found (did `npm run build` run?)');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
