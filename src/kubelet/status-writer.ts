/**
 * Writes pod statuses through the pods/status subresource, batched: a pod marked dirty many times
 * before its turn is written once with its latest status, a status equal to the last one written
 * is not sent at all, and at most WRITERS requests are in flight, so a burst of 100 pods starting
 * never becomes a storm of writes. A merge patch replaces the lists (conditions, container
 * statuses) wholesale, which is what a status owner wants, and carries no resourceVersion, so
 * spec updates racing with it never conflict.
 */
import { isKind } from '../errors/index.js';
import { resources } from '../client/index.js';
import type { ControllerClient } from '../controllers/framework/index.js';
import type { PodStatus } from './types.js';

const WRITERS = 4;

export interface StatusSource {
  namespace: string;
  name: string;
  /** The status to write now, or undefined when the pod needs none (being removed). */
  status(): PodStatus | undefined;
}

export class StatusWriter {
  private readonly dirty = new Map<string, StatusSource>();
  private readonly written = new Map<string, string>();
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly client: ControllerClient, private readonly log: (msg: string) => void) {}

  mark(key: string, src: StatusSource): void {
    this.dirty.set(key, src);
    this.pump();
  }

  forget(key: string): void {
    this.dirty.delete(key);
    this.written.delete(key);
  }

  private pump(): void {
    for (const [key, src] of this.dirty) {
      if (this.inFlight >= WRITERS) break;
      // One write per pod at a time, so an older status can never land after a newer one.
      if (this.busy.has(key)) continue;
      this.dirty.delete(key);
      const status = src.status();
      if (!status) continue;
      const body = JSON.stringify(status);
      if (this.written.get(key) === body) continue;
      this.inFlight++;
      this.busy.add(key);
      this.client.patch(resources.pods, src.name, { status }, 'merge', { namespace: src.namespace, subresource: 'status' })
        .then(() => this.written.set(key, body))
        .catch((err) => {
          if (isKind(err, 'NotFound')) return;
          this.log(`pod ${key}: status update failed: ${(err as Error).message}`);
          // Retried with whatever is current by then.
          setTimeout(() => { if (!this.dirty.has(key)) this.mark(key, src); }, 1000).unref();
        })
        .finally(() => {
          this.inFlight--;
          this.busy.delete(key);
          this.pump();
        });
    }
    if (!this.inFlight && !this.dirty.size) for (const w of this.idle.splice(0)) w();
  }

  /** Resolves once nothing is pending (tests, shutdown). */
  flush(): Promise<void> {
    if (!this.inFlight && !this.dirty.size) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }
}
