/**
 * Where the node agent keeps its per-pod state, and the records it writes there so a restarted
 * agent re-adopts what is still running instead of recreating it.
 *
 *   DIR/kubelet/
 *     pods/<pod uid>/
 *       pod.json                 PodRecord (below): sandbox and container IDs, restart counts
 *       sandbox/                 the pause container's OCI bundle
 *         config.json
 *         rootfs/                empty dir; /usr/bin/catatonit bind-mounted at /catatonit
 *       etc-hosts  resolv.conf  hostname      bind-mounted into every app container
 *       volumes/<volume name>/   emptyDir, configMap, secret, downwardAPI and projected contents
 *                                (secret, projected and medium-Memory emptyDir are tmpfs mounts)
 *       containers/<container id>/   an app/init container's bundle: config.json, rootfs/ (empty on
 *                                the host: runc mounts the image overlay there inside the container's
 *                                mount namespace), termination-log (bind-mounted at terminationMessagePath),
 *                                exec/<exec id>/ (probe and kubectl exec processes, removed after)
 *       logs/<container name>/<restartCount>.log   CRI-format logs (kubectl logs [--previous])
 *
 * Runtime IDs (64 hex) are random; conmon and runc state sit in the engine's run/ dirs, shared
 * with the Docker-side containers, so `bosun teardown` removes pods too.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerState } from './types.js';

export interface ContainerRecord {
  name: string;
  init: boolean;
  /** Runtime ID of the current instance (running, or exited and not yet replaced). */
  id?: string;
  phase: 'waiting' | 'running' | 'exited';
  /** Waiting reason, or the terminated reason once exited. */
  reason?: string;
  message?: string;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  /** The previous termination (lastState.terminated). */
  last?: NonNullable<ContainerState['terminated']>;
  restartCount: number;
  image: string;
  imageID: string;
  /** Seconds of the next back-off, and when the current one ends (ms since epoch). */
  backoffSec?: number;
  backoffUntil?: number;
  ready: boolean;
  started: boolean;
  /** Runtime ID being created: written before the runtime is asked, so a crash cannot leak it. */
  pendingId?: string;
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  sandbox?: { id: string; netns: string; ip: string; pid?: number };
  /** Pause container being created (see ContainerRecord.pendingId). */
  pendingSandbox?: string;
  /** The pod IP once the sandbox is gone (a finished pod keeps reporting it). */
  lastIP?: string;
  startTime?: string;
  containers: Record<string, ContainerRecord>;
  /** Set once the pod's containers were stopped for deletion or a terminal phase. */
  terminated?: boolean;
}

export class KubeletLayout {
  readonly root: string;
  /** What the last save wrote per pod UID. */
  private readonly written = new Map<string, string>();

  constructor(dataDir: string) {
    this.root = join(dataDir, 'kubelet');
    mkdirSync(join(this.root, 'pods'), { recursive: true });
  }

  pod(uid: string): string {
    return join(this.root, 'pods', uid);
  }

  sandboxBundle(uid: string): string {
    return join(this.pod(uid), 'sandbox');
  }

  volume(uid: string, name: string): string {
    return join(this.pod(uid), 'volumes', name);
  }

  containerBundle(uid: string, id: string): string {
    return join(this.pod(uid), 'containers', id);
  }

  log(uid: string, name: string, restartCount: number): string {
    return join(this.pod(uid), 'logs', name, `${restartCount}.log`);
  }

  etcFile(uid: string, file: 'etc-hosts' | 'resolv.conf' | 'hostname'): string {
    return join(this.pod(uid), file);
  }

  save(rec: PodRecord): void {
    const text = JSON.stringify(rec);
    // A pod's sync saves at every step; most steps of a settled pod change nothing.
    if (this.written.get(rec.uid) === text) return;
    const dir = this.pod(rec.uid);
    const tmp = join(dir, 'pod.json.tmp');
    try {
      writeFileSync(tmp, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, text);
    }
    renameSync(tmp, join(dir, 'pod.json'));
    this.written.set(rec.uid, text);
  }

  records(): PodRecord[] {
    const out: PodRecord[] = [];
    for (const uid of readdirSync(join(this.root, 'pods'))) {
      try {
        out.push(JSON.parse(readFileSync(join(this.pod(uid), 'pod.json'), 'utf8')) as PodRecord);
      } catch {
        // a pod whose record was never written: nothing of it ever ran
        rmSync(this.pod(uid), { recursive: true, force: true });
      }
    }
    return out;
  }

  remove(uid: string): void {
    this.written.delete(uid);
    rmSync(this.pod(uid), { recursive: true, force: true });
  }
}
