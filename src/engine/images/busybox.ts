/**
 * The `busybox:latest` base image, built from the host's static busybox so every instance has a
 * usable image without any network: the binary in /bin with a hard link per applet beside it and
 * at the applet's usual place (/usr/bin/env, /sbin/ip, …). Fixed mtimes, sorted entries and a
 * fixed creation time make the layer, config and therefore the image ID a function of the
 * busybox binary alone.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { internal } from '../../errors/index.js';
import { writeTar, collect, type TarInput, type TarHeader } from './tar.js';

export const BUSYBOX_BINARY = '/bin/busybox';
/** Debian 12's release day: a fixed, plausible creation time. */
export const BUSYBOX_CREATED = '2023-06-10T00:00:00Z';
const MTIME = Date.parse(BUSYBOX_CREATED) / 1000;
export const BUSYBOX_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\nnobody:x:65534:\n';
const HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

function dir(name: string, mode = 0o755): TarInput {
  return { header: { name: `${name}/`, type: 'directory', mode, uid: 0, gid: 0, size: 0, mtime: MTIME } };
}

function file(name: string, body: Buffer, mode = 0o644): TarInput {
  return { header: { name, type: 'file', mode, uid: 0, gid: 0, size: body.length, mtime: MTIME }, body };
}

function list(binary: string, flag: string): string[] {
  const r = spawnSync(binary, [flag], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw internal(`cannot list busybox applets from ${binary}: ${r.error?.message ?? r.stderr}`);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** Applet names from `busybox --list`, minus `busybox` itself (it would replace the binary). */
export function busyboxApplets(binary = BUSYBOX_BINARY): string[] {
  return [...new Set(list(binary, '--list').filter((s) => s !== 'busybox' && !s.includes('/')))].sort();
}

/**
 * Where busybox would install applets outside /bin (`--list-full`: usr/bin/env, sbin/ip, …), so
 * `#!/usr/bin/env sh` and absolute paths in scripts work too.
 */
export function busyboxExtraPaths(binary = BUSYBOX_BINARY): string[] {
  return [...new Set(list(binary, '--list-full').filter((p) => /^(usr\/bin|usr\/sbin|sbin)\/[^/]+$/.test(p) && !p.endsWith('/busybox')))].sort();
}

export function busyboxVersion(binary = BUSYBOX_BINARY): string {
  const r = spawnSync(binary, [], { encoding: 'utf8' });
  return /BusyBox v[^\s]+/.exec(r.stdout ?? '')?.[0] ?? 'BusyBox';
}

/** The single layer of the busybox image as an uncompressed tar. */
export async function busyboxLayer(binary = BUSYBOX_BINARY): Promise<Buffer> {
  const bin = fs.readFileSync(binary);
  const link = (name: string): TarInput => ({
    header: { name, type: 'hardlink', linkname: 'bin/busybox', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: MTIME } satisfies TarHeader,
  });
  const extra = busyboxExtraPaths(binary);
  const under = (d: string) => extra.filter((p) => p.startsWith(`${d}/`) && !p.slice(d.length + 1).includes('/')).map(link);
  const entries: TarInput[] = [
    dir('bin'),
    file('bin/busybox', bin, 0o755),
    ...busyboxApplets(binary).map((a) => link(`bin/${a}`)),
    dir('dev'),
    dir('etc'),
    file('etc/group', Buffer.from(GROUP)),
    file('etc/hostname', Buffer.alloc(0)),
    file('etc/hosts', Buffer.from(HOSTS)),
    file('etc/passwd', Buffer.from(PASSWD)),
    file('etc/resolv.conf', Buffer.alloc(0)),
    dir('home'),
    dir('proc', 0o555),
    dir('root', 0o700),
    dir('sbin'),
    ...under('sbin'),
    dir('sys', 0o555),
    dir('tmp', 0o1777),
    dir('usr'),
    dir('usr/bin'),
    ...under('usr/bin'),
    dir('usr/sbin'),
    ...under('usr/sbin'),
    dir('var'),
  ];
  return collect(writeTar(entries));
}
