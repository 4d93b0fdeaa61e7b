/**
 * `bosun image bootstrap debian`: a Debian root filesystem made with debootstrap, as a tarball
 * the engine's import endpoint turns into an image. The mirror defaults to the host's own apt
 * source, because that is the only archive these machines can reach.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { BosunError, badRequest } from '../errors/index.js';

export interface AptSource {
  uri: string;
  suites: string[];
}

/** `deb [opts] URI suite comps…` lines of a one-line-style sources.list. */
function parseOneLine(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m) out.push({ uri: m[1], suites: [m[2]] });
  }
  return out;
}

/** deb822 `.sources` stanzas (Debian 12's default `debian.sources`). */
function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    let last = '';
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && last) { fields[last] += ' ' + raw.trim(); continue; }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) { last = m[1].toLowerCase(); fields[last] = m[2].trim(); }
    }
    if (!(fields.types ?? '').split(/\s+/).includes('deb')) continue;
    if (/^(no|false)$/i.test(fields.enabled ?? '')) continue;
    const suites = (fields.suites ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.uris ?? '').split(/\s+/).filter(Boolean)) out.push({ uri, suites });
  }
  return out;
}

/** Every `deb` source apt uses, in apt's order: sources.list, then sources.list.d/ sorted. */
export function aptSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = join(etcApt, 'sources.list');
  if (fs.existsSync(main)) out.push(...parseOneLine(fs.readFileSync(main, 'utf8')));
  const dir = join(etcApt, 'sources.list.d');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  for (const n of names) {
    const p = join(dir, n);
    if (n.endsWith('.list')) out.push(...parseOneLine(fs.readFileSync(p, 'utf8')));
    else if (n.endsWith('.sources')) out.push(...parseDeb822(fs.readFileSync(p, 'utf8')));
  }
  return out.filter((s) => /^https?:\/\//.test(s.uri));
}

/** The first source carrying `suite`, else the first source at all. */
export function defaultMirror(suite: string, etcApt = '/etc/apt'): string {
  const sources = aptSources(etcApt);
  const hit = sources.find((s) => s.suites.includes(suite)) ?? sources[0];
  if (!hit) throw badRequest(`no deb source found in ${etcApt}/sources.list or ${etcApt}/sources.list.d: pass a mirror`);
  return hit.uri;
}

export interface BootstrapOptions {
  suite?: string;
  mirror?: string;
  variant?: string;
}

export function debootstrapArgs(opts: BootstrapOptions, target: string, etcApt = '/etc/apt'): string[] {
  const suite = opts.suite ?? 'bookworm';
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(suite)) throw badRequest(`invalid suite ${JSON.stringify(suite)}`);
  const variant = opts.variant ?? 'minbase';
  if (!/^[a-z-]+$/.test(variant)) throw badRequest(`invalid variant ${JSON.stringify(variant)}`);
  const mirror = opts.mirror ?? defaultMirror(suite, etcApt);
  if (!/^(https?|file):\/\//.test(mirror)) throw badRequest(`invalid mirror ${JSON.stringify(mirror)}: expected an http(s) or file URL`);
  return [`--variant=${variant}`, suite, target, mirror];
}

export interface BootstrapHooks {
  /** debootstrap's latest `I:` line (without the prefix), then `packing` while tar runs. */
  onProgress?: (text: string) => void;
  /** Aborting stops debootstrap (its whole process group) and removes everything made so far. */
  signal?: AbortSignal;
}

/**
 * Runs `cmd` in its own process group. debootstrap prints its I:/W:/E: messages on stdout (its
 * fd 4) and sends the full log to the target's debootstrap.log, so stdout is what carries both the
 * progress and the reason of a failure; stderr is kept too for tools that use it.
 */
function run(cmd: string, args: string[], hooks: BootstrapHooks = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (hooks.signal?.aborted) { reject(new BosunError('Unavailable', `${cmd}: interrupted`)); return; }
    // detached: its own process group, so an abort reaches wget/dpkg/chroot below the shell too,
    // and none of them outlives the cleanup that removes their target.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let tail = '';
    let partial = '';
    const errors: string[] = [];
    child.stdout.on('data', (c: Buffer) => {
      partial += c.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail = (tail + line + '\n').slice(-4000);
        if (line.startsWith('E: ')) errors.push(line.slice(3));
        else if (line.startsWith('I: ')) hooks.onProgress?.(line.slice(3).trim());
      }
    });
    child.stderr.on('data', (c: Buffer) => { tail = (tail + c.toString()).slice(-4000); });
    const abort = () => { if (child.pid) { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ } } };
    hooks.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (err) => {
      hooks.signal?.removeEventListener('abort', abort);
      reject(new BosunError('Unavailable', `${cmd}: ${err.message}`));
    });
    child.on('close', (code, sig) => {
      hooks.signal?.removeEventListener('abort', abort);
      if (code === 0) { resolve(); return; }
      if (hooks.signal?.aborted) { reject(new BosunError('Unavailable', `${cmd}: interrupted`)); return; }
      const why = errors.length ? errors.join('; ') : (tail + partial).trim();
      reject(new BosunError('Internal', `${cmd} ${sig ? `killed by ${sig}` : `exited with ${code}`}: ${why}`));
    });
  });
}

/** Lazily unmounts anything debootstrap left mounted below `root` (proc, sys on a failed run). */
function unmountBelow(root: string): void {
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === root || m.startsWith(root + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
}

/**
 * Runs debootstrap into a temp dir and packs the result. Returns the tarball's path; the caller
 * removes its directory (`dirname(path)`) when done with it.
 *
 *   /tmp/bosun-debootstrap-XXXX/
 *     rootfs/        debootstrap's target (removed once packed)
 *     rootfs.tar     the result
 */
export async function debootstrapRootfsTar(opts: BootstrapOptions, hooks: BootstrapHooks = {}): Promise<string> {
  const dir = fs.mkdtempSync('/tmp/bosun-debootstrap-');
  const rootfs = join(dir, 'rootfs');
  const tar = join(dir, 'rootfs.tar');
  try {
    await run('debootstrap', debootstrapArgs(opts, rootfs), hooks);
    unmountBelow(fs.realpathSync(rootfs));
    // Downloaded .debs and apt lists only make the image bigger.
    fs.rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    fs.mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
    fs.rmSync(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    fs.mkdirSync(join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
    // The runtime bind-mounts these; empty placeholders keep the host's copies out of the image.
    for (const f of ['etc/resolv.conf', 'etc/hostname']) fs.writeFileSync(join(rootfs, f), '');
    hooks.onProgress?.('packing');
    await run('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', rootfs, '-cf', tar, '.'], { signal: hooks.signal });
    fs.rmSync(rootfs, { recursive: true, force: true });
    return tar;
  } catch (err) {
    unmountBelow(fs.realpathSync(dir));
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
