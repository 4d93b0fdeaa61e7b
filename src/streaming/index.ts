/** kubectl's streaming protocols, server side: see upgrade.ts for the transports and types.ts for the target contract. */
export { handleUpgrade, rejectUpgrade } from './upgrade.js';
export { parseStreamingPath, upgradeRequired, type StreamingRoute } from './route.js';
export type { AttachOptions, ExecOptions, ExecResult, PodLogOptions, StreamIO, StreamKind, StreamTarget, TerminalSize } from './types.js';
