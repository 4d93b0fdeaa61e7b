/** start, stop, restart, kill, rm, pause, unpause, rename, wait: one call per named container. */
import { parseArgs, type FlagSpec } from '../args.js';
import type { Verb } from '../types.js';
import { clientFor, dataDirFlag, type EngineClient } from './client.js';
import { each } from './each.js';
import { pump } from './streams.js';

function simple(name: string, summary: string, specs: FlagSpec[], call: (c: EngineClient, ref: string, flags: Record<string, unknown>) => Promise<unknown>): Verb {
  return {
    name,
    summary,
    usage: `bosun ${name} [flags] CONTAINER [CONTAINER...]`,
    async run(argv) {
      const { flags, positionals } = parseArgs(argv, [dataDirFlag, ...specs]);
      if (!positionals.length) { console.error(`bosun ${name}: requires at least 1 argument`); return 1; }
      const c = clientFor(flags);
      return each(positionals, async (ref) => { await call(c, ref, flags); });
    },
  };
}

const timeoutFlags: FlagSpec[] = [{ name: 'time', short: 't', type: 'number' }, { name: 'signal', short: 's', type: 'string' }];
const stopQuery = (flags: Record<string, unknown>) => ({ t: flags.time as number | undefined, signal: flags.signal as string | undefined });

export const stopVerb = simple('stop', 'Stop running containers (SIGTERM, then SIGKILL after -t seconds)', timeoutFlags,
  (c, ref, f) => c.call('POST', `/containers/${encodeURIComponent(ref)}/stop`, { query: stopQuery(f) }));
export const restartVerb = simple('restart', 'Restart containers', timeoutFlags,
  (c, ref, f) => c.call('POST', `/containers/${encodeURIComponent(ref)}/restart`, { query: stopQuery(f) }));
export const killVerb = simple('kill', 'Send a signal (default KILL) to running containers', [{ name: 'signal', short: 's', type: 'string' }],
  (c, ref, f) => c.call('POST', `/containers/${encodeURIComponent(ref)}/kill`, { query: { signal: f.signal as string | undefined } }));
export const pauseVerb = simple('pause', 'Pause all processes in containers', [],
  (c, ref) => c.call('POST', `/containers/${encodeURIComponent(ref)}/pause`));
export const unpauseVerb = simple('unpause', 'Unpause containers', [],
  (c, ref) => c.call('POST', `/containers/${encodeURIComponent(ref)}/unpause`));

export const rmVerb: Verb = {
  name: 'rm',
  summary: 'Remove containers (-f also stops running ones, -v their anonymous volumes)',
  usage: 'bosun rm [-f] [-v] CONTAINER [CONTAINER...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }, { name: 'volumes', short: 'v', type: 'boolean' }]);
    if (!positionals.length) { console.error('bosun rm: requires at least 1 argument'); return 1; }
    const c = clientFor(flags);
    let code = 0;
    for (const ref of positionals) {
      try {
        await c.call('DELETE', `/containers/${encodeURIComponent(ref)}`, { query: { force: Boolean(flags.force), v: Boolean(flags.volumes) } });
        console.log(ref);
      } catch (err) {
        // docker rm -f of a missing container succeeds quietly.
        if (flags.force && (err as { kind?: string }).kind === 'NotFound') continue;
        console.error(`Error response from daemon: ${(err as Error).message}`);
        code = 1;
      }
    }
    return code;
  },
};

export const startVerb: Verb = {
  name: 'start',
  summary: 'Start stopped containers (-a attaches to the output)',
  usage: 'bosun start [-a] [-i] CONTAINER [CONTAINER...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'attach', short: 'a', type: 'boolean' }, { name: 'interactive', short: 'i', type: 'boolean' }]);
    if (!positionals.length) { console.error('bosun start: requires at least 1 argument'); return 1; }
    const c = clientFor(flags);
    if (!flags.attach && !flags.interactive) return each(positionals, async (ref) => { await c.call('POST', `/containers/${encodeURIComponent(ref)}/start`); });
    const [ref] = positionals;
    const info = await c.json<{ Id: string; Config: { Tty: boolean } }>('GET', `/containers/${encodeURIComponent(ref)}/json`);
    const stdin = Boolean(flags.interactive);
    const session = await c.hijack(`/containers/${info.Id}/attach`, { query: { stream: true, stdin, stdout: true, stderr: true } });
    const waitRes = await c.request('POST', `/containers/${info.Id}/wait`, { query: { condition: 'next-exit' } });
    await c.call('POST', `/containers/${info.Id}/start`);
    await pump(c, session, { tty: info.Config.Tty, stdin, resizePath: info.Config.Tty ? `/containers/${info.Id}/resize` : undefined });
    let text = '';
    for await (const d of waitRes) text += d;
    return (JSON.parse(text) as { StatusCode: number }).StatusCode;
  },
};

export const renameVerb: Verb = {
  name: 'rename',
  summary: 'Rename a container',
  usage: 'bosun rename CONTAINER NEW_NAME',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag]);
    if (positionals.length !== 2) { console.error('bosun rename: requires exactly 2 arguments'); return 1; }
    await clientFor(flags).call('POST', `/containers/${encodeURIComponent(positionals[0])}/rename`, { query: { name: positionals[1] } });
    return 0;
  },
};

export const waitVerb: Verb = {
  name: 'wait',
  summary: 'Block until containers stop, then print their exit codes',
  usage: 'bosun wait CONTAINER [CONTAINER...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag]);
    const c = clientFor(flags);
    return each(positionals, async (ref) => {
      const r = await c.json<{ StatusCode: number }>('POST', `/containers/${encodeURIComponent(ref)}/wait`);
      console.log(r.StatusCode);
    }, { print: false });
  },
};
