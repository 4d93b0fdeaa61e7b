/**
 * A pod's status as the kubelet reports it, computed from the agent's record of the pod: phase
 * (Kubernetes' getPhase rules), the four conditions with transition times kept from the previous
 * status, container statuses with state/lastState/restartCount/ready/started, IPs and qosClass.
 */
import { parseQuantity } from '../api/index.js';
import type { ContainerRecord, PodRecord } from './layout.js';
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from './types.js';

const stamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l !== undefined || q !== undefined) any = true;
      if (l === undefined || q === undefined || parseQuantity(l) !== parseQuantity(q)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function containerStatus(c: Container, r: ContainerRecord | undefined): ContainerStatus {
  const image = c.image ?? '';
  if (!r) return { name: c.name, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image, imageID: '', started: false };
  let state: ContainerState;
  if (r.phase === 'running') state = { running: { startedAt: r.startedAt } };
  else if (r.phase === 'exited') {
    state = { terminated: { exitCode: r.exitCode ?? 0, reason: r.reason, ...(r.message ? { message: r.message } : {}), startedAt: r.startedAt, finishedAt: r.finishedAt, containerID: r.id ? `bosun://${r.id}` : undefined } };
  } else state = { waiting: { reason: r.reason ?? 'ContainerCreating', ...(r.message ? { message: r.message } : {}) } };
  const s: ContainerStatus = {
    name: c.name, state, lastState: r.last ? { terminated: r.last } : {}, ready: r.phase === 'running' && r.ready,
    restartCount: r.restartCount, image: r.image || image, imageID: r.imageID, started: r.phase === 'running' && r.started,
  };
  const id = r.id ?? r.last?.containerID?.replace(/^bosun:\/\//, '');
  if (id) s.containerID = `bosun://${id}`;
  return s;
}

function condition(prev: PodCondition[] | undefined, type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  const c: PodCondition = { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : stamp() };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

function phase(pod: Pod, rec: PodRecord, initDone: boolean): NonNullable<PodStatus['phase']> {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const inits = (pod.spec.initContainers ?? []).map((c) => rec.containers[`init:${c.name}`]);
  if (inits.some((r) => r?.phase === 'exited' && r.exitCode !== 0) && policy === 'Never') return 'Failed';
  if (!initDone) return 'Pending';
  const apps = pod.spec.containers.map((c) => rec.containers[`app:${c.name}`]);
  let running = 0, waitingFresh = 0, succeeded = 0, failed = 0, restarting = 0;
  for (const r of apps) {
    if (!r || (r.phase === 'waiting' && !r.last)) waitingFresh++;
    else if (r.phase === 'running') running++;
    else if (r.phase === 'waiting') restarting++;
    else if (r.exitCode === 0) succeeded++;
    else failed++;
  }
  if (waitingFresh) return 'Pending';
  if (running || restarting) return 'Running';
  if (policy === 'Always') return 'Running';
  if (failed === 0) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}

export interface StatusInput { pod: Pod; rec: PodRecord; hostIP: string }

export function podStatus({ pod, rec, hostIP }: StatusInput): PodStatus {
  const prev = pod.status?.conditions;
  const initContainers = pod.spec.initContainers ?? [];
  const initStatuses = initContainers.map((c) => containerStatus(c, rec.containers[`init:${c.name}`]));
  const pendingInit = initContainers.filter((c) => { const r = rec.containers[`init:${c.name}`]; return !(r?.phase === 'exited' && r.exitCode === 0); }).map((c) => c.name);
  const initDone = pendingInit.length === 0;
  const statuses = pod.spec.containers.map((c) => {
    const s = containerStatus(c, rec.containers[`app:${c.name}`]);
    if (!initDone && !rec.containers[`app:${c.name}`]) s.state = { waiting: { reason: 'PodInitializing' } };
    return s;
  });
  const ph = phase(pod, rec, initDone);
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const done = ph === 'Succeeded' || ph === 'Failed';
  const ready = !done && unready.length === 0;
  const readyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const status: PodStatus = {
    phase: ph,
    conditions: [
      condition(prev, 'Initialized', initDone, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.join(' ')}]`),
      condition(prev, 'Ready', ready, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : readyMsg),
      condition(prev, 'ContainersReady', ready, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : readyMsg),
      condition(prev, 'PodScheduled', true),
    ],
    hostIP, hostIPs: [{ ip: hostIP }],
    startTime: rec.startTime,
    containerStatuses: statuses,
    qosClass: qosClass(pod),
  };
  if (initContainers.length) status.initContainerStatuses = initStatuses;
  // A finished pod keeps reporting the IP it had, as the kubelet does.
  const ip = rec.sandbox?.ip ?? rec.lastIP;
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  return status;
}
