/** `/images/…`: list, inspect, history, tag, remove, prune, import, save, load; pull is refused. */
import { Transform } from 'node:stream';
import type { Route } from '../router.js';
import type { Ctx } from '../context.js';
import type { Image } from '../../images/types.js';
import { badRequest, notFound, toBosunError } from '../../../errors/index.js';
import { json, openStream, progressError } from '../reply.js';
import { boolParam, filtersParam, labelsMatch } from '../query.js';

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000) || 0;

/** `GET /images/json` item. */
export function imageSummary(i: Image): Record<string, unknown> {
  return {
    Id: i.id,
    ParentId: '',
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Created: unix(i.created),
    Size: i.size,
    SharedSize: -1,
    Labels: i.config.Labels ?? {},
    Containers: -1,
  };
}

function imageInspect(i: Image): Record<string, unknown> {
  const c = i.config;
  return {
    Id: i.id,
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Parent: '',
    Comment: i.comment ?? '',
    Created: i.created,
    DockerVersion: '',
    Author: i.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: c.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: c.ExposedPorts ?? null,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.Env ?? null,
      Cmd: c.Cmd ?? null,
      Healthcheck: c.Healthcheck,
      Image: '',
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir ?? '',
      Entrypoint: c.Entrypoint ?? null,
      OnBuild: null,
      Labels: c.Labels ?? null,
      StopSignal: c.StopSignal,
      Shell: c.Shell,
    },
    Architecture: i.architecture,
    Os: i.os,
    Size: i.size,
    GraphDriver: { Name: 'overlayfs', Data: null },
    RootFS: { Type: 'layers', Layers: i.diffIds },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
    Descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: i.manifestDigest, size: 0 },
  };
}

/** Docker's reference filter: a glob over `repo:tag` or `repo`, `*` not crossing `/`. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
  return re.test(value);
}

function referenceMatches(i: Image, patterns: string[]): boolean {
  return i.repoTags.some((t) => {
    const repo = t.slice(0, t.lastIndexOf(':') > t.lastIndexOf('/') ? t.lastIndexOf(':') : t.length);
    return patterns.some((p) => globMatch(p, t) || globMatch(p, repo));
  });
}

async function list(ctx: Ctx): Promise<void> {
  const f = filtersParam(ctx.query);
  let imgs = await ctx.engine.images.list();
  if (f.dangling?.length) {
    const want = boolParam(new URLSearchParams({ d: f.dangling[0] }), 'd');
    imgs = imgs.filter((i) => (i.repoTags.length === 0) === want);
  }
  if (f.reference?.length) imgs = imgs.filter((i) => referenceMatches(i, f.reference));
  if (f.label?.length) imgs = imgs.filter((i) => labelsMatch(i.config.Labels, f.label));
  json(ctx, 200, imgs.map(imageSummary));
}

async function inspect(ctx: Ctx): Promise<void> {
  json(ctx, 200, imageInspect(await ctx.engine.images.get(ctx.params.name)));
}

async function history(ctx: Ctx): Promise<void> {
  const i = await ctx.engine.images.get(ctx.params.name);
  const entries = i.history.length ? i.history : [{ created: i.created, created_by: '', empty_layer: false }];
  const out = entries.map((h, idx) => ({
    Id: idx === entries.length - 1 ? i.id : '<missing>',
    Created: unix(h.created ?? i.created),
    CreatedBy: h.created_by ?? '',
    Tags: idx === entries.length - 1 ? i.repoTags : null,
    Size: 0,
    Comment: h.comment ?? '',
  }));
  json(ctx, 200, out.reverse());
}

async function tag(ctx: Ctx): Promise<void> {
  const repo = ctx.query.get('repo');
  if (!repo) throw badRequest('repository name must have at least one component');
  const t = ctx.query.get('tag');
  await ctx.engine.images.tag(ctx.params.name, t ? `${repo}:${t}` : repo);
  const r = ctx.res!;
  r.writeHead(201, { 'Content-Length': 0 });
  r.end();
}

async function remove(ctx: Ctx): Promise<void> {
  json(ctx, 200, await ctx.engine.images.remove(ctx.params.name, { force: boolParam(ctx.query, 'force'), noPrune: boolParam(ctx.query, 'noprune') }));
}

async function prune(ctx: Ctx): Promise<void> {
  const f = filtersParam(ctx.query);
  const all = f.dangling?.length ? !boolParam(new URLSearchParams({ d: f.dangling[0] }), 'd') : false;
  const used = new Set((await ctx.engine.containers.list({ all: true })).map((c) => String(c.ImageID ?? '')));
  const { deleted, spaceReclaimed } = await ctx.engine.images.prune({ all, isUsed: (id) => used.has(id) });
  json(ctx, 200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: spaceReclaimed });
}

/**
 * `POST /images/create`: `fromSrc=-` imports the request body as a rootfs. `fromImage` (pull)
 * has no registry to go to yet and is refused before anything is written, never contacting a host.
 */
async function createImage(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const fromImage = q.get('fromImage');
  const fromSrc = q.get('fromSrc');
  if (fromImage) {
    throw notFound(`pull access denied for ${fromImage}, repository does not exist or may require 'docker login': this Bosun has no registry to pull from; use local images (bosun images), docker load or docker import`);
  }
  if (fromSrc === null) throw badRequest('fromImage or fromSrc is required');
  if (fromSrc !== '-') throw badRequest(`importing from ${fromSrc} is not supported: send the tarball in the request body (fromSrc=-)`);
  const repo = q.get('repo');
  const t = q.get('tag');
  const ref = repo ? (t ? `${repo}:${t}` : repo) : undefined;
  const changes = q.getAll('changes').filter(Boolean);
  const r = openStream(ctx, 'application/json');
  try {
    const img = await ctx.engine.images.importTar(ctx.req, { ref, changes, message: q.get('message') ?? undefined, platform: q.get('platform') ?? undefined });
    r.end(JSON.stringify({ status: img.id }) + '\n');
  } catch (err) {
    progressError(r, toBosunError(err).message);
    r.end();
  }
}

async function saveTar(ctx: Ctx, refs: string[]): Promise<void> {
  if (!refs.length) throw badRequest('no image names given');
  // Resolve every name first so a typo is a 404, not a broken tar after a 200.
  for (const ref of refs) await ctx.engine.images.get(ref);
  const tar = await ctx.engine.images.save(refs);
  const r = openStream(ctx, 'application/x-tar');
  ctx.signal.addEventListener('abort', () => tar.destroy());
  try {
    for await (const chunk of tar) if (!r.write(chunk)) await new Promise((ok) => r.once('drain', ok));
    r.end();
  } catch {
    r.destroy();
  }
}

async function save(ctx: Ctx): Promise<void> {
  await saveTar(ctx, ctx.query.getAll('names'));
}

async function saveOne(ctx: Ctx): Promise<void> {
  await saveTar(ctx, [ctx.params.name]);
}

async function load(ctx: Ctx): Promise<void> {
  const quiet = boolParam(ctx.query, 'quiet');
  const r = openStream(ctx, 'application/json');
  const total = Number(ctx.req.headers['content-length'] ?? 0) || undefined;
  let received = 0;
  let last = 0;
  // Counts bytes on their way to the store; the client's progress bar is the upload itself.
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      const now = Date.now();
      if (!quiet && now - last >= 200) {
        last = now;
        r.write(JSON.stringify({ status: 'Loading', progressDetail: { current: received, total }, id: 'archive' }) + '\n');
      }
      cb(null, chunk);
    },
  });
  ctx.req.pipe(counted);
  try {
    const refs = await ctx.engine.images.load(counted);
    for (const ref of refs) {
      const line = ref.startsWith('sha256:') ? `Loaded image ID: ${ref}\n` : `Loaded image: ${ref}\n`;
      r.write(JSON.stringify({ stream: line }) + '\n');
    }
  } catch (err) {
    progressError(r, toBosunError(err).message);
  }
  r.end();
}

export const imageRoutes: Route[] = [
  { method: 'GET', pattern: '/images/json', handler: list },
  { method: 'POST', pattern: '/images/create', handler: createImage },
  { method: 'POST', pattern: '/images/load', handler: load },
  { method: 'GET', pattern: '/images/get', handler: save },
  { method: 'POST', pattern: '/images/prune', handler: prune },
  { method: 'GET', pattern: '/images/{name+}/json', handler: inspect },
  { method: 'GET', pattern: '/images/{name+}/history', handler: history },
  { method: 'GET', pattern: '/images/{name+}/get', handler: saveOne },
  { method: 'POST', pattern: '/images/{name+}/tag', handler: tag },
  { method: 'DELETE', pattern: '/images/{name+}', handler: remove },
];
