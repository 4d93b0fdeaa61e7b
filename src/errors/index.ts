/**
 * One error type for all of Bosun. Code branches on `kind`, never on message text; each wire
 * (Docker Engine API, Kubernetes Status, OCI distribution) maps kinds to its own form in one place.
 */
export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Gone'
  | 'NotModified'
  | 'TooLarge'
  | 'UnsupportedMediaType'
  | 'MethodNotAllowed'
  | 'Timeout'
  | 'Unavailable'
  | 'Internal';

/** A field-level problem, as Kubernetes reports it in Status.details.causes. */
export interface FieldCause {
  field: string;
  reason: string;
  message: string;
}

export interface ErrorOptions {
  /** What the error is about, e.g. {kind: 'deployments', group: 'apps', name: 'web'}. */
  details?: { kind?: string; group?: string; name?: string; uid?: string };
  causes?: FieldCause[];
  cause?: unknown;
}

export class BosunError extends Error {
  readonly kind: ErrorKind;
  readonly details?: ErrorOptions['details'];
  readonly causes?: FieldCause[];

  constructor(kind: ErrorKind, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BosunError';
    this.kind = kind;
    this.details = opts.details;
    this.causes = opts.causes;
  }
}

export const notFound = (message: string, opts?: ErrorOptions) => new BosunError('NotFound', message, opts);
export const alreadyExists = (message: string, opts?: ErrorOptions) => new BosunError('AlreadyExists', message, opts);
export const conflict = (message: string, opts?: ErrorOptions) => new BosunError('Conflict', message, opts);
export const invalid = (message: string, opts?: ErrorOptions) => new BosunError('Invalid', message, opts);
export const badRequest = (message: string, opts?: ErrorOptions) => new BosunError('BadRequest', message, opts);
export const internal = (message: string, opts?: ErrorOptions) => new BosunError('Internal', message, opts);

export function isKind(err: unknown, kind: ErrorKind): err is BosunError {
  return err instanceof BosunError && err.kind === kind;
}

/** HTTP status for a kind; shared by every HTTP wire so the mapping exists once. */
export function httpStatus(kind: ErrorKind): number {
  switch (kind) {
    case 'NotFound': return 404;
    case 'AlreadyExists': return 409;
    case 'Conflict': return 409;
    case 'Invalid': return 422;
    case 'BadRequest': return 400;
    case 'Unauthorized': return 401;
    case 'Forbidden': return 403;
    case 'Gone': return 410;
    case 'NotModified': return 304;
    case 'TooLarge': return 413;
    case 'UnsupportedMediaType': return 415;
    case 'MethodNotAllowed': return 405;
    case 'Timeout': return 504;
    case 'Unavailable': return 503;
    case 'Internal': return 500;
  }
}

/** Wraps anything thrown into a BosunError, keeping BosunErrors as they are. */
export function toBosunError(err: unknown): BosunError {
  if (err instanceof BosunError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BosunError('Internal', message, { cause: err });
}
