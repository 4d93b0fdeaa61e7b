/**
 * `docker cp`: tar out of and into a container's root filesystem (and the volumes and binds
 * mounted in it, which the host sees at their own sources, not under the rootfs).
 */
import { type Stats, chmodSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, createReadStream, createWriteStream, rmSync, utimesSync, lchownSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, notFound } from '../../errors/index.js';
import { readTar, writeTar, maybeGunzip, type TarInput } from '../images/tar.js';
import type { MountPoint } from './create-config.js';
import { scopedPath } from './rootfs.js';

/** Host path of a container path: the deepest mount covering it, else the rootfs. */
function hostPath(rootfs: string, path: string, mounts: MountPoint[], followLast: boolean): string {
  const norm = posix.normalize('/' + path);
  const m = mounts
    .filter((x) => x.Type !== 'tmpfs' && (norm === x.Destination || norm.startsWith(x.Destination.replace(/\/$/, '') + '/')))
    .sort((a, b) => b.Destination.length - a.Destination.length)[0];
  if (m) return scopedPath(m.Source, norm.slice(m.Destination.length), followLast);
  return scopedPath(rootfs, norm, followLast);
}

/** Go's os.FileMode bits, which the X-Docker-Container-Path-Stat header carries. */
function goMode(st: Stats): number {
  let mode = Number(st.mode) & 0o777;
  if (st.isDirectory()) mode |= 2 ** 31;
  if (st.isSymbolicLink()) mode |= 2 ** 27;
  return mode;
}

async function* walk(host: string, name: string): AsyncGenerator<TarInput> {
  const st = lstatSync(host);
  const base = { mode: Number(st.mode) & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (st.isDirectory()) {
    yield { header: { ...base, name: name + '/', type: 'directory', size: 0 } };
    for (const e of readdirSync(host).sort()) yield* walk(join(host, e), `${name}/${e}`);
  } else if (st.isSymbolicLink()) {
    yield { header: { ...base, name, type: 'symlink', size: 0, linkname: readlinkSync(host) } };
  } else if (st.isFile()) {
    yield { header: { ...base, name, type: 'file', size: st.size }, body: createReadStream(host) as AsyncIterable<Buffer> };
  }
}

export async function archiveGet(rootfs: string, path: string, mounts: MountPoint[]): Promise<{ stat: Record<string, unknown>; tar: Readable }> {
  const host = hostPath(rootfs, path, mounts, !path.endsWith('/.') ? false : true);
  let st;
  try {
    st = lstatSync(host);
  } catch {
    throw notFound(`Could not find the file ${path} in container`);
  }
  const name = posix.basename(posix.normalize('/' + path)) || '/';
  const stat = { name, size: st.size, mode: goMode(st), mtime: st.mtime.toISOString(), linkTarget: st.isSymbolicLink() ? readlinkSync(host) : '' };
  // Read everything now: the rootfs may be unmounted once the caller's lock is released.
  const chunks: Buffer[] = [];
  for await (const c of writeTar(walk(host, name === '/' ? '.' : name))) chunks.push(c);
  return { stat, tar: Readable.from(chunks) };
}

export async function archivePut(rootfs: string, path: string, tar: Readable, mounts: MountPoint[]): Promise<void> {
  const dest = hostPath(rootfs, path, mounts, true);
  let st;
  try {
    st = lstatSync(dest);
  } catch {
    throw notFound(`Could not find the file ${path} in container`);
  }
  if (!st.isDirectory()) throw badRequest(`extraction point is not a directory`);
  for await (const entry of readTar(maybeGunzip(tar))) {
    const rel = posix.normalize(entry.header.name).replace(/^(\.\/)+/, '').replace(/\/$/, '');
    if (!rel || rel === '.' || rel.startsWith('../') || rel === '..') continue;
    // Resolve the parent inside the container so a symlink in the archive's path cannot escape.
    const target = join(scopedPath(dest, posix.dirname(rel)), posix.basename(rel));
    const h = entry.header;
    mkdirSync(dirname(target), { recursive: true });
    if (h.type === 'directory') {
      mkdirSync(target, { recursive: true });
      chmodSync(target, h.mode & 0o7777);
    } else if (h.type === 'file') {
      rmSync(target, { force: true, recursive: false });
      await pipeline(Readable.from(entry.body), createWriteStream(target, { mode: h.mode & 0o7777 }));
      chmodSync(target, h.mode & 0o7777);
    } else if (h.type === 'symlink') {
      rmSync(target, { force: true });
      symlinkSync(h.linkname ?? '', target);
    } else {
      continue;
    }
    try { lchownSync(target, h.uid, h.gid); } catch { /* ownership is best effort */ }
    if (h.type !== 'symlink') utimesSync(target, h.mtime, h.mtime);
  }
}
