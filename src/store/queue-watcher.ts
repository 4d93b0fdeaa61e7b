/**
 * A Watcher fed by pushes from a store's write path. Buffering is bounded: a consumer that falls
 * more than `maxBuffered` events behind is failed with Gone (as Kubernetes' watch cache terminates
 * slow watchers) instead of letting the queue grow without limit; the client re-lists and
 * re-watches.
 */
import { BosunError } from '../errors/index.js';
import type { WatchEvent, Watcher } from './types.js';

export class QueueWatcher implements Watcher {
  private queue: WatchEvent[] = [];
  private head = 0;
  /** Seed events still queued (always at the front). */
  private seeded = 0;
  private waiting: { resolve: (r: IteratorResult<WatchEvent>) => void; reject: (e: unknown) => void } | null = null;
  private error: unknown = null;
  private closed = false;
  private readonly onClose: () => void;
  private readonly storeRevision: () => number;

  /**
   * @param storeRevision the revision the feeding store has pushed everything up to, for progress()
   */
  constructor(maxBuffered: number, onClose?: () => void, storeRevision?: () => number);
  constructor(
    private readonly maxBuffered: number,
    onClose: () => void = () => {},
    storeRevision: () => number = () => 0,
  ) {
    this.onClose = onClose;
    this.storeRevision = storeRevision;
  }

  progress(): number {
    if (this.done || this.head < this.queue.length) return 0;
    return this.storeRevision();
  }

  get done(): boolean {
    return this.closed || this.error !== null;
  }

  /**
   * Queues an event of the watch's starting replay (the current state for a watch from 0, or
   * the history after its start revision). The replay is bounded by the store's own size and
   * history window, so it doesn't count against the buffer: only live events can make a watcher
   * "too far behind".
   */
  seed(ev: WatchEvent): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value: ev, done: false });
      return;
    }
    this.seeded++;
    this.queue.push(ev);
  }

  push(ev: WatchEvent): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value: ev, done: false });
      return;
    }
    if (this.queue.length - this.head - this.seeded >= this.maxBuffered) {
      this.fail(new BosunError('Gone', `watcher fell more than ${this.maxBuffered} events behind`));
      return;
    }
    this.queue.push(ev);
  }

  /** Ends the watch with an error; events already queued are dropped, as a Gone watch is re-listed anyway. */
  fail(err: unknown): void {
    if (this.done) return;
    this.error = err;
    this.queue = [];
    this.head = 0;
    this.seeded = 0;
    this.onClose();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.reject(err);
    }
  }

  close(): void {
    if (this.closed) return;
    const wasDone = this.done;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.seeded = 0;
    if (!wasDone) this.onClose();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    if (this.head < this.queue.length) {
      const ev = this.queue[this.head++]!;
      if (this.seeded > 0) this.seeded--;
      // Compact the array once the consumed head dominates, so a long-lived watcher doesn't leak.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value: ev, done: false });
    }
    if (this.error !== null) return Promise.reject(this.error);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    if (this.waiting) return Promise.reject(new BosunError('Internal', 'concurrent next() on one watcher'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }
}
