import { existsSync, rmSync } from 'node:fs';
import { parseArgs } from './args.js';
import type { Verb } from './types.js';
import { DEFAULT_DATA_DIR, loadInstance, paths, purgeDataDir, readPid } from '../server/instance.js';
import { resolve } from 'node:path';

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { process.kill(pid, 0); } catch { return true; }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export const teardownVerb: Verb = {
  name: 'teardown',
  summary: "Stop an instance's server and remove every container, mount, netns, bridge, chain and cgroup it made",
  usage: 'bosun teardown [--data-dir DIR] [--purge]',
  async run(argv) {
    const { flags } = parseArgs(argv, [
      { name: 'data-dir', type: 'string', default: DEFAULT_DATA_DIR },
      { name: 'purge', type: 'boolean' },
    ]);
    const dir = resolve(flags['data-dir'] as string);
    if (!existsSync(paths(dir).instanceFile)) {
      if (flags.purge) rmSync(dir, { recursive: true, force: true });
      return 0;
    }
    const instance = loadInstance(dir);
    const pid = readPid(instance);
    if (pid) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitGone(pid, 10_000))) { process.kill(pid, 'SIGKILL'); await waitGone(pid, 5_000); }
    }
    const { teardownEngine } = await import('../engine/index.js');
    await teardownEngine(instance);
    rmSync(instance.paths.pidFile, { force: true });
    if (flags.purge) purgeDataDir(dir);
    return 0;
  },
};
