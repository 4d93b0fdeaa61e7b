/**
 * Node has no mknod, setxattr or getxattr; python3's os module has all three, so layer code runs
 * short python scripts for them (one process per layer, only for layers that need it). The
 * system interpreter is preferred: version-manager shims on PATH cost ~100 ms per start.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { internal } from '../../errors/index.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Runs `script` with `args` and `input` on stdin; returns stdout. Internal error on failure. */
export function runPython(what: string, script: string, args: string[] = [], input = ''): string {
  const r = spawnSync(PYTHON, ['-I', '-c', script, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw internal(`${what} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}
