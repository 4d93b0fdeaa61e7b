/**
 * Field errors in Kubernetes' own form (k8s.io/apimachinery/pkg/util/validation/field): a path such as
 * `spec.containers[0].image`, a reason (FieldValueRequired, FieldValueInvalid, …) and the message the
 * real server prints after the path (`Invalid value: "x": detail`).
 */
import type { FieldCause } from '../errors/index.js';

/** Go's %q / %d / %#v rendering of the offending value, approximated with JSON for composites. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return 'null';
  return JSON.stringify(v);
}

export class FieldErrors {
  readonly list: FieldCause[] = [];

  required(field: string, detail = ''): void {
    this.list.push({ field, reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value' });
  }

  invalid(field: string, value: unknown, detail: string): void {
    this.list.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${formatValue(value)}: ${detail}` });
  }

  /** One Invalid per message, as ValidateNameFunc results are reported. */
  invalidAll(field: string, value: unknown, details: string[]): void {
    for (const d of details) this.invalid(field, value, d);
  }

  notSupported(field: string, value: unknown, supported: string[]): void {
    const list = supported.map((s) => JSON.stringify(s)).join(', ');
    this.list.push({ field, reason: 'FieldValueNotSupported', message: `Unsupported value: ${formatValue(value)}: supported values: ${list}` });
  }

  forbidden(field: string, detail: string): void {
    this.list.push({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
  }

  duplicate(field: string, value: unknown): void {
    this.list.push({ field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${formatValue(value)}` });
  }

  notFound(field: string, value: unknown): void {
    this.list.push({ field, reason: 'FieldValueNotFound', message: `Not found: ${formatValue(value)}` });
  }

  tooLong(field: string, max: number): void {
    this.list.push({ field, reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes` });
  }
}

/** Renders causes the way the server's Status message lists them: `path: message`. */
export function formatCauses(causes: FieldCause[]): string {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
}
