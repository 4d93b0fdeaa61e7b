/**
 * The resize channel carries a stream of JSON objects `{"Width":W,"Height":H}` (Go's json.Encoder,
 * so usually newline-separated, but SPDY DATA and WebSocket messages may split or merge them). This
 * turns those bytes into an async iterable of sizes that ends with the session.
 */
import type { TerminalSize } from './types.js';

export class TerminalSizeQueue implements AsyncIterable<TerminalSize> {
  private pending = '';
  private readonly sizes: TerminalSize[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  push(bytes: Buffer): void {
    this.pending += bytes.toString('utf8');
    // Sizes hold no nested objects or braces in strings, so an object ends at the first '}'.
    for (let end = this.pending.indexOf('}'); end >= 0; end = this.pending.indexOf('}')) {
      const start = this.pending.indexOf('{');
      const text = start >= 0 && start < end ? this.pending.slice(start, end + 1) : '';
      this.pending = this.pending.slice(end + 1);
      const size = parseSize(text);
      if (size) this.sizes.push(size);
    }
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TerminalSize> {
    for (;;) {
      const next = this.sizes.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
}

/** A malformed object is skipped, as kubelet's decoder loop does not end the session over it. */
function parseSize(text: string): TerminalSize | undefined {
  try {
    const v = JSON.parse(text) as { Width?: unknown; Height?: unknown };
    const width = Number(v.Width);
    const height = Number(v.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) return undefined;
    return { width, height };
  } catch {
    return undefined;
  }
}
