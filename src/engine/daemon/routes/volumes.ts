/** `/volumes/…`: list, inspect, create, remove, prune. */
import type { Route } from '../router.js';
import type { Ctx } from '../context.js';
import { badRequest, notFound } from '../../../errors/index.js';
import { boolParam, filtersParam } from '../query.js';
import { empty, json } from '../reply.js';

async function list(ctx: Ctx): Promise<void> {
  json(ctx, 200, { Volumes: await ctx.engine.volumes.list(filtersParam(ctx.query)), Warnings: null });
}

async function inspect(ctx: Ctx): Promise<void> {
  json(ctx, 200, await ctx.engine.volumes.get(ctx.params.name));
}

interface CreateBody {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

async function create(ctx: Ctx): Promise<void> {
  const b = await ctx.json<CreateBody>();
  if (b.Driver && b.Driver !== 'local') throw notFound(`error looking up volume plugin ${b.Driver}: plugin "${b.Driver}" not found`);
  if (b.Name && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(b.Name)) {
    throw badRequest(`create ${b.Name}: "${b.Name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  json(ctx, 201, await ctx.engine.volumes.create(b.Name || undefined, { labels: b.Labels ?? {}, driverOpts: b.DriverOpts ?? {} }));
}

async function remove(ctx: Ctx): Promise<void> {
  await ctx.engine.volumes.remove(ctx.params.name, { force: boolParam(ctx.query, 'force') });
  empty(ctx, 204);
}

/** From API 1.42 prune removes only anonymous volumes unless the `all` filter says otherwise. */
async function prune(ctx: Ctx): Promise<void> {
  const f = filtersParam(ctx.query);
  const all = f.all?.length ? boolParam(new URLSearchParams({ a: f.all[0] }), 'a') : ctx.minor < 42;
  json(ctx, 200, await ctx.engine.volumes.prune({ all }));
}

export const volumeRoutes: Route[] = [
  { method: 'GET', pattern: '/volumes', handler: list },
  { method: 'POST', pattern: '/volumes/create', handler: create },
  { method: 'POST', pattern: '/volumes/prune', handler: prune },
  { method: 'GET', pattern: '/volumes/{name}', handler: inspect },
  { method: 'DELETE', pattern: '/volumes/{name}', handler: remove },
];
