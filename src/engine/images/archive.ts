/**
 * `docker save` / `docker load` archives. What save writes is what Docker 25+ writes: an OCI image
 * layout and the legacy docker-archive files side by side, over the same blobs, so Docker,
 * Podman, skopeo and other OCI tools can all read it:
 *
 *   blobs/sha256/<hex>       manifests, configs, layers (layers as stored)
 *   index.json               one descriptor per saved name (annotated), or per image saved by ID
 *   manifest.json            [{"Config": "blobs/sha256/…", "RepoTags": [...], "Layers": [...]}]
 *   oci-layout               {"imageLayoutVersion":"1.0.0"}
 *   repositories             {"busybox": {"latest": "<top layer hex>"}}
 *
 * Load accepts that, the older docker-archive (`<id>.json`, `<layer>/layer.tar`, symlinked
 * duplicates) and plain OCI layouts, gzip or not. The archive is staged to disk first because
 * nothing obliges a writer to put manifest.json before the blobs it names.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { badRequest } from '../../errors/index.js';
import type { Image } from './types.js';
import type { Descriptor } from './layout.js';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME } from './layout.js';
import { canonicalString, familiarName, familiarString, parseNormalized, parseTagReference, type Reference } from './reference.js';
import { readTar, maybeGunzip, writeTar, type TarInput } from './tar.js';
import { cleanPath } from './unpack.js';
import type { OciImageStore, ManifestJson } from './oci-store.js';
import { MEDIA, hostArchitecture } from './media.js';

export interface SaveItem {
  manifest: Descriptor;
  /** Names to record; empty when the image was saved by ID. */
  names: Reference[];
}

function dirEntry(name: string): TarInput {
  return { header: { name, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 } };
}

function jsonEntry(name: string, value: unknown): TarInput {
  const body = Buffer.from(JSON.stringify(value));
  return { header: { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 }, body };
}

export async function* saveArchive(store: OciImageStore, items: SaveItem[]): AsyncGenerator<Buffer> {
  const blobs: string[] = [];
  const add = (d: string) => { if (!blobs.includes(d)) blobs.push(d); };
  const index: Descriptor[] = [];
  const legacy: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  const blobName = (d: string) => `blobs/sha256/${d.slice('sha256:'.length)}`;
  for (const item of items) {
    const m = store.manifest(item.manifest.digest);
    for (const l of m.layers) add(l.digest);
    add(m.config.digest);
    add(item.manifest.digest);
    const base: Descriptor = { mediaType: item.manifest.mediaType, digest: item.manifest.digest, size: item.manifest.size };
    if (!item.names.length) index.push(base);
    for (const n of item.names) {
      index.push({ ...base, annotations: { [ANNOTATION_IMAGE_NAME]: canonicalString(n), [ANNOTATION_REF_NAME]: n.tag ?? '' } });
      const top = m.layers[m.layers.length - 1];
      if (top && n.tag) (repositories[familiarName(n)] ??= {})[n.tag] = top.digest.slice('sha256:'.length);
    }
    legacy.push({
      Config: blobName(m.config.digest),
      RepoTags: item.names.length ? item.names.map(familiarString) : null,
      Layers: m.layers.map((l) => blobName(l.digest)),
    });
  }
  const entries = async function* (): AsyncGenerator<TarInput> {
    yield dirEntry('blobs/');
    yield dirEntry('blobs/sha256/');
    for (const d of blobs) {
      const size = store.blobSize(d);
      yield {
        header: { name: blobName(d), type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtime: 0 },
        body: store.readBlob(d) as AsyncIterable<Buffer>,
      };
    }
    yield jsonEntry('index.json', { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: index });
    yield jsonEntry('manifest.json', legacy);
    yield jsonEntry('oci-layout', { imageLayoutVersion: '1.0.0' });
    if (Object.keys(repositories).length) yield jsonEntry('repositories', repositories);
  };
  yield* writeTar(entries());
}

const INDEX_TYPES: string[] = [MEDIA.ociIndex, MEDIA.dockerManifestList];

class Staging {
  private readonly files = new Map<string, string>();
  private readonly links = new Map<string, string>();
  private readonly blobs = new Map<string, { digest: string; size: number; gzip: boolean }>();
  /** Digests this load put into the store; whatever the index does not name afterwards goes. */
  readonly linked = new Set<string>();
  private n = 0;

  constructor(readonly dir: string, private readonly store: OciImageStore) {}

  async fill(tar: Readable): Promise<void> {
    for await (const { header, body } of readTar(maybeGunzip(tar))) {
      const rel = cleanPath(header.name);
      if (!rel) continue;
      if (header.type === 'file') {
        // Flat numbered files: the archive's own directory structure never touches the disk.
        const abs = join(this.dir, String(this.n++));
        const fd = fs.openSync(abs, 'w', 0o644);
        try {
          for await (const c of body) { let off = 0; while (off < c.length) off += fs.writeSync(fd, c, off); }
        } finally {
          fs.closeSync(fd);
        }
        this.files.set(rel, abs);
      } else if (header.type === 'symlink') {
        const target = header.linkname ?? '';
        this.links.set(rel, cleanPath(target.startsWith('/') ? target : posix.join(posix.dirname(rel), target)));
      } else if (header.type === 'hardlink') {
        this.links.set(rel, cleanPath(header.linkname ?? ''));
      }
    }
  }

  path(relRaw: string): string | undefined {
    let rel = cleanPath(relRaw);
    for (let hops = 0; hops < 16; hops++) {
      const f = this.files.get(rel);
      if (f) return f;
      const next = this.links.get(rel);
      if (next === undefined) return undefined;
      rel = next;
    }
    return undefined;
  }

  read(rel: string): Buffer {
    const p = this.path(rel);
    if (!p) throw badRequest(`invalid image archive: ${rel} is missing`);
    return fs.readFileSync(p);
  }

  has(rel: string): boolean {
    return this.path(rel) !== undefined;
  }

  /** Verifies a staged file's digest and links it into the blob store. */
  async blob(rel: string, expected?: string): Promise<{ digest: string; size: number; gzip: boolean }> {
    const p = this.path(rel);
    if (!p) throw badRequest(`invalid image archive: ${rel} is missing`);
    const cached = this.blobs.get(p);
    if (cached) {
      if (expected && cached.digest !== expected) throw badRequest(`invalid image archive: ${rel} has digest ${cached.digest}, expected ${expected}`);
      return cached;
    }
    const hash = createHash('sha256');
    let size = 0;
    let head: Buffer | undefined;
    for await (const c of fs.createReadStream(p) as AsyncIterable<Buffer>) {
      head ??= c.subarray(0, 2);
      hash.update(c);
      size += c.length;
    }
    const digest = 'sha256:' + hash.digest('hex');
    if (expected && digest !== expected) throw badRequest(`invalid image archive: ${rel} has digest ${digest}, expected ${expected}`);
    if (!this.store.layout.hasBlob(digest)) {
      fs.linkSync(p, this.store.layout.blobPath(digest));
      this.linked.add(digest);
    }
    const info = { digest, size, gzip: head !== undefined && head[0] === 0x1f && head[1] === 0x8b };
    this.blobs.set(p, info);
    return info;
  }
}

export interface Loaded {
  /** "busybox:latest", or the image ID when the archive named none. */
  ref: string;
  image: Image;
}

function blobRel(digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw badRequest(`invalid image archive: unsupported digest ${digest}`);
  return `blobs/sha256/${m[1]}`;
}

function parseJson<T>(data: Buffer, what: string): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    throw badRequest(`invalid image archive: ${what} is not valid JSON`);
  }
}

async function loadDockerArchive(stage: Staging, store: OciImageStore): Promise<Loaded[]> {
  const items = parseJson<Array<{ Config?: string; RepoTags?: string[] | null; Layers?: string[] }>>(stage.read('manifest.json'), 'manifest.json');
  if (!Array.isArray(items)) throw badRequest('invalid image archive: manifest.json is not a list');
  // Keep the archive's own OCI manifest when it has one, so manifest digests survive a round trip.
  const ociManifests = new Map<string, { bytes: Buffer; mediaType: string; layers: string[] }>();
  if (stage.has('index.json')) {
    const index = parseJson<{ manifests?: Descriptor[] }>(stage.read('index.json'), 'index.json');
    for (const d of index.manifests ?? []) {
      if (!stage.has(blobRel(d.digest))) continue;
      const bytes = stage.read(blobRel(d.digest));
      const m = parseJson<ManifestJson>(bytes, d.digest);
      if (m.config?.digest && Array.isArray(m.layers)) {
        ociManifests.set(m.config.digest, { bytes, mediaType: m.mediaType ?? d.mediaType, layers: m.layers.map((l) => l.digest) });
      }
    }
  }
  const out: Loaded[] = [];
  for (const item of items) {
    if (!item.Config || !Array.isArray(item.Layers)) throw badRequest('invalid image archive: manifest.json entry lacks Config or Layers');
    const refs = (item.RepoTags ?? []).map(parseTagReference);
    const cfg = await stage.blob(item.Config);
    const layers = [];
    for (const l of item.Layers) layers.push(await stage.blob(l));
    const own = ociManifests.get(cfg.digest);
    let bytes: Buffer;
    let mediaType: string;
    if (own && own.layers.join() === layers.map((l) => l.digest).join()) {
      await stage.blob(blobRel(sha256Of(own.bytes)));
      bytes = own.bytes;
      mediaType = own.mediaType;
    } else {
      mediaType = MEDIA.ociManifest;
      bytes = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType,
        config: { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size },
        layers: layers.map((l) => ({ mediaType: l.gzip ? MEDIA.ociLayerGzip : MEDIA.ociLayer, digest: l.digest, size: l.size })),
      }));
    }
    const image = await store.putImage(bytes, mediaType, refs);
    if (refs.length) for (const r of refs) out.push({ ref: familiarString(r), image });
    else out.push({ ref: image.id, image });
  }
  return out;
}

function sha256Of(b: Buffer): string {
  return 'sha256:' + createHash('sha256').update(b).digest('hex');
}

/** Names an OCI layout descriptor carries: containerd's full name, else a full ref.name. */
function descriptorRefs(d: Descriptor): Reference[] {
  const full = d.annotations?.[ANNOTATION_IMAGE_NAME];
  const short = d.annotations?.[ANNOTATION_REF_NAME];
  for (const candidate of [full, short]) {
    if (!candidate) continue;
    if (candidate === short && !/[/:]/.test(candidate)) continue; // a bare tag names no repository
    try {
      const r = parseNormalized(candidate);
      return [r.digest ? { domain: r.domain, path: r.path, digest: r.digest } : r];
    } catch { /* not a reference: leave the image unnamed */ }
  }
  return [];
}

async function loadOciLayout(stage: Staging, store: OciImageStore): Promise<Loaded[]> {
  const index = parseJson<{ manifests?: Descriptor[] }>(stage.read('index.json'), 'index.json');
  const out: Loaded[] = [];
  const arch = hostArchitecture();
  const loadDescriptor = async (d: Descriptor, refs: Reference[], depth: number): Promise<void> => {
    if (depth > 4) throw badRequest('invalid image archive: index nesting too deep');
    const rel = blobRel(d.digest);
    await stage.blob(rel, d.digest);
    const bytes = stage.read(rel);
    const parsed = parseJson<{ mediaType?: string; manifests?: Descriptor[] } & ManifestJson>(bytes, d.digest);
    const type = parsed.mediaType ?? d.mediaType;
    if (INDEX_TYPES.includes(type) || Array.isArray(parsed.manifests)) {
      const children = parsed.manifests ?? [];
      const pick = children.find((c) => c.platform?.os === 'linux' && c.platform.architecture === arch)
        ?? children.find((c) => !c.platform);
      if (!pick) throw badRequest(`invalid image archive: no manifest for linux/${arch} in ${d.digest}`);
      return loadDescriptor(pick, refs, depth + 1);
    }
    await stage.blob(blobRel(parsed.config.digest), parsed.config.digest);
    for (const l of parsed.layers ?? []) await stage.blob(blobRel(l.digest), l.digest);
    const image = await store.putImage(bytes, type, refs);
    const tagged = refs.filter((r) => r.tag);
    if (tagged.length) for (const r of tagged) out.push({ ref: familiarString(r), image });
    else out.push({ ref: image.id, image });
  };
  for (const d of index.manifests ?? []) await loadDescriptor(d, descriptorRefs(d), 0);
  return out;
}

export async function loadArchive(store: OciImageStore, tar: Readable): Promise<Loaded[]> {
  const dir = store.layout.ingestPath();
  fs.mkdirSync(dir);
  const stage = new Staging(dir, store);
  try {
    await stage.fill(tar);
    if (stage.has('manifest.json')) return await loadDockerArchive(stage, store);
    if (stage.has('index.json')) return await loadOciLayout(stage, store);
    throw badRequest('invalid image archive: neither manifest.json nor index.json found');
  } finally {
    // Image indexes, and everything of an image that failed to load, are not kept.
    await store.discardUnreferenced(stage.linked);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
