/**
 * CrashLoopBackOff timing, the kubelet's: a container's first exit is restarted at once; after
 * that each restart waits, 10 s first and doubling up to 5 min; a run that lasted 10 min starts
 * the sequence over.
 */
export const BACKOFF_INITIAL_SEC = 10;
export const BACKOFF_MAX_SEC = 300;
export const BACKOFF_RESET_MS = 10 * 60_000;

export interface BackoffState {
  /** The wait before the next restart once this one ends (unset: never exited yet). */
  backoffSec?: number;
  /** End of the wait currently in force (ms since epoch). */
  backoffUntil?: number;
}

/** Records an exit at `finishedMs` of a run that began at `startedMs`. */
export function backoffOnExit(s: BackoffState, startedMs: number, finishedMs: number, initialSec = BACKOFF_INITIAL_SEC): void {
  if (s.backoffSec === undefined || finishedMs - startedMs >= BACKOFF_RESET_MS) {
    s.backoffSec = initialSec;
    s.backoffUntil = undefined;
    return;
  }
  s.backoffUntil = finishedMs + s.backoffSec * 1000;
}

/** Records a restart: a wait that was served doubles for the next time. */
export function backoffOnRestart(s: BackoffState): void {
  if (s.backoffUntil === undefined) return;
  s.backoffSec = Math.min((s.backoffSec ?? BACKOFF_INITIAL_SEC) * 2, BACKOFF_MAX_SEC);
  s.backoffUntil = undefined;
}

/** Milliseconds left in the current wait (0: a restart may happen now). */
export function backoffRemaining(s: BackoffState, now = Date.now()): number {
  return s.backoffUntil === undefined ? 0 : Math.max(0, s.backoffUntil - now);
}
