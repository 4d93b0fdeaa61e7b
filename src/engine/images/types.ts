/**
 * ImageStore: images as the OCI image spec describes them, kept in an OCI image layout on disk,
 * unpacked into read-only overlayfs layers that containers share.
 *
 * Lifecycle of a container's root filesystem: `prepareRootfs(key, imageId)` creates a writable
 * upper layer over the image's read-only layers and returns the mount to perform (the runtime
 * mounts it; this store never runs containers), `rootfsUsage(key)` measures the upper layer,
 * `removeRootfs(key)` deletes it once the container is gone; `commitRootfs(key)` may turn the
 * upper layer into a new image before that. An image is "in use" while any prepared rootfs refers
 * to it; `remove` refuses that unless forced, and a forced removal only untags it (it stays,
 * dangling, for `prune` once no rootfs uses it).
 */
import type { Readable } from 'node:stream';

/** The `config` object of an OCI image config (Docker's ContainerConfig subset images carry). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface Image {
  /** "sha256:<hex of the config blob>" — Docker's image ID. */
  id: string;
  /** Normalised references, e.g. "busybox:latest", "localhost:5000/app:v1". */
  repoTags: string[];
  /** "repo@sha256:<manifest digest>" for images pulled from or pushed to a registry. */
  repoDigests: string[];
  /** Digest of the manifest stored in the layout. */
  manifestDigest: string;
  created: string;
  architecture: string;
  os: string;
  author?: string;
  comment?: string;
  /** Sum of the uncompressed layer sizes. */
  size: number;
  config: ImageRuntimeConfig;
  history: HistoryEntry[];
  /** Uncompressed layer digests, bottom first. */
  diffIds: string[];
  /** Uncompressed size of each layer, bottom first (`docker history` sizes). */
  layerSizes?: number[];
  /** Media type and size of the stored manifest (`Descriptor` in `docker image inspect`). */
  manifestMediaType?: string;
  manifestSize?: number;
}

/** A mount the runtime performs to assemble a root filesystem (containerd's mount.Mount). */
export interface Mount {
  type: string;
  source: string;
  options: string[];
}

export interface ImportOptions {
  /** Reference to tag the result with, e.g. "myimg:1". */
  ref?: string;
  /** Dockerfile-style instructions applied to the config: "ENV PATH=…", "CMD [\"sh\"]", "WORKDIR /", … */
  changes?: string[];
  message?: string;
  platform?: string;
}

export interface CommitOptions {
  /** Reference to tag the new image with. */
  ref?: string;
  /** Dockerfile-style changes applied over `config`. */
  changes?: string[];
  message?: string;
  author?: string;
  /** The runtime config to start from (the container's); the parent image's when absent. */
  config?: ImageRuntimeConfig;
  /** History `created_by`, e.g. the container's command. */
  createdBy?: string;
}

export interface ImageStore {
  list(): Promise<Image[]>;
  /** By "name[:tag]", "name@sha256:…", "sha256:<id>", or an unambiguous ID prefix. NotFound otherwise. */
  get(ref: string): Promise<Image>;
  /** Adds `newRef` to the image `ref` resolves to (moving it off any image that had it). */
  tag(ref: string, newRef: string): Promise<void>;
  /**
   * Removes a reference, and the image once no reference is left. Conflict when the image is in
   * use by a container (unless force) or when an ID names an image with several tags (unless force).
   * Returns Docker's `[{Untagged}|{Deleted}]` list.
   */
  remove(ref: string, opts?: { force?: boolean; noPrune?: boolean }): Promise<Array<{ Untagged?: string; Deleted?: string }>>;
  /** Removes dangling (or, with all, unused) images. */
  prune(opts?: { all?: boolean; isUsed?: (imageId: string) => boolean }): Promise<{ deleted: Array<{ Untagged?: string; Deleted?: string }>; spaceReclaimed: number }>;
  /** A rootfs tarball (plain or gzip) becomes a one-layer image. */
  importTar(tar: Readable, opts: ImportOptions): Promise<Image>;
  /** docker-archive tarball (the `docker save` format, which also carries an OCI index). */
  save(refs: string[]): Promise<Readable>;
  /** Accepts docker-archive or OCI-layout tarballs; returns the references (or IDs) loaded. */
  load(tar: Readable): Promise<string[]>;

  prepareRootfs(key: string, imageId: string): Promise<Mount[]>;
  removeRootfs(key: string): Promise<void>;
  /** Bytes written in the container's upper layer. */
  rootfsUsage(key: string): Promise<number>;
  /** Image IDs referenced by prepared rootfs keys. */
  inUse(): Promise<Set<string>>;
  /**
   * `docker commit`: the rootfs's upper layer becomes a new layer over the image it was prepared
   * from. The caller pauses or stops the container first so files do not change mid-read.
   */
  commitRootfs(key: string, opts?: CommitOptions): Promise<Image>;
  /** Bytes of all unpacked layers, each counted once (`docker system df` LayersSize). */
  layersSize(): Promise<number>;
}

/** The additions the registry and pull/push need: blobs by digest and manifests by reference. */
export interface ImageContent {
  hasBlob(digest: string): boolean;
  blobSize(digest: string): number;
  readBlob(digest: string): Readable;
  /** Streams a blob in; BadRequest when `expected` is given and does not match. */
  writeBlob(source: AsyncIterable<Buffer | Uint8Array>, expected?: string): Promise<{ digest: string; size: number }>;
  /**
   * Stores a manifest whose config and layers are already blobs, unpacks its layers, and names it
   * with `refs` (tags such as "localhost:5000/app:v1" and/or digest references "repo@sha256:…").
   */
  putManifest(manifest: Buffer, mediaType: string, refs: string[]): Promise<Image>;
  /** The stored manifest of the image `ref` resolves to (for push). */
  getManifest(ref: string): Promise<{ digest: string; mediaType: string; bytes: Buffer }>;
}
