/**
 * Lookups over the served resources (the API layer's catalog), by URL segment and by kind.
 */
import type { ResourceInfo } from '../api/index.js';

export class Catalog {
  constructor(readonly resources: ResourceInfo[]) {}

  /** The resource served at /api(s)/<group>/<version>/<resource>. */
  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.resources.find((r) => r.group === group && r.version === version && r.resource === resource);
  }

  byKind(group: string, kind: string): ResourceInfo | undefined {
    return this.resources.find((r) => r.group === group && r.kind === kind);
  }

  /** Group-versions in discovery order, core ("") first. */
  groupVersions(): Array<{ group: string; version: string }> {
    const seen = new Map<string, { group: string; version: string }>();
    for (const r of this.resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
    return [...seen.values()];
  }

  inGroupVersion(group: string, version: string): ResourceInfo[] {
    return this.resources.filter((r) => r.group === group && r.version === version);
  }
}
