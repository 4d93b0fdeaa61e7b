/**
 * A container's root filesystem from the image store's mounts (an overlay over the image's
 * layers), and the image's /etc/passwd and /etc/group lookups the kubelet needs for its USER.
 * The overlay itself is mounted by runc inside the container's mount namespace (first spec
 * mount, at "/"): a running container leaves no mount on the host.
 */
import { mkdirSync } from 'node:fs';
import { readUserDb } from '../engine/containers/index.js';
import type { Mount } from '../engine/images/index.js';
import type { SpecMount } from '../engine/runtime/index.js';
import { mountsUnder, run, unmountAll } from './volumes.js';

export async function mountRootfs(mounts: Mount[], target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  if (mountsUnder(target).includes(target)) return;
  for (const m of mounts) await run('mount', ['-t', m.type, ...(m.options.length ? ['-o', m.options.join(',')] : []), m.source, target]);
}

export const unmountRootfs = unmountAll;

/** The image store's mounts as the spec's first mounts, stacked on the (empty) root path. */
export function rootSpecMounts(mounts: Mount[]): SpecMount[] {
  return mounts.map((m) => ({ destination: '/', type: m.type, source: m.source, options: m.options }));
}

/** An image's user database: rows of /etc/passwd and /etc/group split on ":". */
export interface UserTables {
  passwd: string[][];
  group: string[][];
}

const tablesByImage = new Map<string, UserTables>();

/**
 * The user database of image `imageId`. Images are immutable, so it is read once per image, from a
 * short host mount of a container's prepared (still unused) root filesystem at `target`.
 */
export async function imageUserTables(imageId: string, mounts: Mount[], target: string): Promise<UserTables> {
  const known = tablesByImage.get(imageId);
  if (known) return known;
  await mountRootfs(mounts, target);
  let tables: UserTables;
  try {
    tables = { passwd: readUserDb(target, '/etc/passwd'), group: readUserDb(target, '/etc/group') };
  } finally {
    await unmountRootfs(target);
  }
  tablesByImage.set(imageId, tables);
  return tables;
}

/**
 * The image's USER ("name", "uid", "name:group", "uid:gid") as numbers; `numeric` says whether
 * the user part was a number, which runAsNonRoot needs to know.
 */
export function imageUser(t: UserTables, user: string | undefined): { uid?: number; gid: number; name?: string; numeric: boolean } {
  if (!user) return { uid: 0, gid: 0, name: 'root', numeric: true };
  const [u, g] = user.split(':', 2);
  const passwd = t.passwd;
  const entry = passwd.find((p) => p[0] === u) ?? (/^\d+$/.test(u) ? passwd.find((p) => p[2] === u) : undefined);
  let uid = entry ? Number(entry[2]) : /^\d+$/.test(u) ? Number(u) : undefined;
  let gid = entry ? Number(entry[3]) : 0;
  if (g !== undefined) {
    const ge = t.group.find((x) => x[0] === g);
    gid = ge ? Number(ge[2]) : /^\d+$/.test(g) ? Number(g) : gid;
  }
  if (uid !== undefined && Number.isNaN(uid)) uid = undefined;
  return { uid, gid, name: entry?.[0], numeric: /^\d+$/.test(u) };
}

/** Supplementary groups of a user name in the image's /etc/group. */
export function userGroups(t: UserTables, name: string | undefined, gid: number): number[] {
  if (!name) return [];
  return t.group.filter((x) => (x[3] ?? '').split(',').includes(name)).map((x) => Number(x[2])).filter((x) => x !== gid);
}
