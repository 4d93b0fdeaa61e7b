/**
 * What exists in every cluster from its first start: the four system namespaces and the
 * `kubernetes` Service. Emptying a Terminating namespace is the namespace controller's job
 * (src/controllers/namespace), which hands it back through namespaces/{name}/finalize.
 */
import { isKind } from '../errors/index.js';
import type { Registry, WriteOptions } from './registry.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const opts = (): WriteOptions => ({ dryRun: false, fieldValidation: 'Ignore', warnings: [] });

export async function bootstrapNamespaces(registry: Registry, apiServiceIp: string, apiPort: number): Promise<void> {
  const nsInfo = registry.catalog.byKind('', 'Namespace')!;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await registry.create(nsInfo, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, opts());
    } catch (err) {
      if (!isKind(err, 'AlreadyExists')) throw err;
    }
  }
  const svc = registry.catalog.byKind('', 'Service')!;
  try {
    await registry.create(svc, 'default', {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: apiServiceIp, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiPort }] },
    }, opts());
  } catch (err) {
    if (!isKind(err, 'AlreadyExists') && !isKind(err, 'Invalid')) throw err;
  }
}
