/**
 * Records core/v1 Events the way client-go's recorder does, so `kubectl describe` and
 * `kubectl get events` read them: the name is `<object>.<hex nanoseconds>`, the event lives in the
 * object's namespace (`default` for cluster-scoped objects such as Nodes), and a repeat of the same
 * (object, type, reason, message) bumps `count` and `lastTimestamp` of the first event instead of
 * creating another. Recording is fire-and-forget: a lost event must never fail a sync.
 */
import type { KObject } from '../../api/index.js';
import { isKind } from '../../errors/index.js';
import type { ControllerClient } from './client.js';
import { resources } from '../../client/index.js';

const MAX_CORRELATED = 4096;

export interface EventSink {
  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const timestamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder implements EventSink {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(private readonly client: ControllerClient, private readonly component: string, private readonly host?: string) {}

  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.record(obj, type, reason, message).catch(() => undefined);
  }

  private async record(obj: KObject, type: string, reason: string, message: string): Promise<void> {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    const corr = `${m.uid}\x00${type}\x00${reason}\x00${message}`;
    const now = timestamp();
    const prior = this.seen.get(corr);
    if (prior) {
      prior.count++;
      try {
        await this.client.patch(resources.events, prior.name, { count: prior.count, lastTimestamp: now }, 'merge', { namespace: prior.namespace });
        return;
      } catch (err) {
        if (!isKind(err, 'NotFound')) throw err;
        this.seen.delete(corr);
      }
    }
    const name = `${m.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    const ev: KObject = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion, kind: obj.kind, name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion,
      },
      reason, message, type,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: this.component, reportingInstance: this.host ?? '',
    };
    await this.client.create(resources.events, ev, { namespace });
    if (this.seen.size >= MAX_CORRELATED) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(corr, { name, namespace, count: 1 });
  }
}
