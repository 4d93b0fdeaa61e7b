/** kubectl's streaming protocols, server side: see upgrade.ts for the transports and types.ts for the target contract. */
export { handleUpgrade } from './upgrade.js';
export type { AttachOptions, ExecOptions, ExecResult, StreamIO, StreamKind, StreamTarget, TerminalSize } from './types.js';
