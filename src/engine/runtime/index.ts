/** The container runtime: runc driven through conmon (see types.ts for the lifecycle). */
export type { Runtime, CreateOptions, ExecOptions, ExecHandle, RuntimeStatus } from './types.js';
export { RuncRuntime, runcMessage } from './runc-runtime.js';
export { buildSpec, processSpec, capabilities, unknownCaps, DEFAULT_CAPS, type SpecInput, type SpecMount } from './oci-spec.js';
export { readLog, logSize, parseRecord, rfc3339ToSeconds, type LogRecord, type ReadLogOptions } from './cri-log.js';
