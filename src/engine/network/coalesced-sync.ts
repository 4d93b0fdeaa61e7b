/**
 * Coalescing of a level-triggered sync (the iptables rule rebuild): every caller gets a promise
 * that settles after a run that *started* after its call, so it sees the caller's change; calls
 * arriving while one run is in flight share the single run queued behind it. A hundred concurrent
 * attaches publishing ports thus cost two or three `iptables-restore` runs, not a hundred, and runs
 * never overlap, so an older snapshot can never be applied after a newer one.
 */
export class CoalescedSync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly sync: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued) return this.queued;
    const prev = this.running ?? Promise.resolve();
    const run: Promise<void> = prev
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.running = run;
        return this.sync();
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.queued = run;
    return run;
  }
}
