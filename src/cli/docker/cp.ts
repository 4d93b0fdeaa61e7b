/**
 * `bosun cp`: files between a container and the host, as tar streams through the archive
 * endpoint (packing and unpacking with the host's tar). A destination that is an existing
 * directory receives the source inside it; otherwise the source is written under that name.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { clientFor, dataDirFlag } from './client.js';

function splitRef(arg: string): { container?: string; path: string } {
  const c = arg.indexOf(':');
  // "./a:b" or "/x:y" are host paths, as docker reads them.
  if (c <= 0 || arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  return { container: arg.slice(0, c), path: arg.slice(c + 1) };
}

function tar(args: string[], stdin?: NodeJS.ReadableStream): { done: Promise<void>; stdout: NodeJS.ReadableStream } {
  const p = spawn('tar', args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  if (stdin) stdin.pipe(p.stdin!);
  let err = '';
  p.stderr!.on('data', (d) => (err += d));
  const done = new Promise<void>((ok, fail) => p.on('close', (code) => (code === 0 ? ok() : fail(new Error(`tar: ${err.trim()}`)))));
  return { done, stdout: p.stdout! };
}

export const cpVerb: Verb = {
  name: 'cp',
  summary: 'Copy files between a container and the host (CONTAINER:PATH)',
  usage: 'bosun cp CONTAINER:SRC DEST | bosun cp SRC CONTAINER:DEST',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag]);
    if (positionals.length !== 2) { console.error('bosun cp: requires exactly 2 arguments'); return 1; }
    const [from, to] = positionals.map(splitRef);
    const c = clientFor(flags);
    if (from.container && !to.container) {
      const res = await c.request('GET', `/containers/${encodeURIComponent(from.container)}/archive`, { query: { path: from.path } });
      const dest = resolve(to.path);
      if (existsSync(dest) && statSync(dest).isDirectory()) {
        await tar(['-x', '-C', dest], res).done;
        return 0;
      }
      const tmp = mkdtempSync(join(dirname(dest), '.bosun-cp-'));
      try {
        await tar(['-x', '-C', tmp], res).done;
        renameSync(join(tmp, basename(from.path.replace(/\/+$/, '')) || '.'), dest);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      return 0;
    }
    if (to.container && !from.container) {
      const src = resolve(from.path);
      if (!existsSync(src)) { console.error(`Error: lstat ${src}: no such file or directory`); return 1; }
      const packed = tar(['-c', '-C', dirname(src), basename(src)]);
      await c.call('PUT', `/containers/${encodeURIComponent(to.container)}/archive`, { query: { path: to.path }, upload: packed.stdout as never, headers: { 'Content-Type': 'application/x-tar' } });
      await packed.done;
      return 0;
    }
    console.error('bosun cp: exactly one of SRC and DEST must be CONTAINER:PATH');
    return 1;
  },
};
