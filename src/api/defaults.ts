/**
 * Defaulting as the Kubernetes API server applies it on create and update (pkg/apis/<group>/v1/defaults.go).
 */
import type { KObject } from './types.js';

export function defaultsFor(_group: string, _kind: string): ((obj: KObject) => void) | undefined {
  return undefined;
}
