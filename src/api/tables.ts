/**
 * Server-side Table columns and cells per kind, as the Kubernetes server prints them
 * (pkg/printers/internalversion). Cells are pre-rendered: ages are human durations, missing values
 * are "<none>", counts are integers. The Name column is implicit (the API server adds it first)
 * except where `nameColumn` says otherwise (events put Name last, at -o wide priority).
 */
import type { KObject, TableColumn } from './types.js';
import { ageSince, humanDuration } from './human-duration.js';
import { formatLabels, formatLabelSelector, type LabelSelectorObject } from './selectors.js';

export interface TableLayout {
  columns: TableColumn[];
  cells(obj: KObject, now?: number): unknown[];
  /** false when the layout has no leading Name column (events). */
  nameColumn: boolean;
}

type Any = Record<string, any>;

const col = (name: string, type: TableColumn['type'], description: string, priority = 0): TableColumn =>
  ({ name, type, format: '', description, priority });
const AGE = col('Age', 'string', "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.");
const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);
const SELECTOR = col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1);

const age = (o: KObject, now?: number) => ageSince(o.metadata?.creationTimestamp, now);
const none = (v: unknown): string => (v === undefined || v === null || v === '' ? '<none>' : String(v));
const spec = (o: KObject): Any => (o.spec as Any) ?? {};
const status = (o: KObject): Any => (o.status as Any) ?? {};
const int = (v: unknown): number => (typeof v === 'number' ? v : 0);
/** Array items, skipping holes: stored objects of loosely validated kinds may hold anything. */
const list = (v: unknown): any[] => (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : []);
const templateContainers = (podSpec: Any | undefined): Any[] => list(podSpec?.containers);
const names = (cs: Any[]) => cs.map((c) => c.name ?? '').join(',');
const images = (cs: Any[]) => cs.map((c) => c.image ?? '').join(',');
const selectorCell = (sel: LabelSelectorObject | undefined) => {
  if (!sel) return '<none>';
  const s = formatLabelSelector(sel);
  return s === '' ? '<none>' : s;
};

function podStatusReason(pod: KObject, now: number | undefined): { reason: string; ready: number; restarts: string } {
  const st = status(pod);
  const sp = spec(pod);
  let reason: string = st.reason || st.phase || '';
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  for (const c of list(st.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initStatuses: Any[] = list(st.initContainerStatuses);
  const initSpecs: Any[] = list(sp.initContainers);
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    restarts += int(c.restartCount);
    const lt = c.lastState?.terminated?.finishedAt;
    if (lt) lastRestart = Math.max(lastRestart, Date.parse(lt));
    const sidecar = initSpecs.find((s) => s.name === c.name)?.restartPolicy === 'Always';
    if (sidecar && c.started && c.ready) ready++;
    const term = c.state?.terminated;
    const wait = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (sidecar && c.started) continue;
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (wait && wait.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  const initializedTrue = list(st.conditions).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = 0;
    let hasRunning = false;
    const cs: Any[] = list(st.containerStatuses);
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += int(c.restartCount);
      const lt = c.lastState?.terminated?.finishedAt;
      if (lt) lastRestart = Math.max(lastRestart, Date.parse(lt));
      const wait = c.state?.waiting;
      const term = c.state?.terminated;
      if (wait?.reason) reason = wait.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) { hasRunning = true; ready++; }
    }
    // A completed container next to a still-running one must not make the whole pod look finished.
    if (reason === 'Completed' && hasRunning) {
      const readyCond = list(st.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = readyCond ? 'Running' : 'NotReady';
    }
  }
  const terminal = st.phase === 'Succeeded' || st.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';
  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsStr = `${restarts} (${humanDuration((now ?? Date.now()) - lastRestart)} ago)`;
  return { reason, ready, restarts: restartsStr };
}

function serviceExternalIP(svc: KObject): string {
  const sp = spec(svc);
  const ext: string[] = list(sp.externalIPs);
  switch (sp.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const ing: Any[] = list(status(svc).loadBalancer?.ingress);
      const ips = [...ing.map((i) => i.ip || i.hostname).filter(Boolean), ...ext];
      return ips.length ? ips.join(',') : '<pending>';
    }
    case 'ExternalName':
      return sp.externalName ?? '<none>';
    default:
      return '<unknown>';
  }
}

function servicePorts(svc: KObject): string {
  const ports: Any[] = list(spec(svc).ports);
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

function nodeStatus(node: KObject): string {
  const conds: Any[] = list(status(node).conditions);
  const ready = conds.find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (spec(node).unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(node: KObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) { const r = k.slice('node-role.kubernetes.io/'.length); if (r) roles.add(r); }
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(node: KObject, type: string): string {
  const a = list(status(node).addresses).find((x) => x.type === type);
  return a?.address ?? '<none>';
}

/** Normalises core/v1 and events.k8s.io/v1 events to the fields the printer reads. */
function eventFields(ev: KObject) {
  const o = ev as Any;
  const v1 = typeof o.apiVersion === 'string' && o.apiVersion.startsWith('events.k8s.io/');
  const involved: Any = (v1 ? o.regarding : o.involvedObject) ?? {};
  const series: Any | undefined = o.series;
  const last = series?.lastObservedTime ?? (v1 ? o.deprecatedLastTimestamp : o.lastTimestamp) ?? o.eventTime;
  const first = (v1 ? o.deprecatedFirstTimestamp : o.firstTimestamp) ?? o.eventTime;
  const count = series?.count ?? (v1 ? o.deprecatedCount : o.count) ?? 1;
  const source = v1
    ? [o.reportingController ?? o.deprecatedSource?.component, o.deprecatedSource?.host].filter(Boolean).join(', ')
    : [o.source?.component ?? o.reportingComponent, o.source?.host].filter(Boolean).join(', ');
  return { involved, last, first, count, source, message: (v1 ? o.note : o.message) ?? '', reason: o.reason ?? '', type: o.type ?? '' };
}

const EVENTS: TableLayout = {
  nameColumn: false,
  columns: [
    col('Last Seen', 'string', 'The last time this event was observed.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'string', 'The reason this event is generated. Should be a short, machine understandable string.'),
    col('Object', 'string', 'The object this Event is about.'),
    col('Subobject', 'string', 'The subobject (a field path) this Event is about.', 1),
    col('Source', 'string', 'The component reporting this event.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The first time this event was observed.', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    col('Name', 'string', 'Name of the event.', 1),
  ],
  cells(o, now) {
    const e = eventFields(o);
    return [ageSince(e.last, now), e.type, e.reason, `${String(e.involved.kind ?? '').toLowerCase()}/${e.involved.name ?? ''}`,
      e.involved.fieldPath ?? '', e.source, e.message, ageSince(e.first, now), e.count, o.metadata?.name ?? ''];
  },
};

const CREATED_AT: TableLayout = {
  nameColumn: true,
  columns: [{ name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 }],
  cells: (o) => [o.metadata?.creationTimestamp ?? null],
};

function workload(first: TableColumn[], firstCells: (o: KObject, now?: number) => unknown[], withSelector = true): TableLayout {
  return {
    nameColumn: true,
    columns: [...first, CONTAINERS, IMAGES, ...(withSelector ? [SELECTOR] : [])],
    cells(o, now) {
      const cs = templateContainers(spec(o).template?.spec);
      return [...firstCells(o, now), names(cs), images(cs), ...(withSelector ? [selectorCell(spec(o).selector)] : [])];
    },
  };
}

function jobStatus(job: KObject): string {
  const has = (t: string) => list(status(job).conditions).some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(job: KObject): string {
  const sp = spec(job);
  const succeeded = int(status(job).succeeded);
  if (typeof sp.completions === 'number') return `${succeeded}/${sp.completions}`;
  const parallelism = typeof sp.parallelism === 'number' ? sp.parallelism : 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KObject, now?: number): string {
  const st = status(job);
  if (!st.startTime) return '';
  const end = st.completionTime ? Date.parse(st.completionTime) : (now ?? Date.now());
  return humanDuration(end - Date.parse(st.startTime));
}

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const accessModes = (modes: string[] | undefined) => list(modes).map((m) => ACCESS_MODES[m] ?? m).join(',');

function ingressHosts(ing: KObject): string {
  const hosts: string[] = [];
  for (const r of list(spec(ing).rules)) if (r.host) hosts.push(r.host);
  if (hosts.length === 0) return '*';
  if (hosts.length > 4) return `${hosts.slice(0, 4).join(',')} + ${hosts.length - 4} more...`;
  return hosts.join(',');
}

function formatEndpoints(ep: KObject): string {
  const out: string[] = [];
  let total = 0;
  for (const ss of list((ep as Any).subsets)) {
    const ports: Any[] = list(ss.ports).length ? list(ss.ports) : [undefined];
    for (const a of list(ss.addresses)) {
      for (const p of ports) {
        total++;
        if (out.length < 3) out.push(p ? `${a.ip}:${p.port}` : a.ip);
      }
    }
  }
  if (total === 0) return '<none>';
  return total > 3 ? `${out.join(',')} + ${total - 3} more...` : out.join(',');
}

function rbacSubjects(rb: KObject, kind: string): string {
  const subs = list((rb as Any).subjects).filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name));
  return subs.join(', ');
}

function quotaSummary(q: KObject, limits: boolean): string {
  const hard: Any = spec(q).hard ?? {};
  const used: Any = status(q).used ?? {};
  return Object.keys(hard).sort()
    .filter((k) => k.startsWith('limits.') === limits)
    .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`).join(', ');
}

const pod: TableLayout = {
  nameColumn: true,
  columns: [
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'string', "NodeName is a request to schedule this pod onto a specific node.", 1),
    col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  cells(o, now) {
    const s = podStatusReason(o, now);
    const sp = spec(o);
    const st = status(o);
    const gates: Any[] = list(sp.readinessGates);
    let gatesCell = '<none>';
    if (gates.length) {
      const conds: Any[] = list(st.conditions);
      const trueGates = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === 'True')).length;
      gatesCell = `${trueGates}/${gates.length}`;
    }
    const ip = list(st.podIPs)[0]?.ip ?? st.podIP;
    return [`${s.ready}/${templateContainers(sp).length}`, s.reason, s.restarts, age(o, now),
      none(ip), none(sp.nodeName), none(st.nominatedNodeName), gatesCell];
  },
};

/** Layout per kind; kinds not listed get Name + Created At, like the real server's default printer. */
const LAYOUTS: Record<string, TableLayout> = {
  Pod: pod,
  Deployment: workload([
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'integer', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'integer', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE,
  ], (o, now) => [`${int(status(o).readyReplicas)}/${int(spec(o).replicas)}`, int(status(o).updatedReplicas), int(status(o).availableReplicas), age(o, now)]),
  ReplicaSet: workload([
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE,
  ], (o, now) => [int(spec(o).replicas), int(status(o).replicas), int(status(o).readyReplicas), age(o, now)]),
  StatefulSet: workload([
    col('Ready', 'string', 'Number of the pod with ready state'),
    AGE,
  ], (o, now) => [`${int(status(o).readyReplicas)}/${int(spec(o).replicas)}`, age(o, now)], false),
  DaemonSet: workload([
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    col('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE,
  ], (o, now) => {
    const st = status(o);
    return [int(st.desiredNumberScheduled), int(st.currentNumberScheduled), int(st.numberReady), int(st.updatedNumberScheduled),
      int(st.numberAvailable), formatLabels(spec(o).template?.spec?.nodeSelector), age(o, now)];
  }),
  Job: workload([
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The completion status of the job, as succeeded/desired.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE,
  ], (o, now) => [jobStatus(o), jobCompletions(o), jobDuration(o, now), age(o, now)]),
  CronJob: {
    nameColumn: true,
    columns: [
      col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      col('Timezone', 'string', 'The time zone name for the given schedule.'),
      col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions.'),
      col('Active', 'integer', 'A list of pointers to currently running jobs.'),
      col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
      AGE, CONTAINERS, IMAGES, SELECTOR,
    ],
    cells(o, now) {
      const sp = spec(o);
      const st = status(o);
      const js: Any = sp.jobTemplate?.spec ?? {};
      const cs = templateContainers(js.template?.spec);
      const suspend = typeof sp.suspend === 'boolean' ? (sp.suspend ? 'True' : 'False') : '<unset>';
      return [sp.schedule ?? '', none(sp.timeZone), suspend, list(st.active).length,
        st.lastScheduleTime ? ageSince(st.lastScheduleTime, now) : '<none>', age(o, now), names(cs), images(cs), selectorCell(js.selector)];
    },
  },
  Service: {
    nameColumn: true,
    columns: [
      col('Type', 'string', 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
      AGE,
      col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells(o, now) {
      const sp = spec(o);
      return [sp.type ?? 'ClusterIP', none(sp.clusterIP), serviceExternalIP(o), servicePorts(o), age(o, now), formatLabels(sp.selector)];
    },
  },
  Endpoints: {
    nameColumn: true,
    columns: [col('Endpoints', 'string', 'Endpoints of the Service'), AGE],
    cells: (o, now) => [formatEndpoints(o), age(o, now)],
  },
  EndpointSlice: {
    nameColumn: true,
    columns: [
      col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
      col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
      col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
      AGE,
    ],
    cells(o, now) {
      const x = o as Any;
      const ports: Any[] = list(x.ports);
      const portsCell = ports.length ? ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',') : '<unset>';
      const addrs: string[] = list(x.endpoints).flatMap((e) => list(e.addresses));
      const epCell = addrs.length === 0 ? '<unset>' : addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
      return [x.addressType ?? '', portsCell, epCell, age(o, now)];
    },
  },
  Namespace: {
    nameColumn: true,
    columns: [col('Status', 'string', 'The status of the namespace'), AGE],
    cells: (o, now) => [status(o).phase ?? '', age(o, now)],
  },
  ConfigMap: {
    nameColumn: true,
    columns: [col('Data', 'string', 'Data contains the configuration data.'), AGE],
    cells: (o, now) => [Object.keys(((o as Any).data as object) ?? {}).length + Object.keys(((o as Any).binaryData as object) ?? {}).length, age(o, now)],
  },
  Secret: {
    nameColumn: true,
    columns: [col('Type', 'string', 'The type of the secret'), col('Data', 'string', 'The number of entries in the secret'), AGE],
    cells: (o, now) => [(o as Any).type ?? '', Object.keys(((o as Any).data as object) ?? {}).length, age(o, now)],
  },
  ServiceAccount: {
    nameColumn: true,
    columns: [col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE],
    cells: (o, now) => [list((o as Any).secrets).length, age(o, now)],
  },
  Node: {
    nameColumn: true,
    columns: [
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      AGE,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
      col('External-IP', 'string', 'List of addresses reachable to the node.', 1),
      col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells(o, now) {
      const info: Any = status(o).nodeInfo ?? {};
      return [nodeStatus(o), nodeRoles(o), age(o, now), info.kubeletVersion ?? '', nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'),
        none(info.osImage), none(info.kernelVersion), none(info.containerRuntimeVersion)];
    },
  },
  Event: EVENTS,
  PersistentVolume: {
    nameColumn: true,
    columns: [
      col('Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity.'),
      col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
      col('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
      col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
      col('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
      col('StorageClass', 'string', 'storageClassName is the name of StorageClass to which this persistent volume belongs.'),
      col('VolumeAttributesClass', 'string', 'Name of VolumeAttributesClass to which this persistent volume belongs.'),
      col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
      AGE,
      col('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', 1),
    ],
    cells(o, now) {
      const sp = spec(o);
      const claim = sp.claimRef ? `${sp.claimRef.namespace}/${sp.claimRef.name}` : '';
      const phase = o.metadata?.deletionTimestamp ? 'Terminating' : status(o).phase ?? '';
      return [sp.capacity?.storage ?? '', accessModes(sp.accessModes), sp.persistentVolumeReclaimPolicy ?? '', phase, claim,
        sp.storageClassName ?? '', sp.volumeAttributesClassName ?? '<unset>', status(o).reason ?? '', age(o, now), sp.volumeMode ?? '<unset>'];
    },
  },
  PersistentVolumeClaim: {
    nameColumn: true,
    columns: [
      col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
      col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
      col('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
      col('StorageClass', 'string', 'storageClassName is the name of the StorageClass required by the claim.'),
      col('VolumeAttributesClass', 'string', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
      AGE,
      col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
    ],
    cells(o, now) {
      const sp = spec(o);
      const st = status(o);
      const phase = o.metadata?.deletionTimestamp ? 'Terminating' : st.phase ?? '';
      const bound = !!sp.volumeName;
      return [phase, sp.volumeName ?? '', bound ? st.capacity?.storage ?? '' : '', bound ? accessModes(st.accessModes) : '',
        sp.storageClassName ?? '', sp.volumeAttributesClassName ?? '<unset>', age(o, now), sp.volumeMode ?? '<unset>'];
    },
  },
  ResourceQuota: {
    nameColumn: true,
    columns: [AGE, col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
    cells: (o, now) => [age(o, now), quotaSummary(o, false), quotaSummary(o, true)],
  },
  Ingress: {
    nameColumn: true,
    columns: [
      col('Class', 'string', 'The name of the IngressClass resource that should be used for this Ingress.'),
      col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      col('Ports', 'string', 'Ports of TLS configurations that open'),
      AGE,
    ],
    cells(o, now) {
      const sp = spec(o);
      const ing: Any[] = list(status(o).loadBalancer?.ingress);
      const address = ing.map((i) => i.ip || i.hostname).filter(Boolean).join(',');
      return [none(sp.ingressClassName), ingressHosts(o), address, list(sp.tls).length ? '80, 443' : '80', age(o, now)];
    },
  },
  IngressClass: {
    nameColumn: true,
    columns: [col('Controller', 'string', 'Controller that is responsible for handling this class'),
      col('Parameters', 'string', 'A reference to a resource with additional parameters'), AGE],
    cells(o, now) {
      const p: Any | undefined = spec(o).parameters;
      const params = p ? `${p.apiGroup ? `${p.kind}.${p.apiGroup}` : p.kind}/${p.name}` : '<none>';
      return [spec(o).controller ?? '', params, age(o, now)];
    },
  },
  NetworkPolicy: {
    nameColumn: true,
    columns: [col('Pod-Selector', 'string', 'Label selector of the pods the policy applies to.'), AGE],
    cells: (o, now) => [selectorCell(spec(o).podSelector), age(o, now)],
  },
  Lease: {
    nameColumn: true,
    columns: [col('Holder', 'string', 'The holder of the lease.'), AGE],
    cells: (o, now) => [spec(o).holderIdentity ?? '', age(o, now)],
  },
  RoleBinding: roleBinding(),
  ClusterRoleBinding: roleBinding(),
};

function roleBinding(): TableLayout {
  return {
    nameColumn: true,
    columns: [
      col('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      AGE,
      col('Users', 'string', 'Users in the roleBinding', 1),
      col('Groups', 'string', 'Groups in the roleBinding', 1),
      col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
    ],
    cells(o, now) {
      const ref: Any = (o as Any).roleRef ?? {};
      return [`${ref.kind ?? ''}/${ref.name ?? ''}`, age(o, now), rbacSubjects(o, 'User'), rbacSubjects(o, 'Group'), rbacSubjects(o, 'ServiceAccount')];
    },
  };
}

export function tableLayout(kind: string): TableLayout {
  return LAYOUTS[kind] ?? CREATED_AT;
}
