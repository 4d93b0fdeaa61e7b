/**
 * The worker half of every controller: `workers` loops take keys from the queue and run
 * `sync(key)`. A failed sync is retried with the key's exponential back-off; a successful one
 * resets it. Conflicts are the normal outcome of optimistic concurrency (someone wrote first), so
 * they are retried without being logged.
 */
import { isKind } from '../../errors/index.js';
import type { ControllerClient } from './client.js';
import type { EventSink } from './events.js';
import type { SharedInformerFactory } from './informer.js';
import type { WorkQueue } from './workqueue.js';

/** What every controller's `start(client, opts)` accepts. */
export interface ControllerOptions {
  /** Informers shared with the other controllers of the process; a private factory otherwise. */
  informers?: SharedInformerFactory;
  workers?: number;
  events?: EventSink;
  log?: (msg: string) => void;
  /** Clock for minReadySeconds and deadlines (tests move it). */
  now?: () => number;
}

export interface RunningController {
  /** Resolves once the controller's informers have listed their collections. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function runWorkers(name: string, queue: WorkQueue, sync: (key: string) => Promise<void>, workers = 1,
  log: (msg: string) => void = (m) => console.error(m)): Promise<void> {
  const one = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        if (!isKind(err, 'Conflict') && !isKind(err, 'NotFound') && !isKind(err, 'AlreadyExists')) {
          log(`${name}: sync ${key}: ${(err as Error).message}`);
        }
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  return Promise.all(Array.from({ length: workers }, one)).then(() => undefined);
}

/**
 * Starts `informers` (when the controller owns them), runs workers once every informer has
 * listed, and returns the handle `stop()` tears it down with. Stopping before the first list
 * completes is fine: the workers then never start.
 */
export function launch(name: string, informers: SharedInformerFactory, ownInformers: boolean, queue: WorkQueue,
  sync: (key: string) => Promise<void>, opts: ControllerOptions): RunningController {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  informers.start();
  const ready = informers.waitForSync();
  const workers = Promise.race([ready.then(() => true), stopped.then(() => false)])
    .then((go) => (go ? runWorkers(name, queue, sync, opts.workers ?? 2, opts.log) : undefined));
  return {
    ready,
    async stop() {
      queue.shutDown();
      stop();
      if (ownInformers) await informers.stop();
      await workers;
    },
  };
}

/**
 * Resolves when every queue given is idle — nothing queued, nothing running, no retry due within
 * half a second (long requeues such as progress deadlines are not waited for). Tests call it
 * between steps.
 */
export async function settle(queues: WorkQueue[]): Promise<void> {
  // A controller that never stops requeueing is a bug the caller's test should report, not hang on.
  const giveUp = Date.now() + 10_000;
  for (let calm = 0; calm < 3;) {
    if (Date.now() > giveUp) throw new Error('work queues did not settle: a controller keeps requeueing');
    const retrying = queues.some((q) => !q.idle(500) && q.idle());
    await new Promise((r) => (retrying ? setTimeout(r, 5) : setImmediate(r)));
    if (queues.every((q) => q.idle(500))) calm++;
    else calm = 0;
  }
}

export type { ControllerClient };
