/**
 * Applies one layer tar to a directory, turning OCI whiteouts into overlayfs's own form so the
 * directory can serve directly as a lowerdir: `.wh.NAME` becomes a 0:0 character device NAME,
 * `.wh..wh..opq` becomes `trusted.overlay.opaque=y` on its directory.
 *
 * Node has no mknod/setxattr, so device nodes, whiteouts and xattrs are collected and applied at
 * the end in one python3 process (see python.ts); plain files, directories and links are written
 * in-process with synchronous calls, which keeps a busybox-sized layer in the tens of ms.
 */
import * as fs from 'node:fs';
import { posix } from 'node:path';
import { badRequest } from '../../errors/index.js';
import { runPython } from './python.js';
import type { TarEntry } from './tar.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

type SpecialOp =
  | { op: 'mknod'; path: string; kind: 'c' | 'b' | 'p'; major: number; minor: number; mode: number; uid: number; gid: number; whiteout?: boolean }
  | { op: 'setxattr'; path: string; name: string; value: string };

/** "./a/b/" → "a/b"; refuses anything that would leave the root. Empty string is the root. */
export function cleanPath(name: string): string {
  const norm = posix.normalize(name.replace(/^\/+/, '') || '.').replace(/\/+$/, '').replace(/^\.$/, '');
  if (norm === '..' || norm.startsWith('../')) throw badRequest(`invalid tar entry: path ${JSON.stringify(name)} escapes the root`);
  return norm;
}

const HELPER = `
import json, os, stat, sys, base64
for o in json.load(sys.stdin):
    p = o['path']
    if o['op'] == 'mknod':
        if o.get('whiteout') and os.path.lexists(p):
            continue
        kind = {'c': stat.S_IFCHR, 'b': stat.S_IFBLK, 'p': stat.S_IFIFO}[o['kind']]
        os.mknod(p, kind | o['mode'], os.makedev(o['major'], o['minor']))
        os.lchown(p, o['uid'], o['gid'])
    else:
        os.setxattr(p, o['name'], base64.b64decode(o['value']), follow_symlinks=False)
`;

function runSpecial(ops: SpecialOp[]): void {
  if (ops.length) runPython('applying whiteouts/devices/xattrs', HELPER, [], JSON.stringify(ops));
}

function removeAny(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

function lstatOrNull(p: string): fs.Stats | null {
  // throwIfNoEntry: a thrown ENOENT per entry costs more than the whole write.
  return fs.lstatSync(p, { throwIfNoEntry: false }) ?? null;
}

function realpathOrNull(p: string): string | null {
  try { return fs.realpathSync.native(p); } catch { return null; }
}

/**
 * Unpacks entries into `root` (an existing, normally empty directory). Parent directories missing
 * from the archive are created 0755 root-owned, as Docker does.
 */
export async function unpackLayer(entries: AsyncIterable<TarEntry>, root: string): Promise<void> {
  const special: SpecialOp[] = [];
  const dirTimes: Array<[string, number]> = [];
  // Directories known to be real directories inside root: avoids re-checking parents per entry.
  const knownDirs = new Set<string>(['']);
  const realRoot = fs.realpathSync.native(root);
  // Into an empty root (the usual case), only paths this unpack wrote can exist.
  const fresh = fs.readdirSync(root).length === 0;
  const written = new Set<string>();

  // A path replaced by a non-directory takes its whole subtree out of the verified set.
  const forget = (rel: string): void => {
    for (const d of knownDirs) if (d === rel || d.startsWith(`${rel}/`)) knownDirs.delete(d);
  };

  const ensureParents = (rel: string): void => {
    const parent = posix.dirname(rel);
    if (parent === '.' || knownDirs.has(parent)) return;
    ensureParents(parent);
    const abs = posix.join(root, parent);
    const st = fresh && !written.has(parent) ? null : lstatOrNull(abs);
    written.add(parent);
    if (!st) fs.mkdirSync(abs, { mode: 0o755 });
    else if (st.isSymbolicLink()) throw badRequest(`invalid tar entry: ${rel} is below a symbolic link`);
    else if (!st.isDirectory()) { removeAny(abs); fs.mkdirSync(abs, { mode: 0o755 }); }
    knownDirs.add(parent);
  };


  for await (const { header: h, body } of entries) {
    const rel = cleanPath(h.name);
    if (rel === '') {
      if (h.type === 'directory') {
        fs.chmodSync(root, h.mode);
        if (h.uid !== 0 || h.gid !== 0) fs.chownSync(root, h.uid, h.gid);
        dirTimes.push([root, h.mtime]);
      }
      continue;
    }
    ensureParents(rel);
    const base = posix.basename(rel);
    const abs = posix.join(root, rel);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      const dir = posix.dirname(abs);
      if (base === OPAQUE) {
        special.push({ op: 'setxattr', path: dir, name: 'trusted.overlay.opaque', value: Buffer.from('y').toString('base64') });
      } else {
        const target = posix.join(dir, base.slice(WHITEOUT_PREFIX.length));
        const targetRel = posix.join(posix.dirname(rel), base.slice(WHITEOUT_PREFIX.length));
        if (!fresh || written.has(targetRel)) removeAny(target);
        forget(targetRel);
        // Skipped at the end if a later entry of this layer recreated the path.
        special.push({ op: 'mknod', path: target, kind: 'c', major: 0, minor: 0, mode: 0, uid: 0, gid: 0, whiteout: true });
      }
      continue;
    }
    const existing = fresh && !written.has(rel) ? null : lstatOrNull(abs);
    written.add(rel);
    if (h.type === 'directory') {
      if (existing && !existing.isDirectory()) removeAny(abs);
      if (!existing || !existing.isDirectory()) fs.mkdirSync(abs, { mode: h.mode });
      fs.chmodSync(abs, h.mode);
      if (h.uid !== 0 || h.gid !== 0) fs.chownSync(abs, h.uid, h.gid);
      knownDirs.add(rel);
      dirTimes.push([abs, h.mtime]);
    } else {
      if (existing) removeAny(abs);
      forget(rel);
      switch (h.type) {
        case 'file': {
          const fd = fs.openSync(abs, 'wx', 0o600);
          try {
            for await (const chunk of body) {
              let off = 0;
              while (off < chunk.length) off += fs.writeSync(fd, chunk, off);
            }
            if (h.uid !== 0 || h.gid !== 0) fs.fchownSync(fd, h.uid, h.gid);
            // After chown: chown clears set-uid/set-gid bits.
            fs.fchmodSync(fd, h.mode);
            fs.futimesSync(fd, h.mtime, h.mtime);
          } finally {
            fs.closeSync(fd);
          }
          break;
        }
        case 'symlink':
          fs.symlinkSync(h.linkname ?? '', abs);
          if (h.uid !== 0 || h.gid !== 0) fs.lchownSync(abs, h.uid, h.gid);
          fs.lutimesSync(abs, h.mtime, h.mtime);
          break;
        case 'hardlink': {
          const targetRel = cleanPath(h.linkname ?? '');
          const target = posix.join(root, targetRel);
          // link() would happily reach outside root through a symlinked parent directory.
          const parentRel = posix.dirname(targetRel);
          if (parentRel !== '.' && !knownDirs.has(parentRel) && realpathOrNull(posix.join(root, parentRel)) !== posix.join(realRoot, parentRel)) {
            throw badRequest(`invalid tar entry: hard link ${rel} reaches through a symbolic link`);
          }
          const st = lstatOrNull(target);
          if (!st || st.isDirectory()) throw badRequest(`invalid tar entry: hard link ${rel} to missing ${h.linkname}`);
          fs.linkSync(target, abs);
          break;
        }
        case 'char':
        case 'block':
        case 'fifo':
          special.push({
            op: 'mknod', path: abs, kind: h.type === 'char' ? 'c' : h.type === 'block' ? 'b' : 'p',
            major: h.devmajor ?? 0, minor: h.devminor ?? 0, mode: h.mode, uid: h.uid, gid: h.gid,
          });
          break;
      }
    }
    for (const [name, value] of Object.entries(h.xattrs ?? {})) {
      special.push({ op: 'setxattr', path: abs, name, value: value.toString('base64') });
    }
  }
  runSpecial(special);
  // Last: creating children above bumped every directory's mtime.
  for (let i = dirTimes.length - 1; i >= 0; i--) fs.utimesSync(dirTimes[i][0], dirTimes[i][1], dirTimes[i][1]);
}
