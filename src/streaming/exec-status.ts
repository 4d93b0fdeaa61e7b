/**
 * What goes on the error channel when an exec/attach session ends, per protocol version:
 * v4 and v5 carry a JSON metav1.Status (kubectl turns `NonZeroExitCode` + cause `ExitCode` into its
 * own exit code); v1–v3 carry only the text of a failure and nothing on success.
 */
import { statusFor } from '../apiserver/status.js';
import type { ExecResult } from './types.js';

export type ExecOutcome = { result: ExecResult } | { error: unknown };

export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: unknown;
  code?: number;
}

export function execStatus(outcome: ExecOutcome, command: string[]): ExecStatus {
  if ('error' in outcome) {
    const s = statusFor(outcome.error);
    return { metadata: {}, status: 'Failure', message: s.message, reason: s.reason, ...(s.details ? { details: s.details } : {}), code: s.code };
  }
  const { exitCode, message } = outcome.result;
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  const what = command.length ? `error executing command [${command.join(' ')}], exit code ${exitCode}` : `exit code ${exitCode}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${message ?? what}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The error channel's bytes for `version` (a channel protocol name), or null when nothing is sent. */
export function encodeExecStatus(status: ExecStatus, version: string): Buffer | null {
  if (version.startsWith('v4.') || version.startsWith('v5.')) return Buffer.from(JSON.stringify(status));
  return status.status === 'Success' ? null : Buffer.from(status.message ?? 'unknown error');
}
