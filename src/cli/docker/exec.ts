/** `bosun exec`: a process in a running container, with or without a TTY. */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { clientFor, dataDirFlag } from './client.js';
import { pump } from './streams.js';

export const execVerb: Verb = {
  name: 'exec',
  summary: 'Run a command in a running container (-it for a shell, -d detached)',
  usage: 'bosun exec [-i] [-t] [-d] [-e K=V] [-u USER] [-w DIR] CONTAINER COMMAND [ARG...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      dataDirFlag,
      { name: 'interactive', short: 'i', type: 'boolean' },
      { name: 'tty', short: 't', type: 'boolean' },
      { name: 'detach', short: 'd', type: 'boolean' },
      { name: 'env', short: 'e', type: 'list' },
      { name: 'user', short: 'u', type: 'string' },
      { name: 'workdir', short: 'w', type: 'string' },
      { name: 'privileged', type: 'boolean' },
    ], { stopAtFirstPositional: true });
    const [ref, ...cmd] = positionals;
    if (!ref || !cmd.length) { console.error('bosun exec: requires at least 2 arguments'); return 1; }
    const c = clientFor(flags);
    const tty = Boolean(flags.tty);
    const stdin = Boolean(flags.interactive);
    const detach = Boolean(flags.detach);
    const size = tty && process.stdout.isTTY ? [process.stdout.rows, process.stdout.columns] : undefined;
    const { Id } = await c.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(ref)}/exec`, {
      body: {
        User: (flags.user as string | undefined) ?? '',
        Privileged: Boolean(flags.privileged),
        Tty: tty,
        ConsoleSize: size ?? null,
        AttachStdin: stdin && !detach,
        AttachStdout: !detach,
        AttachStderr: !detach,
        Detach: detach,
        Env: flags.env,
        WorkingDir: (flags.workdir as string | undefined) ?? '',
        Cmd: cmd,
      },
    });
    if (detach) {
      await c.call('POST', `/exec/${Id}/start`, { body: { Detach: true, Tty: tty } });
      return 0;
    }
    const session = await c.hijack(`/exec/${Id}/start`, { body: { Detach: false, Tty: tty, ConsoleSize: size ?? null } });
    await pump(c, session, { tty, stdin, resizePath: tty ? `/exec/${Id}/resize` : undefined });
    const info = await c.json<{ ExitCode: number | null }>('GET', `/exec/${Id}/json`);
    return info.ExitCode ?? 0;
  },
};
