/**
 * Persistent network namespaces, made the way `ip netns add` makes them under /run/netns but in
 * the instance's own directory:
 *
 *   DIR/run/netns/          a bind mount of itself with shared propagation, so a namespace file
 *                           mounted (or unmounted) later propagates into mount namespaces copied
 *                           from the host meanwhile (runc's, conmon's) instead of pinning a stale
 *                           copy there that keeps the namespace and its veth alive
 *     <key>                 nsfs bind mount of one network namespace (loopback up)
 *
 * `unshare --net=FILE` creates the namespace and bind-mounts it onto FILE in one step; the
 * command it then runs inside brings loopback up without a second spawn and turns IPv6 off for
 * every interface made or moved into the namespace later (loopback keeps ::1): container networks
 * are IPv4 only, as Docker's are without --ipv6 (see disableIpv6 in bridge.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { internal, invalid } from '../../errors/index.js';
import { run, runOk } from './exec.js';

interface MountInfo {
  target: string;
  shared: boolean;
}

/** /proc/self/mountinfo, unescaped (the kernel writes spaces as \040). */
function mounts(): MountInfo[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 7) continue;
    // Optional fields (shared:N, master:N …) run from the 7th field to the "-" separator.
    const optional = f.slice(6, f.indexOf('-', 6));
    out.push({ target: f[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))), shared: optional.some((o) => o.startsWith('shared:')) });
  }
  return out;
}

export function mountPoints(): string[] {
  return mounts().map((m) => m.target);
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;

/** Run by `sh` inside a new namespace; a host without IPv6 has no such sysctl, which is fine. */
const IN_NEW_NETNS = 'if [ -e /proc/sys/net/ipv6/conf/default/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; fi; exec ip link set lo up';

export class NetnsDir {
  constructor(readonly dir: string) {}

  path(key: string): string {
    if (!KEY.test(key)) throw invalid(`invalid network namespace key ${JSON.stringify(key)}`);
    return join(this.dir, key);
  }

  /** `current`: a mountinfo snapshot the caller already read (create reads it once for both checks). */
  async ensureShared(current: MountInfo[] = mounts()): Promise<void> {
    const self = current.filter((m) => m.target === this.dir);
    if (self.length && self[self.length - 1].shared) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    if (!self.length) await runOk('mount', ['--bind', this.dir, this.dir]);
    await runOk('mount', ['--make-shared', this.dir]);
  }

  async create(key: string): Promise<string> {
    const file = this.path(key);
    const current = mounts();
    if (current.some((m) => m.target === file)) return file;
    await this.ensureShared(current);
    writeFileSync(file, '');
    const r = await run('unshare', [`--net=${file}`, 'sh', '-c', IN_NEW_NETNS]);
    if (r.code !== 0) {
      await this.remove(key);
      throw internal(`creating network namespace ${key}: ${r.stderr.trim()}`);
    }
    return file;
  }

  async remove(key: string): Promise<void> {
    const file = this.path(key);
    // A file mounted twice (two racing creates) needs one unmount per layer.
    for (let i = 0; i < 8 && mountPoints().includes(file); i++) await runOk('umount', [file]);
    rmSync(file, { force: true });
  }

  /** Every namespace file and finally the directory's own bind mount (teardown). */
  async removeAll(): Promise<void> {
    if (existsSync(this.dir)) {
      for (const name of readdirSync(this.dir)) {
        const file = join(this.dir, name);
        for (let i = 0; i < 8 && mountPoints().includes(file); i++) await runOk('umount', ['--lazy', file]);
        rmSync(file, { force: true });
      }
    }
    for (let i = 0; i < 8 && mountPoints().includes(this.dir); i++) await runOk('umount', ['--lazy', this.dir]);
  }
}
