/**
 * Validation as the Kubernetes API server does it (pkg/apis/<group>/validation): every field error
 * with its path and the real server's message, never just the first. Runs after defaulting.
 * The rules live in validate-*.ts by area; this table picks them per kind.
 */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { dns1123SubdomainErrors } from './name-rules.js';
import { metaOnly } from './validate-common.js';
import { validatePod } from './validate-pod.js';
import { validateDeployment, validateReplicaSet, validateStatefulSet, validateDaemonSet, validateJob, validateCronJob } from './validate-workloads.js';
import { validateService, validateIngress, validateNetworkPolicy, validateEndpointSlice } from './validate-network.js';
import { validateConfigMap, validateSecret, validateNamespace, validateServiceAccount } from './validate-config.js';
import { validatePVC, validatePV, validateResourceQuota, validateLimitRange } from './validate-storage.js';
import { validateRoleBinding, validateRole } from './validate-rbac.js';
import { validateNode, validateCoreEvent, validateEventsV1, validateLease } from './validate-cluster-state.js';

const VALIDATORS: Record<string, (o: KObject, old?: KObject) => FieldCause[]> = {
  '/Pod': validatePod,
  '/Service': validateService,
  '/ConfigMap': validateConfigMap,
  '/Secret': validateSecret,
  '/Namespace': validateNamespace,
  '/ServiceAccount': validateServiceAccount,
  '/Node': validateNode,
  '/PersistentVolume': validatePV,
  '/PersistentVolumeClaim': validatePVC,
  '/ResourceQuota': validateResourceQuota,
  '/LimitRange': validateLimitRange,
  '/Event': validateCoreEvent,
  'events.k8s.io/Event': validateEventsV1,
  'coordination.k8s.io/Lease': validateLease,
  'discovery.k8s.io/EndpointSlice': validateEndpointSlice,
  'networking.k8s.io/NetworkPolicy': validateNetworkPolicy,
  'apps/Deployment': validateDeployment,
  'apps/ReplicaSet': validateReplicaSet,
  'apps/StatefulSet': validateStatefulSet,
  'apps/DaemonSet': validateDaemonSet,
  'batch/Job': validateJob,
  'batch/CronJob': validateCronJob,
  'networking.k8s.io/Ingress': validateIngress,
  'networking.k8s.io/IngressClass': metaOnly(dns1123SubdomainErrors, false),
  'rbac.authorization.k8s.io/Role': validateRole(true),
  'rbac.authorization.k8s.io/RoleBinding': validateRoleBinding(true),
  'rbac.authorization.k8s.io/ClusterRole': validateRole(false),
  'rbac.authorization.k8s.io/ClusterRoleBinding': validateRoleBinding(false),
};

const CLUSTER_SCOPED = new Set(['/Namespace', '/Node', '/PersistentVolume', 'networking.k8s.io/IngressClass',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding']);

/** The validator for a kind; kinds without specific rules still get object-metadata validation. */
export function validatorFor(group: string, kind: string): (obj: KObject, old?: KObject) => FieldCause[] {
  const key = `${group}/${kind}`;
  return VALIDATORS[key] ?? metaOnly(dns1123SubdomainErrors, !CLUSTER_SCOPED.has(key));
}
