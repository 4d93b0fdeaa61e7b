/**
 * Overlayfs snapshots: every image layer is unpacked once into a directory keyed by its chain ID
 * and shared read-only by every image and container that has it; a container's root filesystem
 * is an overlay of those directories under its own upper/work pair.
 *
 *   snapshots/                        (instance.paths.snapshots)
 *     layers/<chain-id hex>/          unpacked layer, used as an overlay lowerdir
 *     layers/<chain-id hex>.json      {"diffId", "parent", "size", "blobs"} (size = uncompressed tar
 *                                     bytes; blobs = layer blob digests verified to match diffId)
 *     tmp/<random>/                   layer being unpacked; renamed into layers/ once complete,
 *                                     so a present layer dir is always a complete one
 *     tmp/rootfs-<random>/            a removed rootfs on its way out (deleted in the background)
 *     rootfs/<key>/image              image ID the rootfs was prepared from (survives restarts)
 *     rootfs/<key>/upper/             the container's writable layer
 *     rootfs/<key>/work/              overlayfs workdir
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { alreadyExists, badRequest, conflict, notFound } from '../../errors/index.js';
import type { Mount } from './types.js';
import { digestHex, writeFileAtomic } from './layout.js';

export interface LayerInfo {
  diffId: string;
  parent?: string;
  size: number;
  /** Blob digests verified to uncompress to diffId. */
  blobs?: string[];
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** chain(L0) = diff(L0); chain(Ln) = sha256(chain(Ln-1) + " " + diff(Ln)) (OCI image spec). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev ? 'sha256:' + createHash('sha256').update(`${prev} ${d}`).digest('hex') : d);
  }
  return out;
}

export class OverlaySnapshots {
  readonly layersDir: string;
  readonly tmpDir: string;
  readonly rootfsDir: string;

  constructor(readonly root: string) {
    this.layersDir = join(root, 'layers');
    this.tmpDir = join(root, 'tmp');
    this.rootfsDir = join(root, 'rootfs');
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    for (const d of [this.layersDir, this.tmpDir, this.rootfsDir]) fs.mkdirSync(d, { recursive: true });
  }

  layerPath(chainId: string): string {
    return join(this.layersDir, digestHex(chainId));
  }

  hasLayer(chainId: string): boolean {
    return fs.existsSync(this.layerPath(chainId)) && fs.existsSync(`${this.layerPath(chainId)}.json`);
  }

  layerInfo(chainId: string): LayerInfo | undefined {
    try {
      return JSON.parse(fs.readFileSync(`${this.layerPath(chainId)}.json`, 'utf8')) as LayerInfo;
    } catch {
      return undefined;
    }
  }

  setLayerInfo(chainId: string, info: LayerInfo): void {
    writeFileAtomic(`${this.layerPath(chainId)}.json`, JSON.stringify(info));
  }

  /** A fresh directory to unpack into, handed to `commitLayer` or `abortLayer`. */
  newLayerDir(): string {
    const dir = join(this.tmpDir, randomBytes(8).toString('hex'));
    fs.mkdirSync(dir, { mode: 0o755 });
    return dir;
  }

  commitLayer(dir: string, chainId: string, info: LayerInfo): void {
    const dst = this.layerPath(chainId);
    writeFileAtomic(`${dst}.json`, JSON.stringify(info));
    if (fs.existsSync(dst)) fs.rmSync(dir, { recursive: true, force: true });
    else fs.renameSync(dir, dst);
  }

  abortLayer(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  removeLayer(chainId: string): void {
    const p = this.layerPath(chainId);
    // Drop the metadata first: a layer dir without it counts as absent and is redone.
    fs.rmSync(`${p}.json`, { force: true });
    fs.rmSync(p, { recursive: true, force: true });
  }

  listLayers(): string[] {
    return fs.readdirSync(this.layersDir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  private keyDir(key: string): string {
    if (!KEY_RE.test(key)) throw badRequest(`invalid rootfs key ${JSON.stringify(key)}`);
    return join(this.rootfsDir, key);
  }

  /** Creates upper/work for `key` and returns the overlay mount, top layer first in lowerdir. */
  prepare(key: string, imageId: string, chain: string[]): Mount[] {
    const dir = this.keyDir(key);
    if (fs.existsSync(dir)) throw alreadyExists(`rootfs ${key} already exists`);
    for (const c of chain) if (!this.hasLayer(c)) throw notFound(`layer ${c} of image ${imageId} is not unpacked`);
    try {
      fs.mkdirSync(join(dir, 'upper'), { recursive: true, mode: 0o755 });
      fs.mkdirSync(join(dir, 'work'), { mode: 0o700 });
      writeFileAtomic(join(dir, 'image'), imageId);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return this.mounts(key, chain);
  }

  mounts(key: string, chain: string[]): Mount[] {
    const dir = this.keyDir(key);
    const lower = chain.map((c) => this.layerPath(c)).reverse().join(':');
    return [{
      type: 'overlay',
      source: 'overlay',
      options: [`lowerdir=${lower}`, `upperdir=${join(dir, 'upper')}`, `workdir=${join(dir, 'work')}`],
    }];
  }

  upperPath(key: string): string {
    return join(this.keyDir(key), 'upper');
  }

  imageOf(key: string): string | undefined {
    try {
      return fs.readFileSync(join(this.keyDir(key), 'image'), 'utf8');
    } catch {
      return undefined;
    }
  }

  remove(key: string): void {
    const dir = this.keyDir(key);
    // Deleting through a still-mounted overlay would walk into the image's own layers.
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    for (const line of mounts.split('\n')) {
      const point = line.split(' ')[4];
      if (point && (point === dir || point.startsWith(`${dir}/`))) throw conflict(`rootfs ${key} is still mounted at ${point}`);
    }
    // Renamed out of rootfs/ at once (the image is no longer in use from here), deleted after:
    // the deletion sits on the `--rm` path, and tmp/ is emptied at the next start if it is cut short.
    const doomed = join(this.tmpDir, `rootfs-${randomBytes(8).toString('hex')}`);
    try {
      fs.renameSync(dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    void fs.promises.rm(doomed, { recursive: true, force: true }).catch(() => undefined);
  }

  /** key → image ID for every prepared rootfs. */
  keys(): Map<string, string> {
    const out = new Map<string, string>();
    for (const key of fs.readdirSync(this.rootfsDir)) {
      const img = this.imageOf(key);
      if (img) out.set(key, img);
    }
    return out;
  }

  /** Bytes in the upper layer (file sizes, as `docker ps -s` counts them). */
  async usage(key: string): Promise<number> {
    const upper = join(this.keyDir(key), 'upper');
    if (!fs.existsSync(upper)) throw notFound(`rootfs ${key} not found`);
    let total = 0;
    const seen = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      let names: fs.Dirent[];
      try { names = await fs.promises.readdir(dir, { withFileTypes: true }); } catch { return; }
      for (const d of names) {
        const p = join(dir, d.name);
        if (d.isDirectory()) { await walk(p); continue; }
        try {
          const st = await fs.promises.lstat(p);
          const id = `${st.dev}:${st.ino}`;
          if (st.nlink > 1) { if (seen.has(id)) continue; seen.add(id); }
          total += st.size;
        } catch { /* removed while walking */ }
      }
    };
    await walk(upper);
    return total;
  }
}
