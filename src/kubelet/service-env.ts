/**
 * Docker-links-style Service variables the kubelet puts in every container: for each Service of
 * the pod's namespace with a cluster IP (when enableServiceLinks is not false) and always for
 * default/kubernetes, FOO_SERVICE_HOST, FOO_SERVICE_PORT[_NAME], FOO_PORT and FOO_PORT_<p>_<PROTO>
 * [_PROTO|_PORT|_ADDR]. In-cluster clients find the API server through KUBERNETES_SERVICE_HOST.
 */
import type { KObject } from '../api/index.js';

interface ServicePort { name?: string; port: number; protocol?: string }
interface ServiceSpec { clusterIP?: string; ports?: ServicePort[] }

const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');

function forService(name: string, spec: ServiceSpec, out: Map<string, string>): void {
  const ip = spec.clusterIP;
  const ports = spec.ports ?? [];
  if (!ip || ip === 'None' || !ports.length) return;
  const p = envName(name);
  out.set(`${p}_SERVICE_HOST`, ip);
  out.set(`${p}_SERVICE_PORT`, String(ports[0].port));
  for (const sp of ports) if (sp.name) out.set(`${p}_SERVICE_PORT_${envName(sp.name)}`, String(sp.port));
  const proto0 = (ports[0].protocol ?? 'TCP').toLowerCase();
  out.set(`${p}_PORT`, `${proto0}://${ip}:${ports[0].port}`);
  for (const sp of ports) {
    const proto = sp.protocol ?? 'TCP';
    const base = `${p}_PORT_${sp.port}_${proto.toUpperCase()}`;
    out.set(base, `${proto.toLowerCase()}://${ip}:${sp.port}`);
    out.set(`${base}_PROTO`, proto.toLowerCase());
    out.set(`${base}_PORT`, String(sp.port));
    out.set(`${base}_ADDR`, ip);
  }
}

/** `services`: the cache of every Service the agent watches. */
export function serviceEnv(namespace: string, enableServiceLinks: boolean, services: KObject[]): Map<string, string> {
  const out = new Map<string, string>();
  if (enableServiceLinks) {
    for (const s of services) if (s.metadata?.namespace === namespace) forService(s.metadata.name ?? '', (s.spec ?? {}) as ServiceSpec, out);
  }
  const master = services.find((s) => s.metadata?.namespace === 'default' && s.metadata.name === 'kubernetes');
  if (master && (namespace !== 'default' || !enableServiceLinks)) forService('kubernetes', (master.spec ?? {}) as ServiceSpec, out);
  return out;
}
