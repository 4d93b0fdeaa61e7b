/**
 * LocalVolumeStore: Docker's "local" volume driver as plain directories.
 *
 *   engine/volumes/                 (instance.paths.volumes)
 *     <name>/
 *       _data/                      what containers mount
 *       volume.json                 {CreatedAt, Labels, Options, Anonymous, Populated}
 *
 * A volume is created with its record written last (atomically), so a directory without
 * volume.json is a half-made volume: it is not listed and is replaced by the next create.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BosunError, conflict, notFound } from '../../errors/index.js';
import type { EngineEvents } from '../events.js';
import type { VolumeRecord, VolumeStore } from './types.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

interface VolumeFile {
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Anonymous: boolean;
  /** Image content was copied in already (Docker copies only on the first mount). */
  Populated: boolean;
}

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function dirSize(path: string): number {
  let total = 0;
  const walk = (p: string) => {
    let st;
    try { st = lstatSync(p); } catch { return; }
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else total += st.size;
  };
  walk(path);
  return total;
}

export class LocalVolumeStore implements VolumeStore {
  private users: (name: string) => string[] = () => [];

  constructor(private readonly root: string, private readonly events?: EngineEvents) {
    mkdirSync(root, { recursive: true });
  }

  setUsers(users: (name: string) => string[]): void {
    this.users = users;
  }

  private readFile(name: string): VolumeFile | undefined {
    if (!NAME_RE.test(name)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.root, name, 'volume.json'), 'utf8')) as VolumeFile;
    } catch {
      return undefined;
    }
  }

  private record(name: string, f: VolumeFile, withUsage = false): VolumeRecord {
    const rec: VolumeRecord = {
      Name: name,
      Driver: 'local',
      Mountpoint: join(this.root, name, '_data'),
      CreatedAt: f.CreatedAt,
      Labels: f.Labels ?? {},
      Options: f.Options ?? {},
      Scope: 'local',
    };
    if (withUsage) rec.UsageData = { Size: dirSize(rec.Mountpoint), RefCount: this.users(name).length };
    return rec;
  }

  isAnonymous(name: string): boolean {
    return this.readFile(name)?.Anonymous ?? false;
  }

  async list(filters: Record<string, string[]> = {}, opts: { usage?: boolean } = {}): Promise<VolumeRecord[]> {
    const out: VolumeRecord[] = [];
    for (const name of readdirSync(this.root).sort()) {
      const f = this.readFile(name);
      if (!f) continue;
      if (filters.name?.length && !filters.name.some((n) => name.includes(n))) continue;
      if (filters.driver?.length && !filters.driver.includes('local')) continue;
      if (filters.dangling?.length) {
        const want = filters.dangling[0] === 'true' || filters.dangling[0] === '1';
        if ((this.users(name).length === 0) !== want) continue;
      }
      if (filters.label?.length && !filters.label.every((l) => {
        const eq = l.indexOf('=');
        return eq < 0 ? l in (f.Labels ?? {}) : f.Labels?.[l.slice(0, eq)] === l.slice(eq + 1);
      })) continue;
      out.push(this.record(name, f, opts.usage));
    }
    return out;
  }

  async get(name: string): Promise<VolumeRecord> {
    const f = this.readFile(name);
    if (!f) throw notFound(`get ${name}: no such volume`);
    return this.record(name, f);
  }

  async create(name: string | undefined, opts: { labels?: Record<string, string>; driverOpts?: Record<string, string> } = {}): Promise<VolumeRecord> {
    const anonymous = !name;
    const volName = name || randomBytes(32).toString('hex');
    if (volName.length === 1) throw new BosunError('BadRequest', `create ${volName}: volume name is too short, names should be at least two alphanumeric characters`);
    if (!NAME_RE.test(volName)) {
      throw new BosunError('BadRequest', `create ${volName}: "${volName}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
    }
    const existing = this.readFile(volName);
    if (existing) return this.record(volName, existing);
    const dir = join(this.root, volName);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '_data'), { recursive: true, mode: 0o755 });
    const f: VolumeFile = {
      CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      Labels: opts.labels ?? {},
      Options: opts.driverOpts ?? {},
      Anonymous: anonymous,
      Populated: false,
    };
    writeAtomic(join(dir, 'volume.json'), JSON.stringify(f));
    this.events?.emit('volume', 'create', volName, { driver: 'local' });
    return this.record(volName, f);
  }

  /**
   * Docker copies the image's content at the mount target into an empty volume the first time
   * the volume is mounted, so e.g. a fresh volume on /etc/app starts with the image's files.
   */
  needsPopulate(name: string): boolean {
    const f = this.readFile(name);
    return Boolean(f && !f.Populated);
  }

  async populate(name: string, fromDir: string): Promise<void> {
    const f = this.readFile(name);
    if (!f || f.Populated) return;
    const data = join(this.root, name, '_data');
    if (existsSync(fromDir) && lstatSync(fromDir).isDirectory() && readdirSync(data).length === 0) {
      cpSync(fromDir, data, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    }
    f.Populated = true;
    writeAtomic(join(this.root, name, 'volume.json'), JSON.stringify(f));
  }

  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    const f = this.readFile(name);
    if (!f) {
      if (opts.force) return;
      throw notFound(`get ${name}: no such volume`);
    }
    const users = this.users(name);
    if (users.length && !opts.force) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    rmSync(join(this.root, name), { recursive: true, force: true });
    this.events?.emit('volume', 'destroy', name, { driver: 'local' });
  }

  async prune(opts: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let space = 0;
    for (const v of await this.list(opts.filters ?? {})) {
      const f = this.readFile(v.Name);
      if (!f || this.users(v.Name).length) continue;
      // Since Docker 23, prune only takes anonymous volumes unless asked for all.
      if (!opts.all && !f.Anonymous) continue;
      space += dirSize(v.Mountpoint);
      await this.remove(v.Name);
      deleted.push(v.Name);
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: space };
  }
}
