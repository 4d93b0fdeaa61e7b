/** `bosun logs`: stdout and stderr kept apart, -f follows until the container stops. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { clientFor, dataDirFlag } from './client.js';
import { Demuxer } from '../../engine/daemon/stdcopy.js';

/** `10m`, `1h30m`, a Unix time or an RFC 3339 time → Unix seconds. */
export function sinceToUnix(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const dur = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
  if (dur && s) return Date.now() / 1000 - (Number(dur[1] ?? 0) * 3600 + Number(dur[2] ?? 0) * 60 + Number(dur[3] ?? 0));
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`invalid time: ${s}`);
  return ms / 1000;
}

export const logsVerb: Verb = {
  name: 'logs',
  summary: "Print a container's output (-f follows, -n/--tail N, -t timestamps, --since)",
  usage: 'bosun logs [-f] [-t] [-n N] [--since T] [--until T] CONTAINER',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      dataDirFlag,
      { name: 'follow', short: 'f', type: 'boolean' },
      { name: 'timestamps', short: 't', type: 'boolean' },
      { name: 'tail', short: 'n', type: 'string' },
      { name: 'since', type: 'string' },
      { name: 'until', type: 'string' },
    ]);
    if (positionals.length !== 1) { console.error('bosun logs: requires exactly 1 argument'); return 1; }
    const c = clientFor(flags);
    const info = await c.json<{ Id: string; Config: { Tty: boolean } }>('GET', `/containers/${encodeURIComponent(positionals[0])}/json`);
    const res = await c.request('GET', `/containers/${info.Id}/logs`, {
      query: {
        stdout: true,
        stderr: true,
        follow: Boolean(flags.follow),
        timestamps: Boolean(flags.timestamps),
        tail: (flags.tail as string | undefined) ?? 'all',
        since: flags.since ? String(sinceToUnix(flags.since as string)) : undefined,
        until: flags.until ? String(sinceToUnix(flags.until as string)) : undefined,
      },
    });
    const demux = new Demuxer();
    for await (const d of res) {
      if (info.Config.Tty) process.stdout.write(d as Buffer);
      else demux.push(d as Buffer, (s, p) => (s === 2 ? process.stderr : process.stdout).write(p));
    }
    return 0;
  },
};
