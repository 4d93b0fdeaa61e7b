/** `bosun run` and `bosun create`: the docker CLI's sequence (create, attach, wait, start). */
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { isKind } from '../../errors/index.js';
import { clientFor, type EngineClient } from './client.js';
import { buildCreateBody, createFlags } from './create-body.js';
import { pump } from './streams.js';

async function createContainer(client: EngineClient, flags: Record<string, unknown>, image: string, cmd: string[]): Promise<string> {
  const body = buildCreateBody(flags, image, cmd);
  try {
    const r = await client.json<{ Id: string; Warnings?: string[] }>('POST', '/containers/create', { query: { name: flags.name as string | undefined }, body });
    for (const w of r.Warnings ?? []) console.error(`WARNING: ${w}`);
    return r.Id;
  } catch (err) {
    if (isKind(err, 'NotFound') && !/container/i.test(err.message)) {
      console.error(`Unable to find image '${image.includes(':') || image.includes('@') ? image : `${image}:latest`}' locally`);
    }
    throw err;
  }
}

export const createVerb: Verb = {
  name: 'create',
  summary: 'Create a container without starting it',
  usage: 'bosun create [flags] IMAGE [COMMAND] [ARG...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, createFlags, { stopAtFirstPositional: true });
    const [image, ...cmd] = positionals;
    if (!image) { console.error('bosun create: requires at least 1 argument'); return 125; }
    console.log(await createContainer(clientFor(flags), flags, image, cmd));
    return 0;
  },
};

export const runVerb: Verb = {
  name: 'run',
  summary: 'Create and run a container (attached, -d detached, -it interactive, --rm)',
  usage: 'bosun run [-d] [-i] [-t] [--rm] [--name N] [-e K=V] [-p [IP:]HOST:CTR] [-v SRC:DST] [--network N] [--restart P] [-m SIZE] [--cpus N] [-w DIR] [-u USER] [--entrypoint E] [-h HOST] IMAGE [COMMAND] [ARG...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, createFlags, { stopAtFirstPositional: true });
    const [image, ...cmd] = positionals;
    if (!image) { console.error('bosun run: requires at least 1 argument'); return 125; }
    if (flags.detach && flags.rm && flags.restart && flags.restart !== 'no') {
      console.error('bosun run: conflicting options: cannot both set --restart and --rm');
      return 125;
    }
    const client = clientFor(flags);
    let id: string;
    try {
      id = await createContainer(client, flags, image, cmd);
    } catch (err) {
      console.error(`Error: ${(err as Error).message}`);
      return 125;
    }
    if (flags.detach) {
      try {
        await client.call('POST', `/containers/${id}/start`);
      } catch (err) {
        console.error(`Error: ${(err as Error).message}`);
        if (flags.rm) await client.call('DELETE', `/containers/${id}`, { query: { force: true } }).catch(() => undefined);
        return 127;
      }
      console.log(id);
      return 0;
    }
    const tty = Boolean(flags.tty);
    const stdin = Boolean(flags.interactive);
    const session = await client.hijack(`/containers/${id}/attach`, { query: { stream: true, stdin, stdout: true, stderr: true } });
    const waitRes = await client.request('POST', `/containers/${id}/wait`, { query: { condition: flags.rm ? 'removed' : 'next-exit' } });
    const waitBody = (async () => {
      let text = '';
      for await (const d of waitRes) text += d;
      return JSON.parse(text) as { StatusCode: number; Error?: { Message?: string } | null };
    })();
    try {
      await client.call('POST', `/containers/${id}/start`);
    } catch (err) {
      session.socket.destroy();
      console.error(`Error: ${(err as Error).message}`);
      if (flags.rm) await client.call('DELETE', `/containers/${id}`, { query: { force: true } }).catch(() => undefined);
      return 127;
    }
    // Signals go to the container, as docker's sig-proxy does, while it runs attached.
    const forward = (sig: NodeJS.Signals) => void client.call('POST', `/containers/${id}/kill`, { query: { signal: sig.replace(/^SIG/, '') } }).catch(() => undefined);
    if (!tty) { process.on('SIGINT', forward); process.on('SIGTERM', forward); }
    try {
      await pump(client, session, { tty, stdin, resizePath: tty ? `/containers/${id}/resize` : undefined });
      const result = await waitBody;
      if (result.Error?.Message) console.error(`Error: ${result.Error.Message}`);
      return result.StatusCode;
    } finally {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    }
  },
};
