/**
 * Host-side helpers on a container's root filesystem: assembling it from the image store's
 * mounts, and resolving paths and users inside it without following symlinks out of it.
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { badRequest, internal } from '../../errors/index.js';
import type { Mount } from '../images/types.js';

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, (err, _out, stderr) => (err ? reject(new Error(String(stderr).trim() || err.message)) : resolve()));
  });
}

/** Mount points in this mount namespace (from /proc/self/mountinfo, octal escapes decoded). */
export function mountPoints(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[4]) out.add(f[4].replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

/** Node cannot call mount(2); one `mount` per layer stack is the only process this needs. */
export async function mountRootfs(mounts: Mount[], target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  if (mountPoints().has(target)) return;
  for (const m of mounts) {
    try {
      await run('mount', ['-t', m.type, ...(m.options.length ? ['-o', m.options.join(',')] : []), m.source, target]);
    } catch (err) {
      throw internal(`mounting the root filesystem: ${(err as Error).message}`);
    }
  }
}

export async function unmountRootfs(target: string): Promise<void> {
  while (mountPoints().has(target)) {
    try {
      await run('umount', [target]);
    } catch {
      // busy: detach it lazily so the container can still be removed
      await run('umount', ['-l', target]).catch(() => undefined);
      return;
    }
  }
}

/**
 * Resolves `path` inside `root` as the container would see it: symlinks are followed relative to
 * the root, never to the host's. The last component is followed only if `followLast`.
 */
export function scopedPath(root: string, path: string, followLast = true): string {
  let parts = posix.normalize('/' + path).split('/').filter(Boolean);
  let resolved: string[] = [];
  let hops = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '..') { resolved.pop(); continue; }
    if (part === '.') continue;
    const host = join(root, ...resolved, part);
    let st;
    try { st = lstatSync(host); } catch { resolved.push(part); continue; }
    if (st.isSymbolicLink() && (parts.length || followLast)) {
      if (++hops > 40) throw badRequest(`too many levels of symbolic links: ${path}`);
      const target = readlinkSync(host);
      if (target.startsWith('/')) resolved = [];
      parts = [...target.split('/').filter(Boolean), ...parts];
      continue;
    }
    resolved.push(part);
  }
  return join(root, ...resolved);
}

/** Rows of a colon-separated user database (/etc/passwd, /etc/group) inside `root`; none if absent. */
export function readUserDb(root: string, file: string): string[][] {
  try {
    return readFileSync(scopedPath(root, file), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Docker's User field ("name", "uid", "name:group", "uid:gid") against the image's passwd/group. */
export function resolveUser(root: string, user: string): { uid: number; gid: number; additionalGids: number[] } {
  if (!user) return { uid: 0, gid: 0, additionalGids: [] };
  const [u, g] = user.split(':', 2);
  const passwd = readUserDb(root, '/etc/passwd');
  const groups = readUserDb(root, '/etc/group');
  let uid: number;
  let gid = 0;
  let userName: string | undefined;
  const entry = passwd.find((p) => p[0] === u) ?? (/^\d+$/.test(u) ? passwd.find((p) => p[2] === u) : undefined);
  if (entry) {
    uid = Number(entry[2]);
    gid = Number(entry[3]);
    userName = entry[0];
  } else if (/^\d+$/.test(u)) {
    uid = Number(u);
  } else {
    throw badRequest(`unable to find user ${u}: no matching entries in passwd file`);
  }
  if (g !== undefined) {
    const ge = groups.find((x) => x[0] === g);
    if (ge) gid = Number(ge[2]);
    else if (/^\d+$/.test(g)) gid = Number(g);
    else throw badRequest(`unable to find group ${g}: no matching entries in group file`);
  }
  const additionalGids = userName ? groups.filter((x) => (x[3] ?? '').split(',').includes(userName!)).map((x) => Number(x[2])).filter((x) => x !== gid) : [];
  return { uid, gid, additionalGids };
}
