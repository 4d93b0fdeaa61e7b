/**
 * The reverse of unpack.ts: a container's overlayfs upper directory as an OCI layer. Overlay's
 * own markers become OCI whiteouts again: a 0:0 character device NAME is `.wh.NAME`, a directory
 * with `trusted.overlay.opaque=y` gets a `.wh..wh..opq` entry. Entries are sorted and hard links
 * are written once with link entries after, so the same upper gives the same tar.
 */
import * as fs from 'node:fs';
import { join, posix } from 'node:path';
import { runPython } from './python.js';
import type { TarHeader, TarInput } from './tar.js';

// Lists directories marked opaque (node has no getxattr; see python.ts).
const OPAQUE_HELPER = `
import json, os, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root):
    try:
        if os.getxattr(d, 'trusted.overlay.opaque', follow_symlinks=False) == b'y':
            out.append(os.path.relpath(d, root))
    except OSError:
        pass
json.dump(out, sys.stdout)
`;

function opaqueDirs(root: string): Set<string> {
  const out = runPython('listing opaque directories', OPAQUE_HELPER, [root]);
  return new Set((JSON.parse(out) as string[]).map((p) => (p === '.' ? '' : p)));
}

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
function devNumbers(rdev: number): { major: number; minor: number } {
  const r = BigInt(rdev);
  const major = Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn));
  const minor = Number((r & 0xffn) | ((r >> 12n) & ~0xffn));
  return { major, minor };
}

/** Tar entries for everything below `root`, as an OCI layer describes changes. */
export function* diffEntries(root: string): Generator<TarInput> {
  const opaque = opaqueDirs(root);
  const firstPath = new Map<string, string>();
  const walk = function* (rel: string): Generator<TarInput> {
    const names = fs.readdirSync(join(root, rel)).sort();
    if (rel && opaque.has(rel)) {
      yield { header: { name: `${rel}/.wh..wh..opq`, type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 } };
    }
    for (const name of names) {
      const childRel = rel ? `${rel}/${name}` : name;
      const abs = join(root, childRel);
      const st = fs.lstatSync(abs);
      const base: Omit<TarHeader, 'name' | 'type'> = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: 0, mtime: Math.floor(st.mtimeMs / 1000) };
      if (st.isCharacterDevice() && st.rdev === 0) {
        yield { header: { ...base, name: posix.join(rel, `.wh.${name}`), type: 'file', mode: 0 } };
        continue;
      }
      if (st.isDirectory()) {
        yield { header: { ...base, name: `${childRel}/`, type: 'directory' } };
        yield* walk(childRel);
        continue;
      }
      const inode = `${st.dev}:${st.ino}`;
      const earlier = st.nlink > 1 ? firstPath.get(inode) : undefined;
      if (earlier) {
        yield { header: { ...base, name: childRel, type: 'hardlink', linkname: earlier } };
        continue;
      }
      if (st.nlink > 1) firstPath.set(inode, childRel);
      if (st.isFile()) {
        yield { header: { ...base, name: childRel, type: 'file', size: st.size }, body: fs.createReadStream(abs) as AsyncIterable<Buffer> };
      } else if (st.isSymbolicLink()) {
        yield { header: { ...base, name: childRel, type: 'symlink', linkname: fs.readlinkSync(abs) } };
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const { major, minor } = devNumbers(st.rdev);
        yield { header: { ...base, name: childRel, type: st.isCharacterDevice() ? 'char' : 'block', devmajor: major, devminor: minor } };
      } else if (st.isFIFO()) {
        yield { header: { ...base, name: childRel, type: 'fifo' } };
      }
      // Sockets have no tar form and no meaning in an image: skipped, as Docker does.
    }
  };
  yield* walk('');
}
