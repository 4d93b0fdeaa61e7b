/**
 * Per-key serialization: operations on one key run one after another in call order, operations on
 * different keys run concurrently. The network uses it per container key, so a detach can never
 * overtake the attach it undoes while a hundred containers attach side by side.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const p = prev.then(fn, fn);
    const tail = p.catch(() => undefined);
    this.tails.set(key, tail);
    // The map only holds keys with work pending, or it would grow with every container ever seen.
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return p;
  }
}
