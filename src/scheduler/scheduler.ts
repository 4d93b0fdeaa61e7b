/**
 * The scheduler: every pod without a node whose schedulerName is ours is queued by
 * `namespace/name`; `sync` filters the nodes, scores the feasible ones and binds the pod to the
 * best through `pods/binding`. A pod bound here is "assumed" on its node until the informer shows
 * the binding, so pods scheduled back to back see each other's requests. A pod that fits nowhere
 * gets a FailedScheduling event and PodScheduled=False (reason Unschedulable) with the same
 * message, and is retried when nodes change, when a bound pod goes away, or after a while.
 */
import { isKind } from '../errors/index.js';
import { resources } from '../client/index.js';
import {
  EventRecorder, keyOf, splitKey, WorkQueue, type ControllerClient, type ControllerOptions, type EventSink, type Informer,
} from '../controllers/framework/index.js';
import { DEFAULT_FILTERS, fitErrorMessage, runFilters, type Filter, type FilterResult } from './filters.js';
import { NodeInfo, type Node, type Pod } from './node-info.js';
import { pickNode } from './scoring.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** How long an unschedulable pod waits for a retry when no event gives it a reason sooner. */
export const UNSCHEDULABLE_RETRY_MS = 60_000;
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

export interface SchedulerOptions extends ControllerOptions {
  schedulerName?: string;
  filters?: Filter[];
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class Scheduler {
  readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 10_000 });
  private readonly assumed = new Map<string, { node: string; pod: Pod }>();
  private readonly unschedulable = new Set<string>();
  private readonly events: EventSink;
  private readonly now: () => number;
  private readonly schedulerName: string;
  private readonly filters: Filter[];

  constructor(private readonly client: ControllerClient, private readonly pods: Informer<Pod>, private readonly nodes: Informer<Node>, opts: SchedulerOptions = {}) {
    this.events = opts.events ?? new EventRecorder(client, 'default-scheduler');
    this.now = opts.now ?? Date.now;
    this.schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.filters = opts.filters ?? DEFAULT_FILTERS;
    pods.addHandlers({
      add: (p) => this.podChanged(undefined, p),
      update: (old, p) => this.podChanged(old, p),
      delete: (p) => {
        this.assumed.delete(keyOf(p));
        this.unschedulable.delete(keyOf(p));
        if (p.spec?.nodeName) this.retryUnschedulable();
      },
    });
    // Heartbeats rewrite node status every few seconds; only what filters read is worth a retry.
    const fitFacts = (n: Node) => JSON.stringify([n.metadata?.labels, n.spec, n.status?.allocatable]);
    nodes.addHandlers({
      add: () => this.retryUnschedulable(),
      update: (old, n) => {
        if (fitFacts(old) !== fitFacts(n)) this.retryUnschedulable();
      },
    });
  }

  private needsScheduling(p: Pod): boolean {
    return !p.spec?.nodeName && (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName
      && !p.metadata?.deletionTimestamp && !terminal(p);
  }

  private podChanged(old: Pod | undefined, p: Pod): void {
    const key = keyOf(p);
    if (p.spec?.nodeName) {
      this.assumed.delete(key);
      // A bound pod finishing frees its node's resources.
      if (old && !terminal(old) && terminal(p)) this.retryUnschedulable();
      return;
    }
    if (this.needsScheduling(p) && !this.unschedulable.has(key)) this.queue.add(key);
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) this.queue.add(key);
  }

  /** Node views with bound and assumed pods counted. */
  snapshot(): NodeInfo[] {
    const infos = new Map<string, NodeInfo>();
    for (const n of this.nodes.store.list()) infos.set(n.metadata!.name!, new NodeInfo(n));
    for (const p of this.pods.store.list()) {
      if (!p.spec?.nodeName || terminal(p)) continue;
      infos.get(p.spec.nodeName)?.addPod(p);
    }
    for (const [key, a] of this.assumed) {
      const cached = this.pods.store.get(key);
      if (cached?.spec?.nodeName) continue;
      infos.get(a.node)?.addPod(a.pod);
    }
    return [...infos.values()];
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.store.getByName(namespace, name);
    if (!pod || !this.needsScheduling(pod)) {
      this.unschedulable.delete(key);
      return;
    }
    if (this.assumed.has(key)) return;
    const infos = this.snapshot();
    const results: FilterResult[] = [];
    const feasible: NodeInfo[] = [];
    for (const ni of infos) {
      const r = runFilters(pod, ni, this.filters);
      if (r) results.push(r);
      else feasible.push(ni);
    }
    const best = pickNode(pod, feasible);
    if (!best) {
      this.unschedulable.add(key);
      await this.recordUnschedulable(pod, infos.length === 0 ? NO_NODES_MESSAGE : fitErrorMessage(infos.length, results));
      this.queue.addAfter(key, UNSCHEDULABLE_RETRY_MS);
      return;
    }
    this.unschedulable.delete(key);
    this.assumed.set(key, { node: best.name, pod });
    try {
      await this.client.request('POST', this.client.path(resources.pods, namespace, name, 'binding'), {
        apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: pod.metadata?.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: best.name },
      });
    } catch (err) {
      this.assumed.delete(key);
      // Bound meanwhile (by someone else) or gone: nothing left to do.
      if (isKind(err, 'Conflict') || isKind(err, 'NotFound')) return;
      throw err;
    }
    this.events.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${best.name}`);
  }

  private async recordUnschedulable(pod: Pod, message: string): Promise<void> {
    this.events.event(pod, 'Warning', 'FailedScheduling', message);
    const conditions = pod.status?.conditions ?? [];
    const cur = conditions.find((c) => c.type === 'PodScheduled');
    if (cur?.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message) return;
    const cond = {
      type: 'PodScheduled', status: 'False', lastProbeTime: null,
      lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : stamp(this.now()), reason: 'Unschedulable', message,
    };
    try {
      await this.client.update(resources.pods, {
        ...pod, status: { ...(pod.status ?? {}), conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), cond] },
      }, { subresource: 'status' });
    } catch (err) {
      if (!isKind(err, 'NotFound') && !isKind(err, 'Conflict')) throw err;
    }
  }
}
