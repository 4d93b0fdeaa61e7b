/**
 * On-disk container records and paths.
 *
 *   engine/containers/<id>/            (instance.paths.containers)
 *     container.json     {inspect: Docker's inspect shape, internal: what only we need}; written
 *                        to a temp file and renamed, so a crash leaves the old or the new record
 *     container.log      CRI-format log of the main process (conmon), kept across restarts
 *     hostname hosts resolv.conf   bind-mounted into the container
 *     bundle/config.json OCI spec, rewritten at every start
 *     bundle/rootfs/     runc's root path, empty on the host: the image overlay is mounted on it
 *                        by runc inside the container's mount namespace (one mount fewer to make
 *                        and undo per run, and none to leak); host-mounted only briefly, to read
 *                        a stopped container (docker cp), a named user or a volume's first fill
 *     execs/<exec id>/   process.json, log, exit/ of one exec (conmon)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from '../images/types.js';
import type { ContainerInspect } from './types.js';

export interface InternalState {
  /** Mounts that assemble the root filesystem (from ImageStore.prepareRootfs). */
  rootfsMounts: Mount[];
  /** Network namespace path while started on a bridge network. */
  netnsPath?: string;
  /** Networks with a live CNI attachment. */
  attached: string[];
  /** Anonymous volumes made for this container (removed with `rm -v`). */
  anonymousVolumes: string[];
  /** The user stopped it (unless-stopped stays down; no restart policy applies). */
  manuallyStopped: boolean;
  /** Last start time in ms, for the restart back-off reset. */
  lastStartMs?: number;
  /** Current restart back-off in ms. */
  backoffMs?: number;
}

export interface ContainerRecord {
  inspect: ContainerInspect;
  internal: InternalState;
}

export interface ContainerPaths {
  dir: string;
  record: string;
  log: string;
  bundle: string;
  rootfs: string;
  hostname: string;
  hosts: string;
  resolvConf: string;
  execs: string;
}

export function containerPaths(root: string, id: string): ContainerPaths {
  const dir = join(root, id);
  return {
    dir,
    record: join(dir, 'container.json'),
    log: join(dir, 'container.log'),
    bundle: join(dir, 'bundle'),
    rootfs: join(dir, 'bundle', 'rootfs'),
    hostname: join(dir, 'hostname'),
    hosts: join(dir, 'hosts'),
    resolvConf: join(dir, 'resolv.conf'),
    execs: join(dir, 'execs'),
  };
}

export function saveRecord(root: string, rec: ContainerRecord): void {
  const p = containerPaths(root, rec.inspect.Id);
  mkdirSync(p.dir, { recursive: true });
  const tmp = `${p.record}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(rec));
  renameSync(tmp, p.record);
}

export function loadRecords(root: string): ContainerRecord[] {
  const out: ContainerRecord[] = [];
  let ids: string[];
  try {
    ids = readdirSync(root);
  } catch {
    return out;
  }
  for (const id of ids) {
    try {
      out.push(JSON.parse(readFileSync(containerPaths(root, id).record, 'utf8')) as ContainerRecord);
    } catch {
      // a directory without a record is a create that never finished: open() removes it
    }
  }
  return out;
}

export function newId(): string {
  return randomBytes(32).toString('hex');
}

const ADJECTIVES = ['admiring', 'brave', 'clever', 'dazzling', 'eager', 'festive', 'gallant', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'optimistic', 'peaceful', 'quirky', 'relaxed', 'serene', 'tender', 'upbeat', 'vibrant', 'wizardly', 'youthful', 'zealous'];
const NAMES = ['albattani', 'banach', 'curie', 'darwin', 'euclid', 'fermat', 'galileo', 'hopper', 'hypatia', 'jepsen', 'kepler', 'lovelace', 'meitner', 'noether', 'pasteur', 'ritchie', 'shannon', 'tesla', 'turing', 'wozniak', 'yalow', 'zhukovsky'];

/** Docker-style "adjective_scientist" names. */
export function randomName(taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    const a = ADJECTIVES[randomBytes(1)[0] % ADJECTIVES.length];
    const b = NAMES[randomBytes(1)[0] % NAMES.length];
    const name = i < 10 ? `${a}_${b}` : `${a}_${b}${i}`;
    if (!taken(name)) return name;
  }
}

export const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
