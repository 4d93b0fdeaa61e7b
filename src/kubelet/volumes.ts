/**
 * Pod volumes on the host, one directory each under the pod's volumes/ (see layout.ts), bind-
 * mounted into containers. ConfigMap, Secret, downwardAPI and projected volumes are written as one
 * file per key (items remap keys to paths; modes default to 0644); secret and projected volumes and
 * emptyDir with medium Memory are tmpfs mounts; hostPath is the host's path itself (created for
 * the *OrCreate types).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { BosunError } from '../errors/index.js';
import { resources } from '../client/index.js';
import type { ControllerClient } from '../controllers/framework/index.js';
import { podField, resourceField, type ObjectSource, type PodRuntimeFields } from './env.js';
import type { KubeletLayout } from './layout.js';
import type { DownwardItem, KeyToPath, Pod, Volume } from './types.js';

export function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, (err, out, stderr) => (err ? reject(new Error(String(stderr).trim() || err.message)) : resolve(String(out))));
  });
}

/** Mount points at or under `dir` (decoded), deepest first. */
export function mountsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp && (mp === dir || mp.startsWith(dir + '/'))) out.push(mp);
  }
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

export async function unmountAll(dir: string): Promise<void> {
  for (const mp of mountsUnder(dir)) {
    await run('umount', [mp]).catch(() => run('umount', ['-l', mp]).catch(() => undefined));
  }
}

/** A mount failure the kubelet reports as a FailedMount event; the pod stays ContainerCreating. */
export const mountError = (message: string) => new BosunError('Invalid', message);

function safeRel(p: string): string {
  const n = normalize(p);
  if (n.startsWith('/') || n === '..' || n.startsWith('../')) throw mountError(`invalid volume item path ${JSON.stringify(p)}: must be relative and may not contain '..'`);
  return n;
}

function writeItem(dir: string, rel: string, body: Buffer | string, mode: number): void {
  const file = join(dir, safeRel(rel));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
  chmodSync(file, mode);
}

async function writeKeys(dir: string, kind: 'configmaps' | 'secrets', name: string, items: KeyToPath[] | undefined, optional: boolean | undefined, mode: number, src: ObjectSource, volume: string): Promise<void> {
  const data = await src.data(kind, name);
  if (!data) {
    if (optional) return;
    throw mountError(`MountVolume.SetUp failed for volume "${volume}" : ${kind === 'configmaps' ? 'configmap' : 'secret'} "${name}" not found`);
  }
  if (items?.length) {
    for (const it of items) {
      const v = data.get(it.key);
      if (v === undefined) {
        if (optional) continue;
        throw mountError(`MountVolume.SetUp failed for volume "${volume}" : configmap references non-existent config key: ${it.key}`);
      }
      writeItem(dir, it.path, v, it.mode ?? mode);
    }
  } else {
    for (const [k, v] of data) writeItem(dir, k, v, mode);
  }
}

export interface VolumeContext {
  pod: Pod;
  layout: KubeletLayout;
  src: ObjectSource;
  rt: PodRuntimeFields;
  allocatable: Record<string, string>;
  client: ControllerClient;
}

function writeDownward(dir: string, items: DownwardItem[] | undefined, mode: number, v: VolumeContext): void {
  for (const it of items ?? []) {
    const value = it.fieldRef ? podField(v.pod, it.fieldRef.fieldPath, v.rt) : it.resourceFieldRef ? resourceField(v.pod, it.resourceFieldRef, undefined, v.allocatable) : '';
    writeItem(dir, it.path, value, it.mode ?? mode);
  }
}

async function serviceAccountToken(v: VolumeContext, audience: string | undefined, expirationSeconds: number | undefined): Promise<string> {
  const sa = v.pod.spec.serviceAccountName || 'default';
  const path = v.client.path(resources.serviceaccounts, v.pod.metadata.namespace, sa, 'token');
  const res = await v.client.request<{ status?: { token?: string } }>('POST', path, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
    spec: { audiences: audience ? [audience] : [], expirationSeconds: expirationSeconds ?? 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: v.pod.metadata.name, uid: v.pod.metadata.uid } },
  });
  if (!res.status?.token) throw mountError(`MountVolume.SetUp failed: the token request for service account ${sa} returned no token`);
  return res.status.token;
}

async function setUp(vol: Volume, dir: string, v: VolumeContext): Promise<void> {
  if (vol.emptyDir) {
    mkdirSync(dir, { recursive: true, mode: 0o777 });
    chmodSync(dir, 0o777);
    if (vol.emptyDir.medium === 'Memory' && !mountsUnder(dir).includes(dir)) {
      const size = vol.emptyDir.sizeLimit ? `,size=${vol.emptyDir.sizeLimit.replace(/i$/, '')}` : '';
      await run('mount', ['-t', 'tmpfs', '-o', `mode=1777${size}`, 'tmpfs', dir]);
    }
    return;
  }
  mkdirSync(dir, { recursive: true });
  // Secrets and tokens never touch the disk: their volumes are tmpfs, as the kubelet makes them.
  if ((vol.secret || vol.projected) && !mountsUnder(dir).includes(dir)) await run('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', dir]);
  if (vol.configMap) {
    await writeKeys(dir, 'configmaps', vol.configMap.name ?? '', vol.configMap.items, vol.configMap.optional, vol.configMap.defaultMode ?? 0o644, v.src, vol.name);
  } else if (vol.secret) {
    await writeKeys(dir, 'secrets', vol.secret.secretName ?? '', vol.secret.items, vol.secret.optional, vol.secret.defaultMode ?? 0o644, v.src, vol.name);
  } else if (vol.downwardAPI) {
    writeDownward(dir, vol.downwardAPI.items, vol.downwardAPI.defaultMode ?? 0o644, v);
  } else if (vol.projected) {
    const mode = vol.projected.defaultMode ?? 0o644;
    for (const s of vol.projected.sources ?? []) {
      if (s.configMap) await writeKeys(dir, 'configmaps', s.configMap.name ?? '', s.configMap.items, s.configMap.optional, mode, v.src, vol.name);
      if (s.secret) await writeKeys(dir, 'secrets', s.secret.name ?? '', s.secret.items, s.secret.optional, mode, v.src, vol.name);
      if (s.downwardAPI) writeDownward(dir, s.downwardAPI.items, mode, v);
      if (s.serviceAccountToken) writeItem(dir, s.serviceAccountToken.path, await serviceAccountToken(v, s.serviceAccountToken.audience, s.serviceAccountToken.expirationSeconds), mode);
    }
  } else {
    throw mountError(`volume "${vol.name}": unsupported volume type (supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected)`);
  }
}

function setUpHostPath(vol: Volume): string {
  const hp = vol.hostPath!;
  const p = hp.path;
  const exists = existsSync(p);
  switch (hp.type ?? '') {
    case 'DirectoryOrCreate': if (!exists) mkdirSync(p, { recursive: true, mode: 0o755 }); break;
    case 'FileOrCreate': if (!exists) { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, '', { mode: 0o644 }); } break;
    case 'Directory': if (!exists || !statSync(p).isDirectory()) throw mountError(`MountVolume.SetUp failed for volume "${vol.name}" : hostPath type check failed: ${p} is not a directory`); break;
    case 'File': if (!exists || !statSync(p).isFile()) throw mountError(`MountVolume.SetUp failed for volume "${vol.name}" : hostPath type check failed: ${p} is not a file`); break;
    case '': break;
    default: if (!exists) throw mountError(`MountVolume.SetUp failed for volume "${vol.name}" : hostPath type check failed: ${p} does not exist`);
  }
  return p;
}

/** Host paths of every volume of the pod, set up (idempotent: re-run on every container start). */
export async function prepareVolumes(v: VolumeContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const vol of v.pod.spec.volumes ?? []) {
    if (vol.hostPath) {
      out.set(vol.name, setUpHostPath(vol));
      continue;
    }
    const dir = v.layout.volume(v.pod.metadata.uid, vol.name);
    await setUp(vol, dir, v);
    out.set(vol.name, dir);
  }
  return out;
}

/** Unmounts tmpfs volumes; the directories go with the pod's folder. */
export async function tearDownVolumes(layout: KubeletLayout, uid: string): Promise<void> {
  const dir = join(layout.pod(uid), 'volumes');
  if (!existsSync(dir)) return;
  await unmountAll(dir);
}
