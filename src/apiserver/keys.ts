/**
 * Store keys, laid out as k8s.io/apiserver does (the encryption wrapper recognises Secrets by
 * their prefix):
 *
 *   /registry/<resource>/<namespace>/<name>          core group, namespaced   (/registry/pods/default/web)
 *   /registry/<resource>/<name>                      core group, cluster-wide (/registry/namespaces/default)
 *   /registry/<group>/<resource>/<namespace>/<name>  named groups             (/registry/apps/deployments/default/web)
 *   /registry/<group>/<resource>/<name>
 */
import type { ResourceInfo } from '../api/index.js';

export function resourcePrefix(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return info.group ? `/registry/${info.group}/${info.resource}/` : `/registry/${info.resource}/`;
}

/** Prefix of a collection: one namespace, or every namespace when ns is undefined. */
export function collectionPrefix(info: ResourceInfo, ns: string | undefined): string {
  return info.namespaced && ns ? `${resourcePrefix(info)}${ns}/` : resourcePrefix(info);
}

export function objectKey(info: ResourceInfo, ns: string | undefined, name: string): string {
  return info.namespaced ? `${resourcePrefix(info)}${ns}/${name}` : `${resourcePrefix(info)}${name}`;
}
