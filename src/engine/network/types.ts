/**
 * Network: container networking through the standard CNI plugins (bridge + host-local), with
 * published ports as DNAT rules in the instance's own iptables chains. Networks are Docker-shaped
 * records (`bridge`, `host` and `none` exist out of the box, user-defined ones are created by
 * name); every subnet is fenced so no packet for it leaves the machine, and containers get no
 * route beyond their own subnet. User-defined networks resolve container names (DNS on the
 * gateway, see `resolvConf`).
 *
 * Lifecycle for one container: `createNetns(key)` makes a persistent network namespace (a bind
 * mount the runtime joins by path), `attach` runs CNI ADD for one network (IP, routes, published
 * ports, name/alias registration for DNS; on `host`/`none` an endpoint with no address and no
 * CNI), `detach` runs CNI DEL (the IP lease goes back), `removeNetns` detaches whatever is still
 * attached and deletes the namespace. All of it is idempotent so a restarted server can finish or
 * undo half-done work; published ports are kernel rules and keep working while no server runs.
 * Calls for different container keys run concurrently (a burst of pods attaches side by side);
 * calls for one key run one after another, in call order.
 */
export interface PortBinding {
  /** "" or "0.0.0.0" for all addresses. */
  hostIp: string;
  /** 0 = pick a free port. */
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export interface NetworkRecord {
  Id: string;
  Name: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: Array<{ Subnet: string; Gateway: string }> };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export interface Attachment {
  networkId: string;
  networkName: string;
  endpointId: string;
  ipAddress: string;
  ipPrefixLen: number;
  gateway: string;
  macAddress: string;
  aliases: string[];
  /** Ports actually bound (hostPort resolved when 0 was asked). */
  ports: PortBinding[];
}

export interface AttachOptions {
  /** Container name without the leading "/" — resolvable by peers on user-defined networks. */
  name: string;
  aliases?: string[];
  /** The container's hostname: resolvable by peers too. */
  hostname?: string;
  ipv4Address?: string;
  ports?: PortBinding[];
}

export interface Network {
  list(): Promise<NetworkRecord[]>;
  /** By name, full ID or unique ID prefix. */
  get(ref: string): Promise<NetworkRecord>;
  create(name: string, opts?: { driver?: string; subnet?: string; gateway?: string; internal?: boolean; labels?: Record<string, string>; options?: Record<string, string> }): Promise<NetworkRecord>;
  /** Conflict while containers are attached. */
  remove(ref: string): Promise<void>;
  prune(): Promise<string[]>;

  createNetns(key: string): Promise<string>;
  removeNetns(key: string): Promise<void>;
  attach(key: string, netnsPath: string, networkRef: string, opts: AttachOptions): Promise<Attachment>;
  detach(key: string, netnsPath: string, networkRef: string): Promise<void>;
  /** Name servers and /etc/hosts lines a container on these networks should get. */
  resolvConf(networkNames: string[]): Promise<{ nameservers: string[]; search: string[]; options: string[] }>;
  /** Sets up bridges, fences and chains; idempotent (called at server start). */
  start(): Promise<void>;
  /** Stops what runs in-process (the DNS servers); host state stays for the next server. */
  close(): Promise<void>;
  /** Removes everything the instance created on the host (teardown). */
  destroy(): Promise<void>;
}
