/** The two ways a requested revision can be out of reach, worded as the Kubernetes API server words them. */
import { BosunError } from '../errors/index.js';

/** Below the compacted history: the client must re-list (HTTP 410). */
export function gone(revision: number, compacted: number): BosunError {
  return new BosunError('Gone', `too old resource version: ${revision} (${compacted})`);
}

/** Above anything the store has produced (HTTP 504, as Kubernetes answers "Too large resource version"). */
export function tooLarge(requested: number, current: number): BosunError {
  return new BosunError('Timeout', `Too large resource version: ${requested}, current: ${current}`);
}
