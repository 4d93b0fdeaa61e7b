/**
 * The routing half of the fence: an `unreachable` route for every fenced CIDR, with a metric far
 * below the bridges' own connected routes (which are more specific or, for a same-sized user
 * subnet, metric 0). While a bridge is up its route wins; when it is down or deleted, packets for
 * its subnet hit this route instead of falling through to the default route and leaving the
 * machine. The iptables half lives in rules.ts.
 */
import { run, runOk } from './exec.js';

export const FENCE_METRIC = 65_000;

export async function ensureFenceRoute(cidr: string): Promise<void> {
  await runOk('ip', ['route', 'replace', 'unreachable', cidr, 'metric', String(FENCE_METRIC)]);
}

export async function removeFenceRoute(cidr: string): Promise<void> {
  await run('ip', ['route', 'del', 'unreachable', cidr, 'metric', String(FENCE_METRIC)]);
}

/** Fence routes present on the host (any instance's): their destinations. */
export async function fenceRoutes(): Promise<string[]> {
  const r = await run('ip', ['-j', 'route', 'show', 'type', 'unreachable']);
  if (r.code !== 0 || !r.stdout.trim()) return [];
  const routes = JSON.parse(r.stdout) as Array<{ dst: string; metric?: number }>;
  return routes.filter((x) => x.metric === FENCE_METRIC).map((x) => (x.dst.includes('/') ? x.dst : `${x.dst}/32`));
}
