/** `/networks/…`: list, inspect (with attached containers), create, remove, connect, disconnect, prune. */
import type { Route } from '../router.js';
import type { Ctx } from '../context.js';
import type { NetworkRecord } from '../../network/types.js';
import { badRequest } from '../../../errors/index.js';
import { empty, json } from '../reply.js';
import { filtersParam, labelsMatch } from '../query.js';

const BUILTIN = new Set(['bridge', 'host', 'none']);

interface EndpointSettings {
  NetworkID?: string;
  EndpointID?: string;
  MacAddress?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
}

/** `Containers` of a network inspect, from the containers' own NetworkSettings. */
async function attached(ctx: Ctx, net: NetworkRecord): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const c of await ctx.engine.containers.list({ all: true })) {
    const nets = ((c.NetworkSettings as { Networks?: Record<string, EndpointSettings> } | undefined)?.Networks) ?? {};
    for (const [name, ep] of Object.entries(nets)) {
      if (name !== net.Name && ep.NetworkID !== net.Id) continue;
      if (!ep.EndpointID) continue;
      out[c.Id] = {
        Name: (c.Names[0] ?? '').replace(/^\//, ''),
        EndpointID: ep.EndpointID,
        MacAddress: ep.MacAddress ?? '',
        IPv4Address: ep.IPAddress ? `${ep.IPAddress}/${ep.IPPrefixLen ?? 0}` : '',
        IPv6Address: ep.GlobalIPv6Address ? `${ep.GlobalIPv6Address}/${ep.GlobalIPv6PrefixLen ?? 0}` : '',
      };
    }
  }
  return out;
}

function filterNetworks(nets: NetworkRecord[], f: Record<string, string[]>): NetworkRecord[] {
  return nets.filter((n) => {
    // Docker's name filter matches substrings; clients that want exact names filter again.
    if (f.name?.length && !f.name.some((v) => n.Name.includes(v))) return false;
    if (f.id?.length && !f.id.some((v) => n.Id.startsWith(v))) return false;
    if (f.driver?.length && !f.driver.includes(n.Driver)) return false;
    if (f.scope?.length && !f.scope.includes(n.Scope)) return false;
    if (f.type?.length && !f.type.includes(BUILTIN.has(n.Name) ? 'builtin' : 'custom')) return false;
    if (f.dangling?.length) return true;
    return labelsMatch(n.Labels, f.label);
  });
}

async function list(ctx: Ctx): Promise<void> {
  const nets = filterNetworks(await ctx.engine.network.list(), filtersParam(ctx.query));
  json(ctx, 200, nets.map((n) => ({ ...n, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {} })));
}

async function inspect(ctx: Ctx): Promise<void> {
  const n = await ctx.engine.network.get(ctx.params.id);
  json(ctx, 200, { ...n, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: await attached(ctx, n) });
}

interface CreateBody {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; Gateway?: string }> | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

async function create(ctx: Ctx): Promise<void> {
  const b = await ctx.json<CreateBody>();
  if (!b.Name) throw badRequest('network name must be specified');
  if (b.EnableIPv6) throw badRequest('IPv6 networks are not supported');
  const cfg = b.IPAM?.Config?.[0];
  const n = await ctx.engine.network.create(b.Name, {
    driver: b.Driver || undefined,
    subnet: cfg?.Subnet || undefined,
    gateway: cfg?.Gateway || undefined,
    internal: Boolean(b.Internal),
    labels: b.Labels ?? {},
    options: b.Options ?? {},
  });
  json(ctx, 201, { Id: n.Id, Warning: '' });
}

async function remove(ctx: Ctx): Promise<void> {
  await ctx.engine.network.remove(ctx.params.id);
  empty(ctx, 204);
}

interface ConnectBody {
  Container?: string;
  EndpointConfig?: { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null } | null;
  Force?: boolean;
}

async function connect(ctx: Ctx): Promise<void> {
  const b = await ctx.json<ConnectBody>();
  if (!b.Container) throw badRequest('container must be specified');
  const n = await ctx.engine.network.get(ctx.params.id);
  await ctx.engine.containers.connect(b.Container, n.Name, b.EndpointConfig ?? {});
  empty(ctx, 200);
}

async function disconnect(ctx: Ctx): Promise<void> {
  const b = await ctx.json<ConnectBody>();
  if (!b.Container) throw badRequest('container must be specified');
  const n = await ctx.engine.network.get(ctx.params.id);
  await ctx.engine.containers.disconnect(b.Container, n.Name, Boolean(b.Force));
  empty(ctx, 200);
}

async function prune(ctx: Ctx): Promise<void> {
  const deleted = await ctx.engine.network.prune();
  json(ctx, 200, { NetworksDeleted: deleted.length ? deleted : null });
}

export const networkRoutes: Route[] = [
  { method: 'GET', pattern: '/networks', handler: list },
  { method: 'POST', pattern: '/networks/create', handler: create },
  { method: 'POST', pattern: '/networks/prune', handler: prune },
  { method: 'GET', pattern: '/networks/{id}', handler: inspect },
  { method: 'DELETE', pattern: '/networks/{id}', handler: remove },
  { method: 'POST', pattern: '/networks/{id}/connect', handler: connect },
  { method: 'POST', pattern: '/networks/{id}/disconnect', handler: disconnect },
];
