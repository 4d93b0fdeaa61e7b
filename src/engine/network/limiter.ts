/**
 * A counting semaphore (FIFO). CNI plugin runs go through one: a burst of a hundred pods would
 * otherwise start a hundred bridge + host-local process pairs at once, which on a small machine
 * only makes every one of them finish last; a bounded pool lets the early ones finish early.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so `active` never drops and rises again.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
