/**
 * The resource catalog: every resource Bosun serves, with Kubernetes' own discovery values
 * (shortNames, categories, verbs, subresources) and Table layouts. The API server is generic and
 * learns everything resource-specific from here.
 */
import type { KObject, ResourceInfo, SubresourceInfo } from './types.js';
import { tableLayout } from './tables.js';
import { defaultsFor } from './defaults.js';
import { validatorFor } from './validation.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

interface Spec {
  group: string;
  version: string;
  kind: string;
  resource: string;
  shortNames?: string[];
  categories?: string[];
  namespaced?: boolean;
  verbs?: string[];
  subresources?: SubresourceInfo[];
  /** Package of the OpenAPI schema name, e.g. "io.k8s.api.apps.v1". */
  schemaPackage: string;
}

const status = (group: string, version: string, kind: string): SubresourceInfo => ({ name: 'status', group, version, kind, verbs: STATUS_VERBS });
const scale = (): SubresourceInfo => ({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: STATUS_VERBS });

const SPECS: Spec[] = [
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', shortNames: ['ns'], namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [status('', 'v1', 'Namespace')], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', shortNames: ['po'], categories: ['all'], schemaPackage: 'io.k8s.api.core.v1',
    subresources: [
      { name: 'attach', group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'exec', group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', group: '', version: 'v1', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      status('', 'v1', 'Pod'),
    ] },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', shortNames: ['svc'], categories: ['all'],
    subresources: [status('', 'v1', 'Service')], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'Endpoints', resource: 'endpoints', shortNames: ['ep'], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', shortNames: ['cm'], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', shortNames: ['sa'], schemaPackage: 'io.k8s.api.core.v1',
    subresources: [{ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }] },
  { group: '', version: 'v1', kind: 'Node', resource: 'nodes', shortNames: ['no'], namespaced: false,
    subresources: [status('', 'v1', 'Node')], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'Event', resource: 'events', shortNames: ['ev'], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'PersistentVolume', resource: 'persistentvolumes', shortNames: ['pv'], namespaced: false,
    subresources: [status('', 'v1', 'PersistentVolume')], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', shortNames: ['pvc'],
    subresources: [status('', 'v1', 'PersistentVolumeClaim')], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'ResourceQuota', resource: 'resourcequotas', shortNames: ['quota'],
    subresources: [status('', 'v1', 'ResourceQuota')], schemaPackage: 'io.k8s.api.core.v1' },
  { group: '', version: 'v1', kind: 'LimitRange', resource: 'limitranges', shortNames: ['limits'], schemaPackage: 'io.k8s.api.core.v1' },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', shortNames: ['deploy'], categories: ['all'],
    subresources: [scale(), status('apps', 'v1', 'Deployment')], schemaPackage: 'io.k8s.api.apps.v1' },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', shortNames: ['rs'], categories: ['all'],
    subresources: [scale(), status('apps', 'v1', 'ReplicaSet')], schemaPackage: 'io.k8s.api.apps.v1' },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', shortNames: ['sts'], categories: ['all'],
    subresources: [scale(), status('apps', 'v1', 'StatefulSet')], schemaPackage: 'io.k8s.api.apps.v1' },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets', shortNames: ['ds'], categories: ['all'],
    subresources: [status('apps', 'v1', 'DaemonSet')], schemaPackage: 'io.k8s.api.apps.v1' },
  { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', categories: ['all'],
    subresources: [status('batch', 'v1', 'Job')], schemaPackage: 'io.k8s.api.batch.v1' },
  { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', shortNames: ['cj'], categories: ['all'],
    subresources: [status('batch', 'v1', 'CronJob')], schemaPackage: 'io.k8s.api.batch.v1' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', resource: 'ingresses', shortNames: ['ing'],
    subresources: [status('networking.k8s.io', 'v1', 'Ingress')], schemaPackage: 'io.k8s.api.networking.v1' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', resource: 'ingressclasses', namespaced: false, schemaPackage: 'io.k8s.api.networking.v1' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', shortNames: ['netpol'], schemaPackage: 'io.k8s.api.networking.v1' },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', schemaPackage: 'io.k8s.api.discovery.v1' },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', schemaPackage: 'io.k8s.api.coordination.v1' },
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', shortNames: ['ev'], schemaPackage: 'io.k8s.api.events.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', resource: 'roles', schemaPackage: 'io.k8s.api.rbac.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', resource: 'rolebindings', schemaPackage: 'io.k8s.api.rbac.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, schemaPackage: 'io.k8s.api.rbac.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, schemaPackage: 'io.k8s.api.rbac.v1' },
];

/** Kinds whose status is written through a subresource (main-resource writes keep the old status). */
function hasStatusSubresource(s: Spec): boolean {
  return (s.subresources ?? []).some((x) => x.name === 'status');
}

export const catalog: ResourceInfo[] = SPECS.map((s): ResourceInfo => {
  const layout = tableLayout(s.kind);
  const defaults = defaultsFor(s.group, s.kind);
  const validate = validatorFor(s.group, s.kind);
  const info: ResourceInfo = {
    group: s.group,
    version: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    namespaced: s.namespaced ?? true,
    verbs: s.verbs ?? ALL_VERBS,
    subresources: s.subresources ?? [],
    schemaName: `${s.schemaPackage}.${s.kind}`,
    hasStatus: hasStatusSubresource(s),
    nameColumn: layout.nameColumn,
    columns: layout.columns,
    cells: (obj: KObject) => layout.cells(obj),
  };
  if (defaults) info.defaults = defaults;
  if (validate) info.validate = validate;
  return info;
});

/** Looks a resource up by group, version and plural (the URL segments). */
export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return catalog.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** Looks a resource up by apiVersion ("apps/v1", "v1") and kind, as in a request body. */
export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
  return catalog.find((r) => r.group === group && r.version === version && r.kind === kind);
}
