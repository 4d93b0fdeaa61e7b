/**
 * The one place BosunErrors become Kubernetes `Status` objects (meta/v1), the form kubectl prints as
 * `Error from server (<reason>): <message>`.
 */
import { BosunError, httpStatus, toBosunError, type ErrorKind } from '../errors/index.js';

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code: number;
}

/** Kubernetes' StatusReason for each kind (metav1.StatusReason*). */
function reason(kind: ErrorKind): string {
  switch (kind) {
    case 'Gone': return 'Expired';
    case 'TooLarge': return 'RequestEntityTooLarge';
    case 'Internal': return 'InternalError';
    case 'Unavailable': return 'ServiceUnavailable';
    case 'NotModified': return 'NotModified';
    default: return kind;
  }
}

export function statusFor(err: unknown): Status {
  const e = toBosunError(err);
  const details: Record<string, unknown> = {};
  if (e.details?.name !== undefined) details.name = e.details.name;
  if (e.details?.group !== undefined) details.group = e.details.group;
  if (e.details?.kind !== undefined) details.kind = e.details.kind;
  if (e.details?.uid !== undefined) details.uid = e.details.uid;
  if (e.causes?.length) details.causes = e.causes;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: reason(e.kind),
    ...(Object.keys(details).length ? { details } : {}),
    code: httpStatus(e.kind),
  };
}

export function successStatus(details?: Record<string, unknown>): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}

/** "deployments.apps" as the real server spells a resource in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function errNotFound(resource: string, group: string, name: string): BosunError {
  return new BosunError('NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { details: { name, group, kind: resource } });
}
