/**
 * A container's environment as the kubelet builds it: envFrom sources first (in order, later keys
 * winning), then env entries (which may refer to earlier ones with $(VAR)), with ConfigMap and
 * Secret values fetched through the client and pod fields resolved from the pod object.
 */
import { BosunError, isKind } from '../errors/index.js';
import { parseQuantity, type KObject } from '../api/index.js';
import { resources } from '../client/index.js';
import type { ControllerClient } from '../controllers/framework/index.js';
import type { Container, Pod } from './types.js';

/** Fetches ConfigMaps and Secrets of one namespace, each at most once per sync. */
export class ObjectSource {
  private readonly cache = new Map<string, Promise<KObject | undefined>>();

  constructor(private readonly client: ControllerClient, private readonly namespace: string) {}

  private fetch(kind: 'configmaps' | 'secrets', name: string): Promise<KObject | undefined> {
    const key = `${kind}/${name}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.client.get(resources[kind], name, this.namespace).catch((err) => {
        if (isKind(err, 'NotFound')) return undefined;
        throw err;
      });
      this.cache.set(key, p);
    }
    return p;
  }

  /** Keys → values (Secret data decoded); undefined when the object does not exist. */
  async data(kind: 'configmaps' | 'secrets', name: string): Promise<Map<string, Buffer> | undefined> {
    const obj = await this.fetch(kind, name);
    if (!obj) return undefined;
    const out = new Map<string, Buffer>();
    if (kind === 'secrets') {
      for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'base64'));
      for (const [k, v] of Object.entries((obj.stringData ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v));
    } else {
      for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v));
      for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'base64'));
    }
    return out;
  }
}

/** Errors the kubelet reports as CreateContainerConfigError. */
export const configError = (message: string) => new BosunError('Invalid', message);

const kindName = (k: 'configmaps' | 'secrets') => (k === 'configmaps' ? 'configmap' : 'secret');

/** status.podIP etc. are known only once the sandbox is up; the agent passes them in. */
export interface PodRuntimeFields { podIP: string; hostIP: string }

export function podField(pod: Pod, path: string, rt: PodRuntimeFields): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name;
    case 'metadata.namespace': return pod.metadata.namespace;
    case 'metadata.uid': return pod.metadata.uid;
    case 'metadata.labels': return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join('\n');
    case 'metadata.annotations': return Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join('\n');
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.podIP': case 'status.podIPs': return rt.podIP;
    case 'status.hostIP': case 'status.hostIPs': return rt.hostIP;
    default: throw configError(`unsupported fieldRef fieldPath ${JSON.stringify(path)}`);
  }
}

/**
 * requests/limits of a container in the divisor's unit, rounded up as the kubelet does; an unset
 * limit falls back to the node's allocatable.
 */
export function resourceField(pod: Pod, ref: { containerName?: string; resource: string; divisor?: string | number }, self: Container | undefined, allocatable: Record<string, string>): string {
  const c = ref.containerName ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === ref.containerName) : self;
  if (!c) throw configError(`resourceFieldRef: container ${JSON.stringify(ref.containerName ?? '')} not found`);
  const [section, res] = ref.resource.split('.') as ['limits' | 'requests', string];
  const value = c.resources?.[section]?.[res] ?? (section === 'limits' ? allocatable[res] : undefined);
  const divisor = ref.divisor === undefined || ref.divisor === '0' || ref.divisor === 0 ? 1 : parseQuantity(ref.divisor);
  if (value === undefined) return '0';
  return String(Math.ceil(parseQuantity(value) / divisor));
}

/** Kubernetes' $(VAR) expansion: $$ escapes, unknown references stay verbatim. */
export function expand(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => (m === '$$' ? '$' : vars.has(name!) ? vars.get(name!)! : m));
}

/** `base` (Service variables) can be referenced by $(VAR) but is not part of the result. */
export async function containerEnv(pod: Pod, c: Container, src: ObjectSource, rt: PodRuntimeFields, allocatable: Record<string, string>, base = new Map<string, string>()): Promise<Map<string, string>> {
  const env = new Map<string, string>();
  const vars = new Map(base);
  const set = (k: string, v: string) => { env.set(k, v); vars.set(k, v); };
  for (const from of c.envFrom ?? []) {
    const kind = from.configMapRef ? 'configmaps' : 'secrets';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const data = await src.data(kind, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw configError(`${kindName(kind)} "${ref.name}" not found`);
    }
    for (const [k, v] of data) set(`${from.prefix ?? ''}${k}`, v.toString('utf8'));
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      set(e.name, expand(e.value ?? '', vars));
      continue;
    }
    if (vf.configMapKeyRef || vf.secretKeyRef) {
      const kind = vf.configMapKeyRef ? 'configmaps' : 'secrets';
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const data = await src.data(kind, ref.name ?? '');
      if (!data) {
        if (ref.optional) continue;
        throw configError(`${kindName(kind)} "${ref.name}" not found`);
      }
      const v = data.get(ref.key);
      if (v === undefined) {
        if (ref.optional) continue;
        throw configError(`couldn't find key ${ref.key} in ${kind === 'configmaps' ? 'ConfigMap' : 'Secret'} ${pod.metadata.namespace}/${ref.name}`);
      }
      set(e.name, v.toString('utf8'));
    } else if (vf.fieldRef) {
      set(e.name, podField(pod, vf.fieldRef.fieldPath, rt));
    } else if (vf.resourceFieldRef) {
      set(e.name, resourceField(pod, vf.resourceFieldRef, c, allocatable));
    }
  }
  return env;
}
