/**
 * An OCI image layout on disk: content-addressed blobs plus the `index.json` naming manifests.
 *
 *   images/                       (instance.paths.images)
 *     oci-layout                  {"imageLayoutVersion":"1.0.0"}
 *     index.json                  one manifest descriptor per reference; annotated with
 *                                   io.containerd.image.name         docker.io/library/busybox:latest
 *                                   org.opencontainers.image.ref.name latest
 *                                 (a descriptor without annotations keeps an untagged image)
 *     blobs/sha256/<hex>          manifests, configs, layers
 *     ingest/<random>             blobs being written; same filesystem, so commit is a rename
 *
 * Every write goes to a temp file first and is renamed into place, and every blob's digest is
 * computed while it is written, so a crash never leaves a half blob or half index behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { badRequest, notFound, BosunError } from '../../errors/index.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
  urls?: string[];
}

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';

const DIGEST_RE = /^sha256:([a-f0-9]{64})$/;

export function digestHex(digest: string): string {
  const m = DIGEST_RE.exec(digest);
  if (!m) throw badRequest(`invalid digest ${JSON.stringify(digest)}: only sha256 is supported`);
  return m[1];
}

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** Writes via temp file + rename. */
export function writeFileAtomic(path: string, data: Buffer | string): void {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export class OciLayout {
  private manifests: Descriptor[];

  private constructor(readonly root: string) {
    const raw = JSON.parse(fs.readFileSync(join(root, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
    this.manifests = raw.manifests ?? [];
  }

  static open(root: string): OciLayout {
    fs.mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
    fs.rmSync(join(root, 'ingest'), { recursive: true, force: true });
    fs.mkdirSync(join(root, 'ingest'), { recursive: true });
    if (!fs.existsSync(join(root, 'oci-layout'))) writeFileAtomic(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    if (!fs.existsSync(join(root, 'index.json'))) {
      writeFileAtomic(join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }));
    }
    return new OciLayout(root);
  }

  blobPath(digest: string): string {
    return join(this.root, 'blobs', 'sha256', digestHex(digest));
  }

  hasBlob(digest: string): boolean {
    return fs.existsSync(this.blobPath(digest));
  }

  blobSize(digest: string): number {
    try {
      return fs.statSync(this.blobPath(digest)).size;
    } catch {
      throw notFound(`blob ${digest} not found`);
    }
  }

  readBlob(digest: string): Readable {
    if (!this.hasBlob(digest)) throw notFound(`blob ${digest} not found`);
    return fs.createReadStream(this.blobPath(digest));
  }

  readBlobBytes(digest: string): Buffer {
    try {
      return fs.readFileSync(this.blobPath(digest));
    } catch {
      throw notFound(`blob ${digest} not found`);
    }
  }

  /** A fresh temp path in ingest/ for a blob about to be written. */
  ingestPath(): string {
    return join(this.root, 'ingest', randomBytes(8).toString('hex'));
  }

  /** Moves a fully written temp file into place as blob `digest`. */
  commitIngest(tmp: string, digest: string): void {
    const dst = this.blobPath(digest);
    if (fs.existsSync(dst)) fs.rmSync(tmp, { force: true });
    else fs.renameSync(tmp, dst);
  }

  writeBlobBytes(data: Buffer, expected?: string): Descriptor & { digest: string } {
    const digest = sha256(data);
    if (expected && expected !== digest) throw badRequest(`digest mismatch: expected ${expected}, got ${digest}`);
    if (!this.hasBlob(digest)) {
      const tmp = this.ingestPath();
      fs.writeFileSync(tmp, data);
      this.commitIngest(tmp, digest);
    }
    return { mediaType: 'application/octet-stream', digest, size: data.length };
  }

  /** Streams a blob in, verifying `expected` when given. */
  async writeBlob(source: AsyncIterable<Buffer | Uint8Array>, expected?: string): Promise<{ digest: string; size: number }> {
    if (expected) digestHex(expected);
    const tmp = this.ingestPath();
    const hash = createHash('sha256');
    let size = 0;
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      for await (const c of source) {
        const b = Buffer.isBuffer(c) ? c : Buffer.from(c);
        hash.update(b);
        size += b.length;
        let off = 0;
        while (off < b.length) off += fs.writeSync(fd, b, off);
      }
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fs.closeSync(fd);
    const digest = 'sha256:' + hash.digest('hex');
    if (expected && expected !== digest) {
      fs.rmSync(tmp, { force: true });
      throw new BosunError('BadRequest', `digest mismatch: expected ${expected}, got ${digest}`);
    }
    this.commitIngest(tmp, digest);
    return { digest, size };
  }

  listBlobs(): string[] {
    return fs.readdirSync(join(this.root, 'blobs', 'sha256')).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  deleteBlob(digest: string): void {
    fs.rmSync(this.blobPath(digest), { force: true });
  }

  /** The index's manifest descriptors (a copy). */
  entries(): Descriptor[] {
    return this.manifests.map((d) => ({ ...d, annotations: d.annotations ? { ...d.annotations } : undefined }));
  }

  saveEntries(manifests: Descriptor[]): void {
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests };
    writeFileAtomic(join(this.root, 'index.json'), JSON.stringify(index, null, 2) + '\n');
    this.manifests = manifests.map((d) => ({ ...d }));
  }
}
