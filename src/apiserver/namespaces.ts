/**
 * Namespace lifecycle owned by the API server until a namespace controller exists: the four
 * system namespaces (and the `kubernetes` Service) exist from the start, and a namespace marked
 * for deletion is emptied — every namespaced object in it deleted — before the namespace itself
 * goes. Objects held by finalizers keep the namespace Terminating until their owners let go.
 */
import { isKind } from '../errors/index.js';
import type { KObject } from '../api/index.js';
import { objectKey } from './keys.js';
import type { Registry, WriteOptions } from './registry.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const RETRY_MS = 1000;

const opts = (): WriteOptions => ({ dryRun: false, fieldValidation: 'Ignore', warnings: [] });

export class NamespaceLifecycle {
  private readonly running = new Set<string>();
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly registry: Registry, private readonly apiServiceIp: string, private readonly apiPort: () => number) {}

  private get nsInfo() {
    return this.registry.catalog.byKind('', 'Namespace')!;
  }

  async bootstrap(): Promise<void> {
    for (const name of SYSTEM_NAMESPACES) {
      try {
        await this.registry.create(this.nsInfo, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, opts());
      } catch (err) {
        if (!isKind(err, 'AlreadyExists')) throw err;
      }
    }
    const svc = this.registry.catalog.byKind('', 'Service')!;
    try {
      await this.registry.create(svc, 'default', {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: this.apiServiceIp, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.apiPort() }] },
      }, opts());
    } catch (err) {
      if (!isKind(err, 'AlreadyExists') && !isKind(err, 'Invalid')) throw err;
    }
    const list = await this.registry.list(this.nsInfo, undefined, {});
    for (const ns of list.items) if (ns.metadata?.deletionTimestamp) this.finalize(ns.metadata.name!);
  }

  /**
   * Starts emptying a namespace marked for deletion (idempotent). The first sweep waits a moment,
   * as the real namespace controller's queue does: `kubectl delete -f` sends the namespace and then
   * its objects back to back, and expects those objects still to be there to delete.
   */
  finalize(name: string): void {
    if (this.running.has(name) || this.closed) return;
    this.running.add(name);
    this.later(name);
  }

  private later(name: string): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.sweep(name);
    }, RETRY_MS);
    this.timers.add(t);
  }

  private async sweep(name: string): Promise<void> {
    try {
      let remaining = 0;
      for (const info of this.registry.catalog.resources) {
        if (!info.namespaced || !info.verbs.includes('delete')) continue;
        const list = await this.registry.list(info, name, {});
        for (const o of list.items) {
          remaining++;
          if (o.metadata?.deletionTimestamp && (o.metadata.deletionGracePeriodSeconds ?? 0) === 0) continue;
          try {
            const r = await this.registry.delete(info, name, o.metadata!.name!, { gracePeriodSeconds: 0, propagationPolicy: 'Background' }, opts());
            if (r.deleted) remaining--;
          } catch (err) {
            if (isKind(err, 'NotFound')) remaining--;
            else throw err;
          }
        }
      }
      if (remaining === 0 && (await this.removeNamespace(name))) {
        this.running.delete(name);
        return;
      }
    } catch (err) {
      if (this.closed) return;
      console.error(`namespace ${name}: ${(err as Error).message}`);
    }
    if (!this.closed) this.later(name);
  }

  /** Drops the `kubernetes` finalizer and deletes the namespace once nothing else holds it. */
  private async removeNamespace(name: string): Promise<boolean> {
    const key = objectKey(this.nsInfo, undefined, name);
    let kv;
    try {
      kv = await this.registry.store.get(key);
    } catch (err) {
      if (isKind(err, 'NotFound')) return true;
      throw err;
    }
    const ns = structuredClone(kv.value) as KObject;
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    if (ns.metadata?.finalizers?.length) return false;
    if (spec.finalizers?.length && spec.finalizers.some((f) => f !== 'kubernetes')) return false;
    try {
      await this.registry.store.delete(key, kv.modRevision);
      return true;
    } catch (err) {
      if (isKind(err, 'NotFound')) return true;
      if (isKind(err, 'Conflict')) return false;
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
