/** `/containers/…`: lifecycle, inspect/list, logs, wait, attach, stats, archive, top, prune. */
import type { Route } from '../router.js';
import type { Ctx } from '../context.js';
import type { ContainerInspect, CreateRequest, OutputChunk } from '../../containers/types.js';
import { badRequest } from '../../../errors/index.js';
import { empty, json, openStream, res } from '../reply.js';
import { boolParam, filtersParam, intParam, timeParam } from '../query.js';
import { streamContentType } from '../version.js';
import { frame, STDERR, STDOUT } from '../stdcopy.js';
import { isKind, toBosunError } from '../../../errors/index.js';
import { statusOf } from '../reply.js';

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const WAIT_CONDITIONS = new Set(['not-running', 'next-exit', 'removed']);

async function isTty(ctx: Ctx, ref: string): Promise<{ id: string; tty: boolean }> {
  const c = await ctx.engine.containers.inspect(ref);
  return { id: c.Id, tty: Boolean(c.Config.Tty) };
}

/**
 * Docker prints log timestamps as UTC RFC 3339 with nine fraction digits; conmon records local
 * offsets (`+01:00`) and may drop trailing zeros.
 */
export function utcNano(t: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return t;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  const base = m[3] === 'Z' || m[3] === '+00:00' ? m[1] : new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19);
  return `${base}.${frac}Z`;
}

/** Output chunk → bytes on the wire: raw for a TTY, stdcopy frames otherwise. */
export function encodeChunk(chunk: OutputChunk, tty: boolean, timestamps = false): Buffer {
  const payload = timestamps && chunk.time ? Buffer.concat([Buffer.from(utcNano(chunk.time) + ' '), chunk.data]) : chunk.data;
  return tty ? payload : frame(chunk.stream === 'stderr' ? STDERR : STDOUT, payload);
}

async function create(ctx: Ctx): Promise<void> {
  const name = ctx.query.get('name') || undefined;
  if (name !== undefined && !NAME.test(name)) throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const body = await ctx.json<CreateRequest>();
  if (!body || typeof body !== 'object' || !body.Image) throw badRequest('Config cannot be empty in order to create a container');
  json(ctx, 201, await ctx.engine.containers.create(name?.replace(/^\//, ''), withDefaultNetwork(body)));
}

/**
 * The docker CLI names the daemon's default network `default`, in `HostConfig.NetworkMode` and as
 * the `EndpointsConfig` key (`{"default": {...}}` when no --network is given); it means `bridge`.
 */
function withDefaultNetwork(body: CreateRequest): CreateRequest {
  const mode = body.HostConfig?.NetworkMode;
  const eps = body.NetworkingConfig?.EndpointsConfig;
  if (mode !== undefined && mode !== '' && mode !== 'default' && !eps?.default) return body;
  const resolved = !mode || mode === 'default' ? 'bridge' : mode;
  const out: CreateRequest = { ...body, HostConfig: { ...body.HostConfig, NetworkMode: resolved } };
  if (eps?.default) {
    const { default: dflt, ...rest } = eps;
    out.NetworkingConfig = { ...body.NetworkingConfig, EndpointsConfig: { ...rest, [resolved]: rest[resolved] ?? dflt } };
  }
  return out;
}

async function list(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const limit = intParam(q, 'limit');
  json(ctx, 200, await ctx.engine.containers.list({
    all: boolParam(q, 'all'),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    size: boolParam(q, 'size'),
    filters: filtersParam(q),
  }));
}

/**
 * docker-py's `containers.run()` streams logs only when `HostConfig.LogConfig.Type` is
 * `json-file` or `journald` (and crashes when LogConfig is absent); the engine's logs behave like
 * json-file's (kept after exit, readable with follow/tail/since), so an unset driver reads as that.
 */
function withLogConfig(c: ContainerInspect): ContainerInspect {
  const lc = c.HostConfig.LogConfig;
  if (lc?.Type) return c;
  return { ...c, HostConfig: { ...c.HostConfig, LogConfig: { Type: 'json-file', Config: lc?.Config ?? {} } } };
}

async function inspect(ctx: Ctx): Promise<void> {
  json(ctx, 200, withLogConfig(await ctx.engine.containers.inspect(ctx.params.id, { size: boolParam(ctx.query, 'size') })));
}

/** Stop/restart grace period: `t` (all versions) or `timeout` (what some SDKs send). */
function stopOpts(ctx: Ctx): { timeout?: number; signal?: string } {
  const timeout = intParam(ctx.query, 't') ?? intParam(ctx.query, 'timeout');
  const signal = ctx.query.get('signal') || undefined;
  return { timeout: timeout !== undefined && timeout >= 0 ? timeout : undefined, signal };
}

/**
 * A container with AutoRemove whose start fails is removed, as the engine does: `docker run --rm`
 * waits for `condition=removed` after a failed start and would otherwise hang.
 */
async function start(ctx: Ctx): Promise<void> {
  const { containers } = ctx.engine;
  try {
    await containers.start(ctx.params.id);
  } catch (err) {
    if (!isKind(err, 'NotModified') && !isKind(err, 'NotFound')) {
      const c = await containers.inspect(ctx.params.id).catch(() => undefined);
      if (c?.HostConfig.AutoRemove && !c.State.Running) await containers.remove(c.Id, { force: true }).catch(() => undefined);
    }
    throw err;
  }
  empty(ctx, 204);
}

async function stop(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.stop(ctx.params.id, stopOpts(ctx));
  empty(ctx, 204);
}

async function restart(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.restart(ctx.params.id, stopOpts(ctx));
  empty(ctx, 204);
}

async function kill(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.kill(ctx.params.id, ctx.query.get('signal') || undefined);
  empty(ctx, 204);
}

async function pause(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.pause(ctx.params.id);
  empty(ctx, 204);
}

async function unpause(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.unpause(ctx.params.id);
  empty(ctx, 204);
}

async function remove(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.remove(ctx.params.id, { force: boolParam(ctx.query, 'force'), volumes: boolParam(ctx.query, 'v') });
  empty(ctx, 204);
}

async function rename(ctx: Ctx): Promise<void> {
  const name = ctx.query.get('name') ?? '';
  if (!NAME.test(name)) throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  await ctx.engine.containers.rename(ctx.params.id, name.replace(/^\//, ''));
  empty(ctx, 204);
}

async function resize(ctx: Ctx): Promise<void> {
  const h = intParam(ctx.query, 'h') ?? 0;
  const w = intParam(ctx.query, 'w') ?? 0;
  await ctx.engine.containers.resize(ctx.params.id, h, w);
  empty(ctx, 200);
}

async function top(ctx: Ctx): Promise<void> {
  json(ctx, 200, await ctx.engine.containers.top(ctx.params.id, ctx.query.get('ps_args') || undefined));
}

async function prune(ctx: Ctx): Promise<void> {
  json(ctx, 200, await ctx.engine.containers.prune());
}

/** Headers go out at once: the CLI opens the wait before start and may abandon it (`run -d`). */
async function wait(ctx: Ctx): Promise<void> {
  const condition = ctx.query.get('condition') || 'not-running';
  if (!WAIT_CONDITIONS.has(condition)) throw badRequest(`invalid condition: "${condition}"`);
  // Resolve the reference first so a missing container is a 404, not an error inside a 200.
  const { id } = await isTty(ctx, ctx.params.id);
  const r = openStream(ctx, 'application/json');
  try {
    const result = await ctx.engine.containers.wait(id, condition as 'not-running' | 'next-exit' | 'removed', ctx.signal);
    r.end(JSON.stringify({ StatusCode: result.StatusCode, Error: result.Error ?? null }) + '\n');
  } catch (err) {
    if (ctx.signal.aborted) return;
    r.end(JSON.stringify({ StatusCode: -1, Error: { Message: toBosunError(err).message } }) + '\n');
  }
}

async function logs(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const stdout = boolParam(q, 'stdout');
  const stderr = boolParam(q, 'stderr');
  if (!stdout && !stderr) throw badRequest('Bad parameters: you must choose at least one stream');
  const tailRaw = q.get('tail');
  const tailN = tailRaw === null || tailRaw === '' || tailRaw === 'all' ? 'all' : Number(tailRaw);
  const tail = tailN === 'all' || !Number.isFinite(tailN) || tailN < 0 ? 'all' : tailN;
  const timestamps = boolParam(q, 'timestamps');
  const { id, tty } = await isTty(ctx, ctx.params.id);
  const it = ctx.engine.containers.logs(id, {
    stdout,
    stderr,
    follow: boolParam(q, 'follow'),
    since: timeParam(q, 'since'),
    until: timeParam(q, 'until'),
    timestamps,
    tail,
  }, ctx.signal);
  const r = openStream(ctx, streamContentType(ctx.minor, tty));
  try {
    for await (const chunk of it) r.write(encodeChunk(chunk, tty, timestamps));
  } catch (err) {
    if (!ctx.signal.aborted && !tty) r.write(frame(3, Buffer.from(toBosunError(err).message + '\n')));
  }
  r.end();
}

/**
 * Attach: the container's stdio over a hijacked connection. Stdin may arrive (with its EOF) before
 * the container starts; the container manager buffers it from attach time.
 */
async function attach(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const { id, tty } = await isTty(ctx, ctx.params.id);
  const wantStdin = boolParam(q, 'stdin');
  const wantOut = boolParam(q, 'stdout');
  const wantErr = boolParam(q, 'stderr');
  const h = ctx.hijack();
  const stdin = wantStdin && h.upgraded ? h.stdin() : undefined;
  h.start(streamContentType(ctx.minor, tty));
  try {
    if (boolParam(q, 'logs')) {
      for await (const chunk of ctx.engine.containers.logs(id, { stdout: wantOut, stderr: wantErr, follow: false, timestamps: false }, h.signal)) {
        h.write(encodeChunk(chunk, tty));
      }
    }
    if (boolParam(q, 'stream', !boolParam(q, 'logs'))) {
      await ctx.engine.containers.attach(id, {
        stdin,
        onOutput: (chunk) => {
          if (chunk.stream === 'stderr' ? wantErr || tty : wantOut) h.write(encodeChunk(chunk, tty));
        },
      }, h.signal);
    }
    h.end();
  } catch (err) {
    const e = toBosunError(err);
    h.fail(statusOf(e), e.message, tty);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * Stats: one object per second while streaming; with stream=0 two samples a second apart so that
 * `precpu_stats` is filled (the CLI's CPU % needs both), unless one-shot=1.
 */
async function stats(ctx: Ctx): Promise<void> {
  const stream = boolParam(ctx.query, 'stream', true);
  const oneShot = boolParam(ctx.query, 'one-shot');
  const c = await ctx.engine.containers.inspect(ctx.params.id);
  const sample = async (prev: Record<string, unknown> | undefined) => {
    const s = await ctx.engine.containers.stats(c.Id);
    return prev ? { ...s, preread: prev.read, precpu_stats: prev.cpu_stats } : s;
  };
  if (!stream) {
    let s = await sample(undefined);
    if (!oneShot && c.State.Running) {
      await sleep(1000, ctx.signal);
      if (ctx.signal.aborted) return;
      s = await sample(s);
    }
    return json(ctx, 200, s);
  }
  const r = openStream(ctx, 'application/json');
  let prev: Record<string, unknown> | undefined;
  while (!ctx.signal.aborted) {
    prev = await sample(prev);
    r.write(JSON.stringify(prev) + '\n');
    await sleep(1000, ctx.signal);
  }
  r.end();
}

function archivePath(ctx: Ctx): string {
  const p = ctx.query.get('path');
  if (!p) throw badRequest('Bad parameters: path must not be empty');
  return p;
}

async function archiveHead(ctx: Ctx): Promise<void> {
  const { stat, tar } = await ctx.engine.containers.archiveGet(ctx.params.id, archivePath(ctx));
  tar.destroy();
  const r = res(ctx);
  r.writeHead(200, { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64'), 'Content-Length': 0 });
  r.end();
}

async function archiveGet(ctx: Ctx): Promise<void> {
  const { stat, tar } = await ctx.engine.containers.archiveGet(ctx.params.id, archivePath(ctx));
  const r = openStream(ctx, 'application/x-tar', { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64') });
  ctx.signal.addEventListener('abort', () => tar.destroy());
  for await (const chunk of tar) r.write(chunk);
  r.end();
}

async function archivePut(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.archivePut(ctx.params.id, archivePath(ctx), ctx.req);
  empty(ctx, 200);
}

export const containerRoutes: Route[] = [
  { method: 'POST', pattern: '/containers/create', handler: create },
  { method: 'GET', pattern: '/containers/json', handler: list },
  { method: 'POST', pattern: '/containers/prune', handler: prune },
  { method: 'GET', pattern: '/containers/{id}/json', handler: inspect },
  { method: 'POST', pattern: '/containers/{id}/start', handler: start },
  { method: 'POST', pattern: '/containers/{id}/stop', handler: stop },
  { method: 'POST', pattern: '/containers/{id}/restart', handler: restart },
  { method: 'POST', pattern: '/containers/{id}/kill', handler: kill },
  { method: 'POST', pattern: '/containers/{id}/pause', handler: pause },
  { method: 'POST', pattern: '/containers/{id}/unpause', handler: unpause },
  { method: 'POST', pattern: '/containers/{id}/rename', handler: rename },
  { method: 'POST', pattern: '/containers/{id}/resize', handler: resize },
  { method: 'POST', pattern: '/containers/{id}/wait', handler: wait },
  { method: 'POST', pattern: '/containers/{id}/attach', handler: attach, hijack: true },
  { method: 'GET', pattern: '/containers/{id}/logs', handler: logs },
  { method: 'GET', pattern: '/containers/{id}/stats', handler: stats },
  { method: 'GET', pattern: '/containers/{id}/top', handler: top },
  { method: 'HEAD', pattern: '/containers/{id}/archive', handler: archiveHead },
  { method: 'GET', pattern: '/containers/{id}/archive', handler: archiveGet },
  { method: 'PUT', pattern: '/containers/{id}/archive', handler: archivePut },
  { method: 'DELETE', pattern: '/containers/{id}', handler: remove },
];
