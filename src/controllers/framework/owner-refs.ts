/**
 * ownerReferences helpers and the adopt/release half of Kubernetes' ControllerRefManager: a
 * controller claims the objects its selector matches that have no controller yet (adoption), and
 * lets go of the objects it controls that its selector no longer matches (release, i.e. orphaning).
 * Both writes are merge patches that carry the object's resourceVersion, so a concurrent change
 * makes them fail with Conflict and the sync is retried on fresh state instead of clobbering it.
 */
import { isKind } from '../../errors/index.js';
import type { KObject, ObjectMeta } from '../../api/index.js';
import type { ControllerClient, ResourceRef } from './client.js';

export type OwnerReference = NonNullable<ObjectMeta['ownerReferences']>[number];

export function controllerRefOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** The reference a controller puts on what it creates; blockOwnerDeletion lets foreground deletion wait for it. */
export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions {
  client: ControllerClient;
  /** The collection the claimed objects live in. */
  ref: ResourceRef;
  owner: KObject;
  ownerApiVersion: string;
  ownerKind: string;
  matches: (labels: Record<string, string> | undefined) => boolean;
  /**
   * A fresh read of the owner, checked once before the first adoption: adopting on behalf of an
   * owner that was deleted (or replaced under the same name) since the cache saw it would leak
   * the object to a dead owner.
   */
  recheckOwner: () => Promise<KObject | undefined>;
}

/**
 * Returns the objects the owner controls after adopting matching orphans and releasing
 * non-matching children. Objects controlled by someone else are never touched.
 */
export async function claimObjects<T extends KObject>(objs: T[], o: ClaimOptions): Promise<T[]> {
  const claimed: T[] = [];
  const ownerUid = o.owner.metadata!.uid!;
  const ownerDeleting = !!o.owner.metadata?.deletionTimestamp;
  let canAdopt: boolean | undefined;
  for (const obj of objs) {
    const ref = controllerRefOf(obj);
    const matches = o.matches(obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      // A deleting owner keeps its children: the garbage collector settles them.
      if (ownerDeleting) continue;
      await patchOwnerRefs(o.client, o.ref, obj, (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ownerUid));
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) continue;
    if (canAdopt === undefined) {
      const fresh = await o.recheckOwner();
      canAdopt = !!fresh && fresh.metadata?.uid === ownerUid && !fresh.metadata?.deletionTimestamp;
    }
    if (!canAdopt) continue;
    const refs = [...(obj.metadata?.ownerReferences ?? []), newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind)];
    const adopted = await patchOwnerRefs(o.client, o.ref, obj, refs);
    if (adopted) claimed.push(adopted as T);
  }
  return claimed;
}

/** Replaces an object's ownerReferences, guarded by its resourceVersion; undefined when it is gone. */
export async function patchOwnerRefs(client: ControllerClient, ref: ResourceRef, obj: KObject, refs: OwnerReference[]): Promise<KObject | undefined> {
  const m = obj.metadata!;
  try {
    return await client.patch(ref, m.name!, { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: m.resourceVersion, uid: m.uid } },
      'merge', { namespace: m.namespace });
  } catch (err) {
    if (isKind(err, 'NotFound')) return undefined;
    throw err;
  }
}
