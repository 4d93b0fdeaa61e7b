/** Exec: create on a running container, start (hijacked, or detached), inspect, resize. */
import type { Route } from '../router.js';
import type { Ctx } from '../context.js';
import type { ExecCreate } from '../../containers/types.js';
import { badRequest, toBosunError } from '../../../errors/index.js';
import { empty, json, statusOf } from '../reply.js';
import { intParam } from '../query.js';
import { streamContentType } from '../version.js';
import { encodeChunk } from './containers.js';

async function create(ctx: Ctx): Promise<void> {
  const body = await ctx.json<ExecCreate & { Cmd?: string[] | string }>();
  const cmd = typeof body.Cmd === 'string' ? [body.Cmd] : body.Cmd;
  if (!cmd?.length) throw badRequest('No exec command specified');
  json(ctx, 201, await ctx.engine.containers.execCreate(ctx.params.id, { ...body, Cmd: cmd }));
}

interface StartBody {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
}

async function start(ctx: Ctx): Promise<void> {
  const body = await ctx.json<StartBody>();
  const info = await ctx.engine.containers.execInspect(ctx.params.id);
  const pc = (info.ProcessConfig ?? {}) as { tty?: boolean };
  const tty = Boolean(body.Tty ?? pc.tty);
  const consoleSize = body.ConsoleSize ?? undefined;
  if (body.Detach) {
    await ctx.engine.containers.execStart(ctx.params.id, { detach: true, tty, consoleSize });
    return empty(ctx, 200);
  }
  const h = ctx.hijack();
  const stdin = info.OpenStdin && h.upgraded ? h.stdin() : undefined;
  h.start(streamContentType(ctx.minor, tty));
  try {
    await ctx.engine.containers.execStart(ctx.params.id, {
      tty,
      consoleSize,
      streams: { stdin, onOutput: (chunk) => h.write(encodeChunk(chunk, tty)) },
    }, h.signal);
    h.end();
  } catch (err) {
    const e = toBosunError(err);
    h.fail(statusOf(e), e.message, tty);
  }
}

async function inspect(ctx: Ctx): Promise<void> {
  json(ctx, 200, await ctx.engine.containers.execInspect(ctx.params.id));
}

async function resize(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.execResize(ctx.params.id, intParam(ctx.query, 'h') ?? 0, intParam(ctx.query, 'w') ?? 0);
  empty(ctx, 200);
}

export const execRoutes: Route[] = [
  { method: 'POST', pattern: '/containers/{id}/exec', handler: create },
  { method: 'POST', pattern: '/exec/{id}/start', handler: start, hijack: true },
  { method: 'POST', pattern: '/exec/{id}/resize', handler: resize },
  { method: 'GET', pattern: '/exec/{id}/json', handler: inspect },
];
