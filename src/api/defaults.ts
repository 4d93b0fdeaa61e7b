/**
 * Defaulting as the Kubernetes API server applies it on create and update
 * (pkg/apis/<group>/v1/defaults.go, plus what the registry strategies and default admission plugins
 * add to Pods: service account, priority, default tolerations). Defaults only fill what is missing.
 */
import type { KObject } from './types.js';

type Any = Record<string, any>;

const obj = (parent: Any, key: string): Any => {
  if (parent[key] === null || typeof parent[key] !== 'object' || Array.isArray(parent[key])) parent[key] = {};
  return parent[key] as Any;
};
const setIfMissing = (o: Any, key: string, value: unknown) => { if (o[key] === undefined || o[key] === null) o[key] = value; };

/** Always for `:latest` or no tag, IfNotPresent for any other tag or a digest (SetDefaults_Container). */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Any | undefined): void {
  if (!p || typeof p !== 'object') return;
  setIfMissing(p, 'timeoutSeconds', 1);
  setIfMissing(p, 'periodSeconds', 10);
  setIfMissing(p, 'successThreshold', 1);
  setIfMissing(p, 'failureThreshold', 3);
  if (p.httpGet && typeof p.httpGet === 'object') {
    setIfMissing(p.httpGet, 'path', '/');
    setIfMissing(p.httpGet, 'scheme', 'HTTP');
  }
}

function defaultLifecycleHandler(h: Any | undefined): void {
  if (h?.httpGet && typeof h.httpGet === 'object') {
    setIfMissing(h.httpGet, 'path', '/');
    setIfMissing(h.httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Any, hostNetwork: boolean): void {
  if (!c || typeof c !== 'object') return;
  setIfMissing(c, 'terminationMessagePath', '/dev/termination-log');
  setIfMissing(c, 'terminationMessagePolicy', 'File');
  if (typeof c.image === 'string' && c.image !== '') setIfMissing(c, 'imagePullPolicy', defaultImagePullPolicy(c.image));
  setIfMissing(c, 'resources', {});
  for (const p of Array.isArray(c.ports) ? c.ports : []) {
    if (!p || typeof p !== 'object') continue;
    setIfMissing(p, 'protocol', 'TCP');
    // With host networking the container port is the host port (SetDefaults_PodSpec).
    if (hostNetwork && (p.hostPort === undefined || p.hostPort === 0)) p.hostPort = p.containerPort;
  }
  for (const e of Array.isArray(c.env) ? c.env : []) {
    if (e?.valueFrom?.fieldRef && typeof e.valueFrom.fieldRef === 'object') setIfMissing(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycleHandler(c.lifecycle?.postStart);
  defaultLifecycleHandler(c.lifecycle?.preStop);
}

const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'projected',
  'storageos', 'csi', 'ephemeral', 'image'];

function defaultVolume(v: Any): void {
  if (!v || typeof v !== 'object') return;
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  // 0644, the mode the kubelet writes projected files with unless told otherwise.
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (v[s] && typeof v[s] === 'object') setIfMissing(v[s], 'defaultMode', 420);
  }
  if (v.hostPath && typeof v.hostPath === 'object') setIfMissing(v.hostPath, 'type', '');
  if (v.image && typeof v.image === 'object' && typeof v.image.reference === 'string') {
    setIfMissing(v.image, 'pullPolicy', defaultImagePullPolicy(v.image.reference));
  }
}

/** PodSpec defaults shared by Pods and every pod template. */
export function defaultPodSpec(spec: Any): void {
  setIfMissing(spec, 'restartPolicy', 'Always');
  setIfMissing(spec, 'dnsPolicy', 'ClusterFirst');
  setIfMissing(spec, 'terminationGracePeriodSeconds', 30);
  setIfMissing(spec, 'securityContext', {});
  setIfMissing(spec, 'schedulerName', 'default-scheduler');
  setIfMissing(spec, 'enableServiceLinks', true);
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) defaultContainer(c, hostNetwork);
  }
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) defaultVolume(v);
}

function defaultPodTemplate(template: Any | undefined): void {
  if (!template || typeof template !== 'object') return;
  defaultPodSpec(obj(template, 'spec'));
}

/** Burstable/Guaranteed/BestEffort from the containers' requests and limits (qos.GetPodQOS, simplified to cpu/memory). */
function podQOS(spec: Any): string {
  const containers: Any[] = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])]
    .filter((c) => c !== null && typeof c === 'object');
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req: Any = c.resources?.requests ?? {};
    const lim: Any = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const effectiveReq = req[r] ?? lim[r];
      if (lim[r] === undefined || String(effectiveReq) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultPod(pod: KObject): void {
  const spec = obj(pod, 'spec');
  defaultPodSpec(spec);
  // ServiceAccount, Priority and DefaultTolerationSeconds admission apply to Pods, not templates.
  setIfMissing(spec, 'serviceAccountName', 'default');
  setIfMissing(spec, 'serviceAccount', spec.serviceAccountName);
  setIfMissing(spec, 'priority', 0);
  setIfMissing(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations: Any[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = tolerations.some((t) => t !== null && typeof t === 'object' && (t.key === key || (t.operator === 'Exists' && !t.key)) && (!t.effect || t.effect === 'NoExecute'));
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
  const status = obj(pod, 'status');
  setIfMissing(status, 'phase', 'Pending');
  setIfMissing(status, 'qosClass', podQOS(spec));
}

function defaultDeployment(d: KObject): void {
  const spec = obj(d, 'spec');
  setIfMissing(spec, 'replicas', 1);
  const strategy = obj(spec, 'strategy');
  setIfMissing(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    setIfMissing(ru, 'maxUnavailable', '25%');
    setIfMissing(ru, 'maxSurge', '25%');
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  setIfMissing(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

function defaultReplicaSet(rs: KObject): void {
  const spec = obj(rs, 'spec');
  setIfMissing(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

function defaultStatefulSet(s: KObject): void {
  const spec = obj(s, 'spec');
  setIfMissing(spec, 'replicas', 1);
  setIfMissing(spec, 'podManagementPolicy', 'OrderedReady');
  const us = obj(spec, 'updateStrategy');
  setIfMissing(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') setIfMissing(obj(us, 'rollingUpdate'), 'partition', 0);
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  setIfMissing(retention, 'whenDeleted', 'Retain');
  setIfMissing(retention, 'whenScaled', 'Retain');
  for (const t of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    if (t && typeof t === 'object') {
      setIfMissing(obj(t, 'spec'), 'volumeMode', 'Filesystem');
      setIfMissing(t, 'apiVersion', 'v1');
      setIfMissing(t, 'kind', 'PersistentVolumeClaim');
    }
  }
  defaultPodTemplate(spec.template);
}

function defaultDaemonSet(ds: KObject): void {
  const spec = obj(ds, 'spec');
  const us = obj(spec, 'updateStrategy');
  setIfMissing(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = obj(us, 'rollingUpdate');
    setIfMissing(ru, 'maxUnavailable', 1);
    setIfMissing(ru, 'maxSurge', 0);
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

function defaultJobSpec(spec: Any): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfMissing(spec, 'parallelism', 1);
  setIfMissing(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6);
  setIfMissing(spec, 'completionMode', 'NonIndexed');
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'podReplacementPolicy', spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(spec.template);
}

/**
 * The Job strategy's generated selector: pods are tied to the Job by its uid, so this needs the uid
 * the API server assigned (defaults run after it is set on create).
 */
function generateJobSelector(job: KObject): void {
  const spec = obj(job, 'spec');
  const uid = job.metadata?.uid;
  const name = job.metadata?.name;
  if (spec.manualSelector === true || !uid || !name || spec.selector) return;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = obj(spec, 'template');
  const meta = obj(template, 'metadata');
  const labels = obj(meta, 'labels');
  setIfMissing(labels, 'batch.kubernetes.io/controller-uid', uid);
  setIfMissing(labels, 'batch.kubernetes.io/job-name', name);
  setIfMissing(labels, 'controller-uid', uid);
  setIfMissing(labels, 'job-name', name);
}

function defaultJob(job: KObject): void {
  defaultJobSpec(obj(job, 'spec'));
  generateJobSelector(job);
}

function defaultCronJob(cj: KObject): void {
  const spec = obj(cj, 'spec');
  setIfMissing(spec, 'concurrencyPolicy', 'Allow');
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'successfulJobsHistoryLimit', 3);
  setIfMissing(spec, 'failedJobsHistoryLimit', 1);
  const jt = obj(spec, 'jobTemplate');
  const js = obj(jt, 'spec');
  defaultJobSpec(js);
}

function defaultService(svc: KObject): void {
  const spec = obj(svc, 'spec');
  setIfMissing(spec, 'type', 'ClusterIP');
  setIfMissing(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = obj(spec, 'sessionAffinityConfig');
    setIfMissing(obj(cfg, 'clientIP'), 'timeoutSeconds', 10800);
  }
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!p || typeof p !== 'object') continue;
    setIfMissing(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName') {
    setIfMissing(spec, 'internalTrafficPolicy', 'Cluster');
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && !Array.isArray(spec.clusterIPs)) spec.clusterIPs = [spec.clusterIP];
    // Single-stack IPv4 cluster: every ClusterIP-bearing service gets these from the allocator.
    setIfMissing(spec, 'ipFamilyPolicy', 'SingleStack');
    setIfMissing(spec, 'ipFamilies', ['IPv4']);
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setIfMissing(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setIfMissing(spec, 'allocateLoadBalancerNodePorts', true);
  const status = obj(svc, 'status');
  setIfMissing(status, 'loadBalancer', {});
}

function defaultSecret(s: KObject): void {
  const x = s as Any;
  setIfMissing(x, 'type', 'Opaque');
  // stringData is write-only: folded into data (base64) by the server, never stored.
  if (x.stringData && typeof x.stringData === 'object') {
    const data = obj(x, 'data');
    for (const [k, v] of Object.entries(x.stringData as Any)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete x.stringData;
}

function defaultNamespace(ns: KObject): void {
  const spec = obj(ns, 'spec');
  setIfMissing(spec, 'finalizers', ['kubernetes']);
  const status = obj(ns, 'status');
  setIfMissing(status, 'phase', 'Active');
  // The namespace-name label the real server maintains (NamespaceDefaultLabelName).
  const name = ns.metadata?.name;
  if (name) {
    const meta = obj(ns, 'metadata');
    obj(meta, 'labels')['kubernetes.io/metadata.name'] = name;
  }
}

function defaultPVC(pvc: KObject): void {
  setIfMissing(obj(pvc, 'spec'), 'volumeMode', 'Filesystem');
  setIfMissing(obj(pvc, 'status'), 'phase', 'Pending');
}

function defaultPV(pv: KObject): void {
  const spec = obj(pv, 'spec');
  setIfMissing(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfMissing(spec, 'volumeMode', 'Filesystem');
  setIfMissing(obj(pv, 'status'), 'phase', 'Pending');
}

function defaultEndpoints(ep: KObject): void {
  for (const ss of Array.isArray((ep as Any).subsets) ? (ep as Any).subsets : []) {
    for (const p of Array.isArray(ss?.ports) ? ss.ports : []) if (p && typeof p === 'object') setIfMissing(p, 'protocol', 'TCP');
  }
}

function defaultEndpointSlice(es: KObject): void {
  for (const p of Array.isArray((es as Any).ports) ? (es as Any).ports : []) {
    if (!p || typeof p !== 'object') continue;
    setIfMissing(p, 'name', '');
    setIfMissing(p, 'protocol', 'TCP');
  }
}

function defaultNetworkPolicy(np: KObject): void {
  const spec = obj(np, 'spec');
  setIfMissing(spec, 'podSelector', {});
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const dir of ['ingress', 'egress']) {
    for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) {
      for (const p of Array.isArray(rule?.ports) ? rule.ports : []) if (p && typeof p === 'object') setIfMissing(p, 'protocol', 'TCP');
    }
  }
}

function defaultBinding(rb: KObject): void {
  for (const s of Array.isArray((rb as Any).subjects) ? (rb as Any).subjects : []) {
    if (!s || typeof s !== 'object') continue;
    if (s.kind === 'User' || s.kind === 'Group') setIfMissing(s, 'apiGroup', 'rbac.authorization.k8s.io');
    if (s.kind === 'ServiceAccount') setIfMissing(s, 'apiGroup', '');
  }
}

function defaultIngressClass(ic: KObject): void {
  const params = (ic as Any).spec?.parameters;
  if (isParams(params)) setIfMissing(params, 'scope', 'Cluster');
}
const isParams = (p: unknown): p is Any => p !== null && typeof p === 'object' && !Array.isArray(p);

const DEFAULTS: Record<string, (o: KObject) => void> = {
  '/Pod': defaultPod,
  '/Service': defaultService,
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/PersistentVolumeClaim': defaultPVC,
  '/PersistentVolume': defaultPV,
  '/Endpoints': defaultEndpoints,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/StatefulSet': defaultStatefulSet,
  'apps/DaemonSet': defaultDaemonSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'networking.k8s.io/IngressClass': defaultIngressClass,
  'rbac.authorization.k8s.io/RoleBinding': defaultBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultBinding,
};

export function defaultsFor(group: string, kind: string): ((obj: KObject) => void) | undefined {
  return DEFAULTS[`${group}/${kind}`];
}
