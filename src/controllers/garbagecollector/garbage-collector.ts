/**
 * The garbage collector (pkg/controller/garbagecollector), level-based over informers of every
 * monitored collection. An object is looked at when it or one of its owners changes:
 *
 * - An owner marked for deletion with the `orphan` finalizer: its dependents lose their
 *   ownerReference to it, then the finalizer goes (propagationPolicy=Orphan).
 * - An owner marked for deletion with `foregroundDeletion`: its dependents are deleted (each in
 *   the foreground itself when it has dependents of its own), and the finalizer goes once no
 *   dependent with blockOwnerDeletion=true is left (propagationPolicy=Foreground).
 * - A dependent whose owners are all gone (or all waiting on their dependents) is deleted — the
 *   Background case, where the owner vanished at once; one with a live owner just drops its
 *   references to the dead ones.
 *
 * Owners missing from the caches are verified with a live GET by name and uid before anything is
 * deleted, because a dependent can be seen before its freshly created owner.
 */
import { isKind } from '../../errors/index.js';
import { findKind, type KObject } from '../../api/index.js';
import type { ControllerClient, ResourceRef } from '../framework/client.js';
import { keyOf } from '../framework/indexer.js';
import type { Informer, SharedInformerFactory } from '../framework/informer.js';
import { patchOwnerRefs, type OwnerReference } from '../framework/owner-refs.js';
import { WorkQueue } from '../framework/workqueue.js';

const OWNER_UID_INDEX = 'owner-uid';
const UID_INDEX = 'uid';

type OwnerState = 'solid' | 'dangling' | 'waiting';

export class GarbageCollector {
  readonly queue = new WorkQueue();
  private readonly informers = new Map<string, Informer>();

  constructor(private readonly client: ControllerClient, factory: SharedInformerFactory, monitored: ResourceRef[]) {
    for (const ref of monitored) {
      const inf = factory.informer(ref);
      const id = refId(ref);
      this.informers.set(id, inf);
      inf.store.addIndex(OWNER_UID_INDEX, (o) => (o.metadata?.ownerReferences ?? []).map((r) => r.uid));
      inf.store.addIndex(UID_INDEX, (o) => (o.metadata?.uid ? [o.metadata.uid] : []));
      inf.addHandlers({
        add: (o) => this.changed(id, undefined, o),
        update: (old, o) => this.changed(id, old, o),
        delete: (o) => this.removed(o),
      });
    }
  }

  private itemKey(id: string, o: KObject): string {
    return `${id}|${keyOf(o)}`;
  }

  private interesting(o: KObject): boolean {
    const m = o.metadata ?? {};
    return !!m.ownerReferences?.length || (!!m.deletionTimestamp && !!m.finalizers?.some((f) => f === 'orphan' || f === 'foregroundDeletion'));
  }

  private changed(id: string, old: KObject | undefined, o: KObject): void {
    if (this.interesting(o)) this.queue.add(this.itemKey(id, o));
    // An owner entering deletion, or owner references that changed, concern the dependents and owners.
    if (o.metadata?.deletionTimestamp && !old?.metadata?.deletionTimestamp) this.enqueueDependents(o.metadata.uid!);
    if (old && JSON.stringify(old.metadata?.ownerReferences ?? []) !== JSON.stringify(o.metadata?.ownerReferences ?? [])) {
      this.enqueueOwners(old);
    }
  }

  private removed(o: KObject): void {
    this.enqueueDependents(o.metadata?.uid ?? '');
    // An owner in foreground deletion waits for exactly this event.
    this.enqueueOwners(o);
  }

  private enqueueDependents(uid: string): void {
    for (const [id, inf] of this.informers) for (const d of inf.store.byIndex(OWNER_UID_INDEX, uid)) this.queue.add(this.itemKey(id, d));
  }

  private enqueueOwners(o: KObject): void {
    for (const r of o.metadata?.ownerReferences ?? []) {
      const found = this.byUid(r.uid);
      if (found) this.queue.add(this.itemKey(found.id, found.obj));
    }
  }

  private byUid(uid: string): { id: string; obj: KObject } | undefined {
    for (const [id, inf] of this.informers) {
      const [obj] = inf.store.byIndex(UID_INDEX, uid);
      if (obj) return { id, obj };
    }
    return undefined;
  }

  private dependentsOf(uid: string): Array<{ id: string; obj: KObject; ref: OwnerReference }> {
    const out: Array<{ id: string; obj: KObject; ref: OwnerReference }> = [];
    for (const [id, inf] of this.informers) {
      for (const d of inf.store.byIndex(OWNER_UID_INDEX, uid)) out.push({ id, obj: d, ref: d.metadata!.ownerReferences!.find((r) => r.uid === uid)! });
    }
    return out;
  }

  async sync(itemKey: string): Promise<void> {
    const bar = itemKey.indexOf('|');
    const id = itemKey.slice(0, bar);
    const inf = this.informers.get(id);
    const obj = inf?.store.get(itemKey.slice(bar + 1));
    if (!inf || !obj) return;
    const m = obj.metadata!;
    if (m.deletionTimestamp) {
      if (m.finalizers?.includes('orphan')) return this.orphanDependents(inf.ref, obj);
      if (m.finalizers?.includes('foregroundDeletion')) return this.deleteDependentsFirst(inf.ref, obj);
      return;
    }
    if (m.ownerReferences?.length) await this.attemptToDelete(inf.ref, obj);
  }

  private async orphanDependents(ref: ResourceRef, owner: KObject): Promise<void> {
    const uid = owner.metadata!.uid!;
    for (const d of this.dependentsOf(uid)) {
      await patchOwnerRefs(this.client, this.informers.get(d.id)!.ref, d.obj, d.obj.metadata!.ownerReferences!.filter((r) => r.uid !== uid));
    }
    await this.removeFinalizer(ref, owner, 'orphan');
  }

  private async deleteDependentsFirst(ref: ResourceRef, owner: KObject): Promise<void> {
    const dependents = this.dependentsOf(owner.metadata!.uid!);
    const blocking = dependents.filter((d) => d.ref.blockOwnerDeletion === true);
    if (blocking.length === 0) {
      await this.removeFinalizer(ref, owner, 'foregroundDeletion');
      return;
    }
    // The dependents decide for themselves (attemptToDelete sees this owner as "waiting").
    for (const d of dependents) if (!d.obj.metadata?.deletionTimestamp) this.queue.add(this.itemKey(d.id, d.obj));
  }

  private async attemptToDelete(ref: ResourceRef, obj: KObject): Promise<void> {
    const m = obj.metadata!;
    const states = new Map<OwnerReference, OwnerState>();
    for (const r of m.ownerReferences!) states.set(r, await this.ownerState(r, m.namespace));
    const solid = [...states].filter(([, s]) => s === 'solid');
    const dead = [...states].filter(([, s]) => s !== 'solid').map(([r]) => r);
    if (solid.length) {
      // A live owner keeps the object: drop references to dead owners, and stop blocking the
      // foreground deletion of waiting ones (they must not wait on an object that stays).
      const refs = m.ownerReferences!.filter((r) => states.get(r) !== 'dangling')
        .map((r) => (states.get(r) === 'waiting' && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
      if (JSON.stringify(refs) !== JSON.stringify(m.ownerReferences)) await patchOwnerRefs(this.client, ref, obj, refs);
      return;
    }
    const waiting = dead.some((r) => states.get(r) === 'waiting');
    const hasDependents = this.dependentsOf(m.uid!).length > 0;
    const policy = waiting && hasDependents ? 'Foreground'
      : m.finalizers?.includes('orphan') ? 'Orphan' : m.finalizers?.includes('foregroundDeletion') ? 'Foreground' : 'Background';
    try {
      await this.client.delete(ref, m.name!, { namespace: m.namespace, propagationPolicy: policy, preconditions: { uid: m.uid } });
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
  }

  /** Solid: exists and is not waiting on its dependents; waiting: foreground deletion in progress; dangling: gone. */
  private async ownerState(r: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const cached = this.byUid(r.uid);
    let owner = cached?.obj;
    if (!owner) {
      const info = findKind(r.apiVersion, r.kind);
      // An owner of a kind we cannot look up is never presumed dead.
      if (!info) return 'solid';
      try {
        owner = await this.client.get(info, r.name, info.namespaced ? namespace : undefined);
      } catch (err) {
        if (isKind(err, 'NotFound')) return 'dangling';
        throw err;
      }
      if (owner.metadata?.uid !== r.uid) return 'dangling';
    }
    if (owner.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes('foregroundDeletion')) return 'waiting';
    return 'solid';
  }

  private async removeFinalizer(ref: ResourceRef, obj: KObject, finalizer: string): Promise<void> {
    const m = obj.metadata!;
    const rest = (m.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.client.patch(ref, m.name!, { metadata: { finalizers: rest.length ? rest : null, resourceVersion: m.resourceVersion } }, 'merge', { namespace: m.namespace });
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
  }
}

function refId(ref: ResourceRef): string {
  return `${ref.group}/${ref.version}/${ref.resource}`;
}
