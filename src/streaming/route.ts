/**
 * Which streaming subresource a request path names, so the API server's `upgrade` listener (and its
 * plain request handler, which must refuse these without an upgrade) can recognise them.
 */
import { badRequest, type BosunError } from '../errors/index.js';
import type { StreamKind } from './types.js';

export interface StreamingRoute {
  namespace: string;
  pod: string;
  kind: StreamKind;
}

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

export function parseStreamingPath(pathname: string): StreamingRoute | undefined {
  const m = PATH.exec(pathname);
  if (!m) return undefined;
  return { namespace: decodeURIComponent(m[1]!), pod: decodeURIComponent(m[2]!), kind: m[3] as StreamKind };
}

/** What the API server answers a streaming subresource requested without an upgrade. */
export function upgradeRequired(kind: StreamKind): BosunError {
  return badRequest(`Upgrade request required: ${kind} needs a WebSocket or SPDY/3.1 upgrade`);
}
