/** kubectl's streaming protocols, server side: see upgrade.ts for the transports and types.ts for the target contract. */
import type { handleUpgrade as HandleUpgrade } from './upgrade.js';

export { rejectUpgrade } from './reject-upgrade.js';

/**
 * The transports (and the WebSocket library under them) load with the first exec, attach or
 * port-forward: a server nobody streams from does not keep them in memory.
 */
export async function handleUpgrade(...args: Parameters<typeof HandleUpgrade>): ReturnType<typeof HandleUpgrade> {
  return (await import('./upgrade.js')).handleUpgrade(...args);
}
export { parseStreamingPath, upgradeRequired, type StreamingRoute } from './route.js';
export type { AttachOptions, ExecOptions, ExecResult, PodLogOptions, StreamIO, StreamKind, StreamTarget, TerminalSize } from './types.js';
