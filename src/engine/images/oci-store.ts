/**
 * OciImageStore: the ImageStore kept as an OCI image layout (see layout.ts) with layers unpacked
 * into overlayfs snapshots (see snapshots.ts).
 *
 * An image is the set of index.json descriptors whose manifest points at the same config; its ID
 * is the config digest (Docker's rule), its references are the descriptors' names. Index updates
 * are serialised by one in-process lock; layer unpacking runs outside it, and layers being
 * unpacked are pinned so a concurrent delete never collects them.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { badRequest, conflict, notFound, BosunError } from '../../errors/index.js';
import type { EngineEvents } from '../events.js';
import type { CommitOptions, HistoryEntry, Image, ImageContent, ImageRuntimeConfig, ImageStore, ImportOptions, Mount } from './types.js';
import {
  ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, OciLayout, type Descriptor,
} from './layout.js';
import { OverlaySnapshots, chainIds } from './snapshots.js';
import {
  FULL_ID_RE, canonicalString, familiarString, fullName, parseNormalized, parseTagReference, type Reference,
} from './reference.js';
import { maybeGunzip, readTar, writeTar } from './tar.js';
import { diffEntries } from './diff.js';
import { unpackLayer } from './unpack.js';
import { applyChanges } from './changes.js';
import { busyboxLayer, busyboxVersion, BUSYBOX_CREATED, BUSYBOX_PATH } from './busybox.js';
import { saveArchive, loadArchive } from './archive.js';
import { MEDIA, hostArchitecture } from './media.js';

const MANIFEST_TYPES: string[] = [MEDIA.ociManifest, MEDIA.dockerManifest];
const LAYER_TYPES: string[] = [
  MEDIA.ociLayer, MEDIA.ociLayerGzip, MEDIA.dockerLayer, MEDIA.dockerLayerGzip,
  'application/vnd.oci.image.layer.nondistributable.v1.tar', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
];

export interface ManifestJson {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ConfigJson {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  comment?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

interface Group {
  configDigest: string;
  /** The first manifest naming this config (the one reported and saved). */
  manifest: Descriptor;
  /** Every distinct manifest naming it (pulled and loaded copies may differ in compression). */
  manifests: string[];
  names: Reference[];
}

export class OciImageStore implements ImageStore, ImageContent {
  private lockTail: Promise<unknown> = Promise.resolve();
  private readonly manifestCache = new Map<string, ManifestJson>();
  private readonly configCache = new Map<string, ConfigJson>();
  private readonly pinned = new Map<string, number>();
  private readonly unpacking = new Map<string, Promise<void>>();

  constructor(
    readonly layout: OciLayout,
    readonly snapshots: OverlaySnapshots,
    private readonly events: EngineEvents,
  ) {}

  static open(imagesDir: string, snapshotsDir: string, events: EngineEvents): OciImageStore {
    const store = new OciImageStore(OciLayout.open(imagesDir), new OverlaySnapshots(snapshotsDir), events);
    store.collectOrphans();
    return store;
  }

  /**
   * Blobs and layers no index entry reaches: left by a crash between writing content and naming
   * it (import, load and pull write blobs before the index). Only safe before anything else runs.
   */
  private collectOrphans(): void {
    const blobs = new Set<string>();
    const chains = new Set<string>();
    for (const d of this.layout.entries()) {
      blobs.add(d.digest);
      try {
        const m = this.manifest(d.digest);
        blobs.add(m.config.digest);
        for (const l of m.layers) blobs.add(l.digest);
        for (const c of chainIds(this.config(m.config.digest).rootfs.diff_ids)) chains.add(c);
      } catch {
        // A broken entry keeps what it names; nothing else to follow.
      }
    }
    for (const digest of this.layout.listBlobs()) if (!blobs.has(digest)) this.layout.deleteBlob(digest);
    for (const c of this.snapshots.listLayers()) if (!chains.has(c)) this.snapshots.removeLayer(c);
  }

  private withLock<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.lockTail.then(fn, fn);
    this.lockTail = run.catch(() => undefined);
    return run;
  }

  // ---- reading ----

  manifest(digest: string): ManifestJson {
    let m = this.manifestCache.get(digest);
    if (!m) {
      m = JSON.parse(this.layout.readBlobBytes(digest).toString('utf8')) as ManifestJson;
      this.manifestCache.set(digest, m);
    }
    return m;
  }

  config(digest: string): ConfigJson {
    let c = this.configCache.get(digest);
    if (!c) {
      c = JSON.parse(this.layout.readBlobBytes(digest).toString('utf8')) as ConfigJson;
      this.configCache.set(digest, c);
    }
    return c;
  }

  private groups(): Map<string, Group> {
    const out = new Map<string, Group>();
    for (const d of this.layout.entries()) {
      let configDigest: string;
      try {
        configDigest = this.manifest(d.digest).config.digest;
      } catch {
        continue; // a descriptor whose manifest is gone cannot be an image
      }
      let g = out.get(configDigest);
      if (!g) { g = { configDigest, manifest: d, manifests: [], names: [] }; out.set(configDigest, g); }
      if (!g.manifests.includes(d.digest)) g.manifests.push(d.digest);
      const name = d.annotations?.[ANNOTATION_IMAGE_NAME];
      if (name) {
        try { g.names.push(parseNormalized(name)); } catch { /* foreign, unparsable name: ignore */ }
      }
    }
    return out;
  }

  private toImage(g: Group): Image {
    const cfg = this.config(g.configDigest);
    const m = this.manifest(g.manifest.digest);
    const diffIds = cfg.rootfs?.diff_ids ?? [];
    const chain = chainIds(diffIds);
    const layerSizes = chain.map((c, i) => this.snapshots.layerInfo(c)?.size ?? m.layers[i]?.size ?? 0);
    const size = layerSizes.reduce((a, b) => a + b, 0);
    const tagged = g.names.filter((n) => n.tag && !n.digest);
    const digested = g.names.filter((n) => n.digest);
    return {
      id: g.configDigest,
      repoTags: tagged.map(familiarString),
      repoDigests: digested.map(familiarString),
      manifestDigest: g.manifest.digest,
      created: cfg.created ?? '1970-01-01T00:00:00Z',
      architecture: cfg.architecture,
      os: cfg.os,
      author: cfg.author,
      comment: cfg.comment,
      size,
      config: cfg.config ?? {},
      history: cfg.history ?? [],
      diffIds,
      layerSizes,
      manifestMediaType: g.manifest.mediaType,
      manifestSize: g.manifest.size,
    };
  }

  /** Finds the image group `ref` names, and which reference matched (none for IDs). */
  private resolve(ref: string): { group: Group; matched?: Reference } {
    const groups = this.groups();
    const full = FULL_ID_RE.exec(ref);
    if (full) {
      const g = groups.get(`sha256:${full[1]}`);
      if (g) return { group: g };
      throw notFound(`No such image: ${ref}`);
    }
    let parsed: Reference | undefined;
    let parseError: unknown;
    try { parsed = parseNormalized(ref); } catch (err) { parseError = err; }
    if (parsed) {
      const want = canonicalString(parsed);
      for (const g of groups.values()) {
        const hit = g.names.find((n) => canonicalString(n) === want);
        if (hit) return { group: g, matched: hit };
      }
      if (parsed.digest) {
        // A digest reference also finds an image by manifest digest under another name.
        for (const g of groups.values()) {
          if (this.layout.entries().some((d) => d.digest === parsed!.digest && this.manifest(d.digest).config.digest === g.configDigest)) return { group: g };
        }
      }
    }
    const prefix = /^(?:sha256:)?([a-f0-9]{1,63})$/.exec(ref);
    if (prefix) {
      const hits = [...groups.values()].filter((g) => g.configDigest.slice(7).startsWith(prefix[1]));
      if (hits.length === 1) return { group: hits[0] };
      if (hits.length > 1) throw badRequest(`ambiguous image ID prefix ${ref}: ${hits.length} images match`);
    }
    if (!parsed) throw parseError;
    throw notFound(`No such image: ${familiarString(parsed)}`);
  }

  async list(): Promise<Image[]> {
    return [...this.groups().values()].map((g) => this.toImage(g)).sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  }

  async get(ref: string): Promise<Image> {
    return this.toImage(this.resolve(ref).group);
  }

  // ---- naming ----

  private nameDescriptor(manifest: Descriptor, ref: Reference): Descriptor {
    const annotations: Record<string, string> = { [ANNOTATION_IMAGE_NAME]: canonicalString(ref) };
    if (ref.tag) annotations[ANNOTATION_REF_NAME] = ref.tag;
    return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, annotations };
  }

  /** Index entries with `names` pointing at `manifest`; a name taken from another image moves. */
  private addNames(entries: Descriptor[], manifest: Descriptor, configDigest: string, names: Reference[]): Descriptor[] {
    const wanted = new Set(names.map(canonicalString));
    const configOf = (d: Descriptor) => this.manifest(d.digest).config.digest;
    let out = entries.filter((d) => !wanted.has(d.annotations?.[ANNOTATION_IMAGE_NAME] ?? ''));
    // An image that just lost its last name stays, untagged (Docker's dangling image).
    for (const d of entries) {
      const n = d.annotations?.[ANNOTATION_IMAGE_NAME];
      if (!n || !wanted.has(n)) continue;
      const cfg = configOf(d);
      if (cfg !== configDigest && !out.some((o) => configOf(o) === cfg)) out.push({ mediaType: d.mediaType, digest: d.digest, size: d.size });
    }
    if (names.length) {
      out = out.filter((d) => d.annotations?.[ANNOTATION_IMAGE_NAME] || configOf(d) !== configDigest);
      for (const n of names) out.push(this.nameDescriptor(manifest, n));
    } else if (!out.some((d) => configOf(d) === configDigest)) {
      out.push({ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size });
    }
    return out;
  }

  async tag(ref: string, newRef: string): Promise<void> {
    const target = parseTagReference(newRef);
    const id = await this.withLock(() => {
      const { group } = this.resolve(ref);
      this.layout.saveEntries(this.addNames(this.layout.entries(), group.manifest, group.configDigest, [target]));
      return group.configDigest;
    });
    this.events.emit('image', 'tag', id, { name: familiarString(target) });
  }

  /** Records a registry digest reference ("repo@sha256:…") for an image, e.g. after a push. */
  async addRepoDigest(ref: string, digestRef: string): Promise<void> {
    const r = parseNormalized(digestRef);
    if (!r.digest) throw badRequest(`${digestRef} is not a digest reference`);
    const named: Reference = { domain: r.domain, path: r.path, digest: r.digest };
    await this.withLock(() => {
      const { group } = this.resolve(ref);
      this.layout.saveEntries(this.addNames(this.layout.entries(), group.manifest, group.configDigest, [named]));
    });
  }

  // ---- removal ----

  async inUse(): Promise<Set<string>> {
    return new Set(this.snapshots.keys().values());
  }

  private usersOf(imageId: string): string[] {
    return [...this.snapshots.keys()].filter(([, img]) => img === imageId).map(([k]) => k);
  }

  /** Docker's isSingleReference: at most one tag, and any digest refs are of that tag's repo. */
  private static singleReference(names: Reference[]): boolean {
    if (names.length <= 1) return names.length === 1;
    const tags = names.filter((n) => !n.digest);
    if (tags.length > 1) return false;
    const repos = new Set(names.filter((n) => n.digest).map(fullName));
    const single = tags[0] ?? names[0];
    return repos.size === 1 && repos.has(fullName(single));
  }

  async remove(ref: string, opts: { force?: boolean; noPrune?: boolean } = {}): Promise<Array<{ Untagged?: string; Deleted?: string }>> {
    const records: Array<{ Untagged?: string; Deleted?: string }> = [];
    const emitted: Array<[string, string, Record<string, string>]> = [];
    await this.withLock(() => {
      const { group, matched } = this.resolve(ref);
      const id = group.configDigest;
      const users = this.usersOf(id);
      let entries = this.layout.entries();
      const untag = (n: Reference) => {
        const s = canonicalString(n);
        entries = entries.filter((d) => d.annotations?.[ANNOTATION_IMAGE_NAME] !== s);
        records.push({ Untagged: familiarString(n) });
        emitted.push(['untag', id, { name: familiarString(n) }]);
      };
      let remaining = group.names;
      if (matched) {
        if (remaining.length === 1 && users.length && !opts.force) {
          throw conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(users[0])} is using its referenced image ${shortId(id)}`);
        }
        untag(matched);
        remaining = remaining.filter((n) => n !== matched);
        // Docker: untagging the repo's last tag also drops that repo's digest references.
        if (!matched.digest && !remaining.some((n) => !n.digest && fullName(n) === fullName(matched))) {
          for (const n of remaining.filter((r) => r.digest && fullName(r) === fullName(matched))) untag(n);
          remaining = remaining.filter((r) => !(r.digest && fullName(r) === fullName(matched)));
        }
        if (remaining.length) { this.layout.saveEntries(entries); return; }
      } else {
        if (remaining.length > 1 && !opts.force && !OciImageStore.singleReference(remaining)) {
          throw conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
        }
        if (users.length && !opts.force) {
          throw conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is being used by container ${shortId(users[0])}`);
        }
        for (const n of remaining) untag(n);
      }
      if (users.length) {
        // Forced while a container still runs on it: keep the content, as an untagged image.
        if (!entries.some((d) => d.digest === group.manifest.digest)) entries.push({ mediaType: group.manifest.mediaType, digest: group.manifest.digest, size: group.manifest.size });
        this.layout.saveEntries(entries);
        return;
      }
      entries = entries.filter((d) => {
        try { return this.manifest(d.digest).config.digest !== id; } catch { return true; }
      });
      this.layout.saveEntries(entries);
      this.collect([group]);
      records.push({ Deleted: id });
      emitted.push(['delete', id, { name: id }]);
    });
    for (const [action, id, attrs] of emitted) this.events.emit('image', action, id, attrs);
    return records;
  }

  /** Deletes blobs and layers of removed images that nothing left in the index still needs. */
  private collect(removed: Group[]): number {
    const keepBlobs = new Set<string>();
    const keepChains = new Set<string>(this.pinned.keys());
    const inUse = new Set(this.snapshots.keys().values());
    for (const g of this.groups().values()) {
      keepBlobs.add(g.configDigest);
      for (const md of g.manifests) {
        keepBlobs.add(md);
        for (const l of this.manifest(md).layers) keepBlobs.add(l.digest);
      }
      for (const c of chainIds(this.config(g.configDigest).rootfs.diff_ids)) keepChains.add(c);
    }
    for (const d of this.layout.entries()) keepBlobs.add(d.digest);
    let freed = 0;
    for (const g of removed) {
      if (inUse.has(g.configDigest)) continue;
      const candidates = new Set<string>([g.configDigest]);
      for (const md of g.manifests) {
        candidates.add(md);
        for (const l of this.manifest(md).layers) candidates.add(l.digest);
      }
      for (const digest of candidates) {
        if (keepBlobs.has(digest) || this.pinned.has(digest)) continue;
        this.layout.deleteBlob(digest);
        this.manifestCache.delete(digest);
      }
      for (const c of chainIds(this.config(g.configDigest).rootfs.diff_ids)) {
        if (keepChains.has(c)) continue;
        freed += this.snapshots.layerInfo(c)?.size ?? 0;
        this.snapshots.removeLayer(c);
      }
      if (!keepBlobs.has(g.configDigest)) this.configCache.delete(g.configDigest);
    }
    return freed;
  }

  /** Deletes those of `digests` that no index entry reaches (content of a failed or partial load). */
  async discardUnreferenced(digests: Iterable<string>): Promise<void> {
    const candidates = [...digests];
    if (!candidates.length) return;
    await this.withLock(() => {
      const keep = new Set<string>();
      for (const d of this.layout.entries()) {
        keep.add(d.digest);
        try {
          const m = this.manifest(d.digest);
          keep.add(m.config.digest);
          for (const l of m.layers) keep.add(l.digest);
        } catch {
          // An entry whose manifest is unreadable names nothing more.
        }
      }
      for (const d of candidates) {
        if (keep.has(d) || this.pinned.has(d)) continue;
        this.layout.deleteBlob(d);
        this.manifestCache.delete(d);
        this.configCache.delete(d);
      }
    });
  }

  async prune(opts: { all?: boolean; isUsed?: (imageId: string) => boolean } = {}): Promise<{ deleted: Array<{ Untagged?: string; Deleted?: string }>; spaceReclaimed: number }> {
    const deleted: Array<{ Untagged?: string; Deleted?: string }> = [];
    const emitted: Array<[string, string, Record<string, string>]> = [];
    let spaceReclaimed = 0;
    await this.withLock(() => {
      const inUse = new Set(this.snapshots.keys().values());
      const victims = [...this.groups().values()].filter((g) => {
        if (inUse.has(g.configDigest) || opts.isUsed?.(g.configDigest)) return false;
        return opts.all || !g.names.some((n) => n.tag && !n.digest);
      });
      if (!victims.length) return;
      const ids = new Set(victims.map((v) => v.configDigest));
      for (const v of victims) {
        for (const n of v.names) {
          deleted.push({ Untagged: familiarString(n) });
          emitted.push(['untag', v.configDigest, { name: familiarString(n) }]);
        }
      }
      this.layout.saveEntries(this.layout.entries().filter((d) => {
        try { return !ids.has(this.manifest(d.digest).config.digest); } catch { return true; }
      }));
      spaceReclaimed = this.collect(victims);
      for (const v of victims) {
        deleted.push({ Deleted: v.configDigest });
        emitted.push(['delete', v.configDigest, { name: v.configDigest }]);
      }
    });
    for (const [action, id, attrs] of emitted) this.events.emit('image', action, id, attrs);
    return { deleted, spaceReclaimed };
  }

  // ---- content in ----

  /** Keeps a blob digest or chain ID out of garbage collection until the returned function runs. */
  private pin(digest: string): () => void {
    this.pinned.set(digest, (this.pinned.get(digest) ?? 0) + 1);
    return () => {
      const n = (this.pinned.get(digest) ?? 1) - 1;
      if (n <= 0) this.pinned.delete(digest); else this.pinned.set(digest, n);
    };
  }

  /**
   * Reads an (optionally gzip) layer stream once: hashes the uncompressed bytes (the diff ID),
   * unpacks it into a fresh layer dir, and optionally keeps the uncompressed tar as a blob.
   */
  private async unpackStream(source: AsyncIterable<Buffer | Uint8Array>, opts: { keepBlob: boolean }): Promise<{ dir: string; diffId: string; size: number; blob?: string }> {
    const hash = createHash('sha256');
    let size = 0;
    const blobTmp = opts.keepBlob ? this.layout.ingestPath() : undefined;
    const fd = blobTmp ? fs.openSync(blobTmp, 'w', 0o644) : undefined;
    const dir = this.snapshots.newLayerDir();
    const tee = (async function* () {
      for await (const c of maybeGunzip(source)) {
        hash.update(c);
        size += c.length;
        if (fd !== undefined) { let off = 0; while (off < c.length) off += fs.writeSync(fd, c, off); }
        yield c;
      }
    })();
    try {
      await unpackLayer(readTar(tee), dir);
      // Trailing zero records after the end-of-archive marker are part of the diff ID too.
      for (;;) { const r = await tee.next(); if (r.done) break; }
      if (size === 0) throw badRequest('empty layer: not a tar archive');
    } catch (err) {
      this.snapshots.abortLayer(dir);
      if (blobTmp) { fs.closeSync(fd!); fs.rmSync(blobTmp, { force: true }); }
      throw err;
    }
    if (fd !== undefined) fs.closeSync(fd);
    const diffId = 'sha256:' + hash.digest('hex');
    return { dir, diffId, size, blob: blobTmp };
  }

  /** Makes sure every layer of a manifest is unpacked, verifying diff IDs against the config. */
  private async ensureLayers(m: ManifestJson, cfg: ConfigJson): Promise<void> {
    const diffIds = cfg.rootfs?.diff_ids ?? [];
    if (diffIds.length !== m.layers.length) throw badRequest(`image config has ${diffIds.length} diff IDs for ${m.layers.length} layers`);
    const chain = chainIds(diffIds);
    for (let i = 0; i < chain.length; i++) {
      const c = chain[i];
      const layer = m.layers[i];
      if (this.snapshots.hasLayer(c)) {
        // Unpacked already, maybe from another blob (gzip vs plain): this blob must still match.
        const info = this.snapshots.layerInfo(c)!;
        if (info.blobs?.includes(layer.digest)) continue;
        const hash = createHash('sha256');
        for await (const chunk of maybeGunzip(this.layout.readBlob(layer.digest))) hash.update(chunk);
        const diffId = 'sha256:' + hash.digest('hex');
        if (diffId !== diffIds[i]) throw badRequest(`layer ${layer.digest}: uncompressed digest ${diffId} does not match diff ID ${diffIds[i]}`);
        this.snapshots.setLayerInfo(c, { ...info, blobs: [...(info.blobs ?? []), layer.digest] });
        continue;
      }
      let job = this.unpacking.get(c);
      if (!job) {
        job = (async () => {
          const unpin = this.pin(c);
          try {
            const { dir, diffId, size } = await this.unpackStream(this.layout.readBlob(layer.digest), { keepBlob: false });
            if (diffId !== diffIds[i]) {
              this.snapshots.abortLayer(dir);
              throw badRequest(`layer ${layer.digest}: uncompressed digest ${diffId} does not match diff ID ${diffIds[i]}`);
            }
            this.snapshots.commitLayer(dir, c, { diffId, parent: chain[i - 1], size, blobs: [layer.digest] });
          } finally {
            unpin();
          }
        })();
        this.unpacking.set(c, job);
        job.finally(() => this.unpacking.delete(c)).catch(() => undefined);
      }
      await job;
    }
  }

  private validateManifest(bytes: Buffer, mediaType: string): ManifestJson {
    let m: ManifestJson;
    try {
      m = JSON.parse(bytes.toString('utf8')) as ManifestJson;
    } catch {
      throw badRequest('manifest is not valid JSON');
    }
    const type = m.mediaType ?? mediaType;
    if (!MANIFEST_TYPES.includes(type)) throw new BosunError('UnsupportedMediaType', `unsupported manifest media type ${type}`);
    if (m.schemaVersion !== 2 || !m.config?.digest || !Array.isArray(m.layers)) throw badRequest('manifest is missing config or layers');
    for (const l of m.layers) {
      if (!LAYER_TYPES.includes(l.mediaType)) throw new BosunError('UnsupportedMediaType', `unsupported layer media type ${l.mediaType}`);
      if (!this.layout.hasBlob(l.digest)) throw notFound(`layer blob ${l.digest} is missing`);
    }
    if (m.config.mediaType !== MEDIA.ociConfig && m.config.mediaType !== MEDIA.dockerConfig) {
      throw new BosunError('UnsupportedMediaType', `unsupported config media type ${m.config.mediaType}: not a container image`);
    }
    if (!this.layout.hasBlob(m.config.digest)) throw notFound(`config blob ${m.config.digest} is missing`);
    try {
      this.config(m.config.digest);
    } catch {
      throw badRequest(`image config ${m.config.digest} is not valid JSON`);
    }
    return m;
  }

  /** Stores manifest + names; layers and config must already be blobs. */
  private async addImage(bytes: Buffer, mediaType: string, refs: Reference[]): Promise<Image> {
    const m = this.validateManifest(bytes, mediaType);
    // Until the index names them, these blobs look unreferenced to a concurrent delete.
    const unpins = [m.config.digest, ...m.layers.map((l) => l.digest)].map((d) => this.pin(d));
    try {
      const cfg = this.config(m.config.digest);
      if (!cfg.rootfs || !Array.isArray(cfg.rootfs.diff_ids)) throw badRequest('image config has no rootfs.diff_ids');
      await this.ensureLayers(m, cfg);
      const desc = this.layout.writeBlobBytes(bytes);
      const manifest: Descriptor = { mediaType: m.mediaType ?? mediaType, digest: desc.digest, size: desc.size };
      return await this.withLock(() => {
        if (!this.layout.hasBlob(m.config.digest) || !m.layers.every((l) => this.layout.hasBlob(l.digest))) {
          throw notFound('image content was removed while it was being added');
        }
        this.layout.saveEntries(this.addNames(this.layout.entries(), manifest, m.config.digest, refs));
        return this.toImage(this.groups().get(m.config.digest)!);
      });
    } finally {
      for (const u of unpins) u();
    }
  }

  /**
   * An image whose top layer was just unpacked by `unpackStream` (its uncompressed tar kept as the
   * blob), over `below` (the parent image's layers, or none). `cfg.rootfs.diff_ids` ends with it.
   */
  private async commitLayerImage(layer: { diffId: string; size: number; dir: string; blob: string }, below: Descriptor[], cfg: ConfigJson, refs: Reference[]): Promise<Image> {
    const chain = chainIds(cfg.rootfs.diff_ids);
    const top = chain[chain.length - 1];
    const unpins = [this.pin(top), this.pin(layer.diffId)];
    try {
      this.layout.commitIngest(layer.blob, layer.diffId);
      this.snapshots.commitLayer(layer.dir, top, { diffId: layer.diffId, parent: chain[chain.length - 2], size: layer.size, blobs: [layer.diffId] });
      const cfgDesc = this.layout.writeBlobBytes(Buffer.from(JSON.stringify(cfg)));
      // One OCI manifest: Docker layer types below are renamed to their OCI equivalents.
      const ociType: Record<string, string> = { [MEDIA.dockerLayer]: MEDIA.ociLayer, [MEDIA.dockerLayerGzip]: MEDIA.ociLayerGzip };
      const manifest: ManifestJson = {
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: MEDIA.ociConfig, digest: cfgDesc.digest, size: cfgDesc.size },
        layers: [
          ...below.map((l) => ({ mediaType: ociType[l.mediaType] ?? l.mediaType, digest: l.digest, size: l.size })),
          { mediaType: MEDIA.ociLayer, digest: layer.diffId, size: layer.size },
        ],
      };
      return await this.addImage(Buffer.from(JSON.stringify(manifest)), MEDIA.ociManifest, refs);
    } finally {
      for (const u of unpins) u();
    }
  }

  /**
   * `docker commit`: the rootfs `key`'s upper layer becomes a new layer over the image it was
   * prepared from. The caller pauses or stops the container first so files do not change mid-read.
   */
  async commitRootfs(key: string, opts: CommitOptions = {}): Promise<Image> {
    const refs = opts.ref ? [parseTagReference(opts.ref)] : [];
    const parentId = this.snapshots.imageOf(key);
    if (!parentId) throw notFound(`rootfs ${key} not found`);
    const { group } = this.resolve(parentId);
    const parentManifest = this.manifest(group.manifest.digest);
    const parent = this.config(group.configDigest);
    const config = applyChanges(opts.config ?? parent.config ?? {}, opts.changes ?? []);
    const layer = await this.unpackStream(Readable.from(writeTar(diffEntries(this.snapshots.upperPath(key)))), { keepBlob: true });
    const created = new Date().toISOString();
    const cfg: ConfigJson = {
      ...parent,
      created,
      ...(opts.author ? { author: opts.author } : { author: undefined }),
      ...(opts.message ? { comment: opts.message } : { comment: undefined }),
      config,
      rootfs: { type: 'layers', diff_ids: [...parent.rootfs.diff_ids, layer.diffId] },
      history: [...(parent.history ?? []), {
        created, created_by: opts.createdBy ?? '', ...(opts.message ? { comment: opts.message } : {}),
      }],
    };
    return this.commitLayerImage({ ...layer, blob: layer.blob! }, parentManifest.layers, cfg, refs);
  }

  async importTar(tar: Readable, opts: ImportOptions): Promise<Image> {
    const refs = opts.ref ? [parseTagReference(opts.ref)] : [];
    const config = applyChanges({}, opts.changes ?? []);
    let os = 'linux';
    let architecture = hostArchitecture();
    let variant: string | undefined;
    if (opts.platform) {
      const [pOs, pArch, pVariant] = opts.platform.split('/');
      if (pOs !== 'linux') throw badRequest(`unsupported os ${pOs}: Bosun runs linux images`);
      os = pOs;
      architecture = pArch || architecture;
      variant = pVariant;
    }
    const layer = await this.unpackStream(tar, { keepBlob: true });
    const created = new Date().toISOString();
    const cfg: ConfigJson = {
      architecture, os, ...(variant ? { variant } : {}), created,
      ...(opts.message ? { comment: opts.message } : {}),
      config,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, created_by: '', comment: opts.message || 'Imported from -' }],
    };
    const img = await this.commitLayerImage({ ...layer, blob: layer.blob! }, [], cfg, refs);
    this.events.emit('image', 'import', img.id, refs.length ? { name: familiarString(refs[0]) } : {});
    return img;
  }

  /** Builds busybox:latest from the host binary unless it is already there. */
  async ensureBusybox(): Promise<Image> {
    try {
      return await this.get('busybox:latest');
    } catch (err) {
      if (!(err instanceof BosunError && err.kind === 'NotFound')) throw err;
    }
    const tar = await busyboxLayer();
    const layer = await this.unpackStream(Readable.from([tar]), { keepBlob: true });
    const cfg: ConfigJson = {
      architecture: hostArchitecture(),
      os: 'linux',
      created: BUSYBOX_CREATED,
      config: { Env: [BUSYBOX_PATH], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created: BUSYBOX_CREATED, created_by: `bosun: ${busyboxVersion()} from the host's /bin/busybox, one hard link per applet in /bin` }],
    };
    return this.commitLayerImage({ ...layer, blob: layer.blob! }, [], cfg, [parseNormalized('busybox:latest')]);
  }

  // ---- save / load ----

  async save(refs: string[]): Promise<Readable> {
    if (!refs.length) throw badRequest('no image names or IDs given to save');
    const items: Array<{ image: Image; manifest: Descriptor; names: Reference[] }> = [];
    for (const ref of refs) {
      const { group, matched } = this.resolve(ref);
      let item = items.find((i) => i.image.id === group.configDigest);
      if (!item) { item = { image: this.toImage(group), manifest: group.manifest, names: [] }; items.push(item); }
      if (matched && !matched.digest && !item.names.some((n) => canonicalString(n) === canonicalString(matched))) item.names.push(matched);
    }
    for (const i of items) this.events.emit('image', 'save', i.image.id, i.names.length ? { name: familiarString(i.names[0]) } : {});
    return Readable.from(saveArchive(this, items.map((i) => ({
      manifest: { ...i.manifest, annotations: undefined },
      names: i.names,
    }))));
  }

  async load(tar: Readable): Promise<string[]> {
    const loaded = await loadArchive(this, tar);
    for (const l of loaded) this.events.emit('image', 'load', l.image.id, { name: l.ref });
    return loaded.map((l) => l.ref);
  }

  /** Used by the archive loader: stores one image whose blobs are in place. */
  async putImage(bytes: Buffer, mediaType: string, refs: Reference[]): Promise<Image> {
    return this.addImage(bytes, mediaType, refs);
  }

  // ---- ImageContent ----

  hasBlob(digest: string): boolean { return this.layout.hasBlob(digest); }
  blobSize(digest: string): number { return this.layout.blobSize(digest); }
  readBlob(digest: string): Readable { return this.layout.readBlob(digest); }
  writeBlob(source: AsyncIterable<Buffer | Uint8Array>, expected?: string): Promise<{ digest: string; size: number }> {
    return this.layout.writeBlob(source, expected);
  }

  async putManifest(manifest: Buffer, mediaType: string, refs: string[]): Promise<Image> {
    const parsed = refs.map((r) => {
      const p = parseNormalized(r);
      return p.digest ? { domain: p.domain, path: p.path, digest: p.digest } : p;
    });
    return this.addImage(manifest, mediaType, parsed);
  }

  async getManifest(ref: string): Promise<{ digest: string; mediaType: string; bytes: Buffer }> {
    const { group } = this.resolve(ref);
    return { digest: group.manifest.digest, mediaType: group.manifest.mediaType, bytes: this.layout.readBlobBytes(group.manifest.digest) };
  }

  // ---- rootfs ----

  async prepareRootfs(key: string, imageId: string): Promise<Mount[]> {
    const { group } = this.resolve(imageId);
    const m = this.manifest(group.manifest.digest);
    const cfg = this.config(group.configDigest);
    const chain = chainIds(cfg.rootfs.diff_ids);
    if (!chain.every((c) => this.snapshots.hasLayer(c))) await this.ensureLayers(m, cfg);
    return this.withLock(() => this.snapshots.prepare(key, group.configDigest, chain));
  }

  /** The mounts of an already prepared rootfs (after a restart, say). */
  async rootfsMounts(key: string): Promise<Mount[]> {
    const id = this.snapshots.imageOf(key);
    if (!id) throw notFound(`rootfs ${key} not found`);
    return this.snapshots.mounts(key, chainIds(this.config(id).rootfs.diff_ids));
  }

  async removeRootfs(key: string): Promise<void> {
    this.snapshots.remove(key);
  }

  async rootfsUsage(key: string): Promise<number> {
    return this.snapshots.usage(key);
  }

  async layersSize(): Promise<number> {
    return this.snapshots.listLayers().reduce((n, c) => n + (this.snapshots.layerInfo(c)?.size ?? 0), 0);
  }
}

