/**
 * Docker's HEALTHCHECK: a command run inside a running container every Interval. Its exit code
 * decides State.Health — "starting" until the first success, "healthy" on a success, "unhealthy"
 * after Retries failures in a row; failures during StartPeriod do not count until one probe
 * succeeded. A probe running longer than Timeout counts as a failure with exit code -1. The last
 * five results are kept in Health.Log, their output cut to 4 KiB. Durations are nanoseconds on
 * the wire; zero means Docker's default.
 */

export interface HealthConfig {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface HealthResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthResult[];
}

const SECOND_NS = 1e9;
const DEFAULT_INTERVAL_NS = 30 * SECOND_NS;
const DEFAULT_TIMEOUT_NS = 30 * SECOND_NS;
const DEFAULT_START_INTERVAL_NS = 5 * SECOND_NS;
const DEFAULT_RETRIES = 3;
const MAX_LOG = 5;
const MAX_OUTPUT = 4096;

/** The command a Test runs, or undefined when there is no check (none configured, or NONE). */
export function healthCommand(test: string[] | null | undefined): string[] | undefined {
  if (!test?.length) return undefined;
  switch (test[0]) {
    case 'NONE': return undefined;
    case 'CMD': return test.length > 1 ? test.slice(1) : undefined;
    case 'CMD-SHELL': return test.length > 1 ? ['/bin/sh', '-c', test.slice(1).join(' ')] : undefined;
    // An image built by an old builder may carry the bare command.
    default: return test;
  }
}

/** One probe; undefined when it could not run now (a paused container) and nothing is recorded. */
export type Probe = (timeoutMs: number) => Promise<{ exitCode: number; output: string } | undefined>;

/** Runs the probes of one container run; `onChange` sees every new state (a result or a status). */
export class HealthMonitor {
  readonly state: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly startedAt = Date.now();
  private readonly intervalMs: number;
  private readonly startIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly startPeriodMs: number;
  private readonly retries: number;

  constructor(cfg: HealthConfig, private readonly probe: Probe, private readonly onChange: (state: HealthState, statusChanged: boolean) => void) {
    this.intervalMs = (cfg.Interval || DEFAULT_INTERVAL_NS) / 1e6;
    this.startIntervalMs = (cfg.StartInterval || DEFAULT_START_INTERVAL_NS) / 1e6;
    this.timeoutMs = (cfg.Timeout || DEFAULT_TIMEOUT_NS) / 1e6;
    this.startPeriodMs = (cfg.StartPeriod ?? 0) / 1e6;
    this.retries = cfg.Retries || DEFAULT_RETRIES;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private inStartPeriod(): boolean {
    return Date.now() - this.startedAt < this.startPeriodMs;
  }

  private schedule(): void {
    if (this.stopped) return;
    // During the start period, until the first success, StartInterval paces the probes.
    const wait = this.inStartPeriod() && this.state.Status === 'starting' ? Math.min(this.startIntervalMs, this.intervalMs) : this.intervalMs;
    this.timer = setTimeout(() => void this.runOnce().finally(() => this.schedule()), wait);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    const start = new Date();
    let exitCode: number;
    let output: string;
    try {
      const r = await withTimeout(this.probe(this.timeoutMs), this.timeoutMs);
      if (!r) return;
      ({ exitCode, output } = r);
    } catch (err) {
      exitCode = -1;
      output = err instanceof ProbeTimeout ? `Health check exceeded timeout (${formatSeconds(this.timeoutMs)})` : (err as Error).message;
    }
    if (this.stopped) return;
    this.record({ Start: start.toISOString(), End: new Date().toISOString(), ExitCode: exitCode, Output: output.slice(0, MAX_OUTPUT) });
  }

  private record(result: HealthResult): void {
    const before = this.state.Status;
    this.state.Log = [...this.state.Log, result].slice(-MAX_LOG);
    if (result.ExitCode === 0) {
      this.state.Status = 'healthy';
      this.state.FailingStreak = 0;
    } else if (!(this.inStartPeriod() && before === 'starting')) {
      this.state.FailingStreak++;
      if (this.state.FailingStreak >= this.retries) this.state.Status = 'unhealthy';
    }
    this.onChange(this.state, this.state.Status !== before);
  }
}

class ProbeTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new ProbeTimeout()), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
