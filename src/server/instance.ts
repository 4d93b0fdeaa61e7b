/**
 * Everything one Bosun instance owns on the host is derived here from its data directory, so two
 * instances with different data dirs never touch each other's bridges, chains, cgroups or subnets.
 *
 * On-disk layout of a data dir (paths come only from `paths()` below):
 *
 *   DIR/
 *     instance.json          this file's choices, fixed on first start (id, supernet)
 *     server.pid             pid of the running `bosun server`, if any
 *     engine.sock            Docker Engine API
 *     kubeconfig             admin kubeconfig (https, own CA)
 *     pki/                   CA, serving and client certificates, service-account keys
 *     state.db               embedded SQLite store (WAL files beside it)
 *     secrets.key            encryption-at-rest keys for Secrets
 *     engine/
 *       images/              OCI image layout (oci-layout, index.json, blobs/sha256/…)
 *       snapshots/           overlayfs layers and per-container upper/work dirs
 *       containers/<id>/     container record, OCI bundle (config.json, rootfs mountpoint), logs
 *       volumes/<name>/      named volumes (_data inside, as Docker does)
 *       networks/            network records and CNI configs
 *       cni/                 host-local IPAM leases
 *     run/                   runtime state that must not outlive a reboot in spirit
 *       runc/                runc --root
 *       conmon/              conmon pid files, exit files, attach sockets
 *       netns/               bind-mounted network namespaces
 *     registry/              the private registry's storage
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '/var/lib/bosun';

export interface InstanceFile {
  /** 6 hex digits; stable for the life of the data dir. */
  id: string;
  /** Second octet X of this instance's 10.X.0.0/16 supernet. */
  octet: number;
}

export interface Instance extends InstanceFile {
  dataDir: string;
  /** The whole 10.X.0.0/16: fenced so no packet for it can leave the machine. */
  supernet: string;
  /** Docker's default `bridge` network. */
  defaultBridgeSubnet: string;
  /** User-defined engine networks are carved from here, /24 each. */
  userNetworkPool: string;
  /** Pod IPs; each node gets a /24 from it. */
  podCidr: string;
  /** ClusterIP services. */
  serviceCidr: string;
  /** LoadBalancer IPs unless --lb-pool says otherwise. */
  lbPool: string;
  /** Prefix for every network interface we create (bridge, veth host ends): at most 8 chars. */
  ifPrefix: string;
  /** Prefix for every iptables chain we create. */
  chainPrefix: string;
  /** cgroup parent (relative, under each controller's root) for every container and pod. */
  cgroupParent: string;
  paths: InstancePaths;
}

export interface InstancePaths {
  instanceFile: string;
  pidFile: string;
  engineSock: string;
  kubeconfig: string;
  pki: string;
  stateDb: string;
  secretsKey: string;
  images: string;
  snapshots: string;
  containers: string;
  volumes: string;
  networks: string;
  cni: string;
  run: string;
  runcRoot: string;
  conmon: string;
  netns: string;
  registry: string;
}

export function paths(dataDir: string): InstancePaths {
  const engine = join(dataDir, 'engine');
  const run = join(dataDir, 'run');
  return {
    instanceFile: join(dataDir, 'instance.json'),
    pidFile: join(dataDir, 'server.pid'),
    engineSock: join(dataDir, 'engine.sock'),
    kubeconfig: join(dataDir, 'kubeconfig'),
    pki: join(dataDir, 'pki'),
    stateDb: join(dataDir, 'state.db'),
    secretsKey: join(dataDir, 'secrets.key'),
    images: join(engine, 'images'),
    snapshots: join(engine, 'snapshots'),
    containers: join(engine, 'containers'),
    volumes: join(engine, 'volumes'),
    networks: join(engine, 'networks'),
    cni: join(engine, 'cni'),
    run,
    runcRoot: join(run, 'runc'),
    conmon: join(run, 'conmon'),
    netns: join(run, 'netns'),
    registry: join(dataDir, 'registry'),
  };
}

/** Supernets in use by routes on this host (any 10.X.*), so a new instance picks a free X. */
function usedOctets(): Set<number> {
  const used = new Set<number>();
  try {
    const out = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
    for (const m of out.matchAll(/(?:^|\s)10\.(\d+)\./g)) used.add(Number(m[1]));
  } catch {
    // no iproute2: nothing known to be in use
  }
  return used;
}

/**
 * Host-wide claims on supernets. Routes show only the supernets of running servers; two instances
 * created at the same moment (tests run several) would both see X free and pick it. A claim is
 * made with O_EXCL before instance.json is written:
 *
 *   /run/bosun/supernets/<X>   the data dir that owns 10.X.0.0/16
 *
 * A claim is stale once its data dir has no instance.json naming X (purged or moved away), unless
 * it is younger than `graceMs`: its owner may not have written instance.json yet.
 */
export const SUPERNET_CLAIMS = '/run/bosun/supernets';

export function claimSupernet(octet: number, dataDir: string, claims = SUPERNET_CLAIMS, graceMs = 30_000): boolean {
  const file = join(claims, String(octet));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(claims, { recursive: true });
      writeFileSync(file, dataDir, { flag: 'wx' });
      return true;
    } catch (err) {
      // Claims cannot be kept here at all (a read-only /run): the routes are all there is to go by.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    }
    let owner: string;
    let ageMs: number;
    try {
      owner = readFileSync(file, 'utf8');
      ageMs = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if (owner === dataDir) return true;
    if (ageMs < graceMs || instanceOctet(owner) === octet) return false;
    rmSync(file, { force: true });
  }
  return false;
}

/** Removes the claims of data dirs that are gone (a test or a crash that never tore down). */
export function pruneSupernetClaims(claims = SUPERNET_CLAIMS, graceMs = 30_000): void {
  let names: string[];
  try {
    names = readdirSync(claims);
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(claims, name);
    try {
      if (Date.now() - statSync(file).mtimeMs < graceMs) continue;
      if (instanceOctet(readFileSync(file, 'utf8')) !== Number(name)) rmSync(file, { force: true });
    } catch {
      // released meanwhile
    }
  }
}

/** Gives up the claim of an instance whose host resources are torn down (the next start claims again). */
export function releaseSupernet(instance: Pick<Instance, 'octet' | 'dataDir'>, claims = SUPERNET_CLAIMS): void {
  const file = join(claims, String(instance.octet));
  try {
    if (readFileSync(file, 'utf8') === instance.dataDir) rmSync(file, { force: true });
  } catch {
    // no claim
  }
}

/** Deletes a data dir and gives up its supernet claim (`bosun teardown --purge`, tests). */
export function purgeDataDir(dataDir: string): void {
  let dir = resolve(dataDir);
  try {
    dir = realpathSync(dir);
  } catch {
    // already gone
  }
  const octet = instanceOctet(dir);
  rmSync(dir, { recursive: true, force: true });
  if (octet !== undefined) releaseSupernet({ octet, dataDir: dir });
}

function instanceOctet(dataDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(paths(dataDir).instanceFile, 'utf8')) as InstanceFile).octet;
  } catch {
    return undefined;
  }
}

/** Reads DIR/instance.json, creating it on first use. */
export function loadInstance(dataDirArg: string = DEFAULT_DATA_DIR): Instance {
  const dataDir0 = resolve(dataDirArg);
  mkdirSync(dataDir0, { recursive: true, mode: 0o711 });
  const dataDir = realpathSync(dataDir0);
  const p = paths(dataDir);
  let file: InstanceFile;
  if (existsSync(p.instanceFile)) {
    file = JSON.parse(readFileSync(p.instanceFile, 'utf8')) as InstanceFile;
    // Claims live in /run: after a reboot the instance takes its own back.
    claimSupernet(file.octet, dataDir);
  } else {
    const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 6);
    // 10.128.0.0/10 keeps clear of Docker's 172.17/16, Podman's 10.88/16 and common LAN ranges.
    pruneSupernetClaims();
    const used = usedOctets();
    const start = 128 + (parseInt(id, 16) % 64);
    let octet = start;
    for (let i = 0; i < 64 && (used.has(octet) || !claimSupernet(octet, dataDir)); i++) octet = 128 + ((start - 128 + i + 1) % 64);
    file = { id, octet };
    const tmp = `${p.instanceFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n');
    renameSync(tmp, p.instanceFile);
  }
  const x = file.octet;
  return {
    ...file,
    dataDir,
    supernet: `10.${x}.0.0/16`,
    defaultBridgeSubnet: `10.${x}.0.0/24`,
    userNetworkPool: `10.${x}.16.0/20`,
    podCidr: `10.${x}.128.0/18`,
    serviceCidr: `10.${x}.192.0/20`,
    lbPool: `10.${x}.240.0/24`,
    ifPrefix: `bs${file.id.slice(0, 4)}`,
    chainPrefix: `BOSUN-${file.id}`,
    cgroupParent: `bosun-${file.id}`,
    paths: p,
  };
}

/** The PID of the server running on `instance`, if one does. */
export function readPid(instance: Instance): number | undefined {
  if (!existsSync(instance.paths.pidFile)) return undefined;
  const pid = Number(readFileSync(instance.paths.pidFile, 'utf8').trim());
  if (!pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
