/**
 * The engine's event log, as `docker events` sees it: every component emits, the daemon streams.
 * A bounded history lets `--since` replay recent events without a disk log.
 */
export interface EngineEvent {
  Type: 'container' | 'image' | 'network' | 'volume';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** Legacy fields the docker CLI still prints for containers and images. */
  status?: string;
  id?: string;
  from?: string;
}

export type EventFilters = Record<string, string[]>;

const HISTORY = 1024;

export class EngineEvents {
  private readonly history: EngineEvent[] = [];
  private readonly listeners = new Set<(ev: EngineEvent) => void>();

  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    const ev: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      ev.status = action;
      ev.id = id;
      if (attributes.image) ev.from = attributes.image;
    }
    this.history.push(ev);
    if (this.history.length > HISTORY) this.history.shift();
    for (const l of this.listeners) l(ev);
    return ev;
  }

  /**
   * Replays history from `since` (unix seconds), then follows live events until `until` passes or
   * the signal aborts. Without since/until, only live events.
   */
  async *subscribe(opts: { since?: number; until?: number; filters?: EventFilters }, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const untilNs = opts.until !== undefined ? opts.until * 1e9 : Infinity;
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (ev: EngineEvent) => { queue.push(ev); wake?.(); };
    const onAbort = () => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort);
    try {
      if (opts.since !== undefined) {
        for (const ev of this.history) {
          if (ev.timeNano >= opts.since * 1e9 && ev.timeNano <= untilNs && matches(ev, opts.filters)) yield ev;
        }
        // History was just replayed: what the listener queued meanwhile is already in it.
        queue.length = 0;
      }
      while (!signal.aborted) {
        while (queue.length) {
          const ev = queue.shift()!;
          if (ev.timeNano > untilNs) return;
          if (matches(ev, opts.filters)) yield ev;
        }
        const left = untilNs === Infinity ? Infinity : untilNs / 1e6 - Date.now();
        if (left <= 0) return;
        // The timer is armed per wait, so it cannot fire while nobody is waiting and be lost;
        // +1 ms because timers may fire up to a millisecond early.
        await new Promise<void>((resolve) => {
          const timer = left === Infinity ? undefined : setTimeout(resolve, Math.ceil(left) + 1);
          wake = () => { if (timer) clearTimeout(timer); resolve(); };
        });
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** Docker's event filters: keys AND, values OR; `label` values must all match. */
export function matches(ev: EngineEvent, filters: EventFilters | undefined): boolean {
  if (!filters) return true;
  for (const [key, values] of Object.entries(filters)) {
    if (!values.length) continue;
    const attrs = ev.Actor.Attributes;
    switch (key) {
      case 'type': if (!values.includes(ev.Type)) return false; break;
      case 'event': if (!values.includes(ev.Action) && !values.some((v) => ev.Action.startsWith(`${v}:`))) return false; break;
      case 'container':
        if (ev.Type !== 'container' || !values.some((v) => ev.Actor.ID.startsWith(v) || attrs.name === v)) return false;
        break;
      case 'image': if (!values.some((v) => attrs.image === v || ev.Actor.ID === v)) return false; break;
      case 'network': if (ev.Type !== 'network' || !values.some((v) => ev.Actor.ID.startsWith(v) || attrs.name === v)) return false; break;
      case 'volume': if (ev.Type !== 'volume' || !values.includes(ev.Actor.ID)) return false; break;
      case 'label':
        for (const v of values) {
          const eq = v.indexOf('=');
          if (eq < 0 ? !(v in attrs) : attrs[v.slice(0, eq)] !== v.slice(eq + 1)) return false;
        }
        break;
      default: break;
    }
  }
  return true;
}
