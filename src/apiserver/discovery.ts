/**
 * API discovery in both forms kubectl speaks: aggregated (apidiscovery.k8s.io v2 / v2beta1, chosen
 * by the Accept profile and echoed in Content-Type — kubectl checks it) and legacy (APIVersions,
 * APIGroupList, APIGroup, APIResourceList per group-version).
 */
import type { ResourceInfo } from '../api/index.js';
import type { Catalog } from './catalog.js';

export type DiscoveryVersion = 'v2' | 'v2beta1';

/** The aggregated profile the client prefers, if any (clients list them in preference order). */
export function aggregatedProfile(accept: string | undefined): DiscoveryVersion | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(part.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
    if (params.get('g') !== 'apidiscovery.k8s.io' || params.get('as') !== 'APIGroupDiscoveryList') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}

export function aggregatedContentType(v: DiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

function resourceEntry(r: ResourceInfo) {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length ? {
      subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs })),
    } : {}),
  };
}

/** /api (core only) or /apis (every named group) as an APIGroupDiscoveryList. */
export function aggregated(catalog: Catalog, core: boolean, v: DiscoveryVersion) {
  const groups = new Map<string, Map<string, ResourceInfo[]>>();
  for (const r of catalog.resources) {
    if ((r.group === '') !== core) continue;
    const g = groups.get(r.group) ?? new Map<string, ResourceInfo[]>();
    groups.set(r.group, g);
    const list = g.get(r.version) ?? [];
    g.set(r.version, list);
    list.push(r);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${v}`,
    metadata: {},
    items: [...groups].map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: [...versions].map(([version, rs]) => ({ version, resources: rs.map(resourceEntry), freshness: 'Current' })),
    })),
  };
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(catalog: Catalog, group: string) {
  const versions = catalog.groupVersions().filter((gv) => gv.group === group).map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(catalog: Catalog) {
  const names = [...new Set(catalog.groupVersions().map((gv) => gv.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map((g) => apiGroup(catalog, g)) };
}

export function apiGroupDoc(catalog: Catalog, group: string) {
  if (!catalog.groupVersions().some((gv) => gv.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(catalog, group) };
}

export function apiResourceList(catalog: Catalog, group: string, version: string) {
  const rs = catalog.inGroupVersion(group, version);
  if (!rs.length) return undefined;
  const resources: unknown[] = [];
  for (const r of rs) {
    resources.push({
      name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources) {
      resources.push({
        name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs,
        ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
