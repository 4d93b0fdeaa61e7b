/**
 * Persisted network state, so a restarted server (or `teardown` with none running) knows every
 * network, bridge and endpoint the instance made:
 *
 *   DIR/engine/networks/
 *     <network id>.json                   StoredNetwork: the Docker record and its bridge
 *     endpoints/<key>@<network id>.json   Endpoint: one container's attachment to one network
 *   DIR/engine/cni/<network id>/          host-local IPAM leases (owned by the plugin)
 *
 * An endpoint file is written (state "adding") before CNI ADD runs, and rewritten ("removing")
 * before CNI DEL runs, so a crash in between leaves a record that the next start turns into a
 * CNI DEL, and no IP lease is ever orphaned.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attachment, NetworkRecord, PortBinding } from './types.js';

export interface StoredNetwork {
  record: NetworkRecord;
  /** Linux bridge for Driver "bridge". */
  bridge?: string;
}

export interface Endpoint {
  key: string;
  networkId: string;
  netnsPath: string;
  ifName: string;
  state: 'adding' | 'ready' | 'removing';
  name: string;
  aliases: string[];
  hostname?: string;
  requestedIp?: string;
  requestedPorts: PortBinding[];
  /** Host ports reserved for it (hostPort 0 resolved) while CNI ADD runs; then in attachment. */
  reservedPorts?: PortBinding[];
  /** Set once CNI ADD succeeded. */
  attachment?: Attachment;
}

function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

function readJsonDir<T>(dir: string): T[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, n), 'utf8')) as T);
    } catch {
      // a torn write of a .tmp never lands on a .json name; anything unreadable is skipped
    }
  }
  return out;
}

export class NetworkFiles {
  private readonly endpointsDir: string;

  constructor(readonly dir: string) {
    this.endpointsDir = join(dir, 'endpoints');
  }

  init(): void {
    mkdirSync(this.endpointsDir, { recursive: true });
  }

  networks(): StoredNetwork[] {
    return readJsonDir<StoredNetwork>(this.dir);
  }

  saveNetwork(n: StoredNetwork): void {
    writeJson(join(this.dir, `${n.record.Id}.json`), n);
  }

  deleteNetwork(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  endpoints(): Endpoint[] {
    return readJsonDir<Endpoint>(this.endpointsDir);
  }

  private endpointFile(key: string, networkId: string): string {
    return join(this.endpointsDir, `${encodeURIComponent(key)}@${networkId}.json`);
  }

  saveEndpoint(e: Endpoint): void {
    writeJson(this.endpointFile(e.key, e.networkId), e);
  }

  deleteEndpoint(key: string, networkId: string): void {
    rmSync(this.endpointFile(key, networkId), { force: true });
  }

  deleteAllEndpoints(): void {
    rmSync(this.endpointsDir, { recursive: true, force: true });
  }
}
