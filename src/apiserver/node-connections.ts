/**
 * How the API server reaches node agents for what only a node can serve: pods/exec, pods/attach,
 * pods/portforward and pods/log. The real API server dials the kubelet's HTTPS port; here a node
 * agent in the same process registers itself directly, and a remote agent can later implement the
 * same two calls over its own connection.
 */
import type { PodLogOptions, StreamTarget } from '../streaming/index.js';

export type { PodLogOptions } from '../streaming/index.js';

/** One node as the API server sees it. Errors are BosunErrors; their kind becomes the Status. */
export interface NodeConnection {
  /** The pod's exec/attach/port-forward target; NotFound when the node does not run the pod. */
  target(namespace: string, pod: string): StreamTarget;
  /**
   * The container's log. Settles once the node has accepted the request, before any byte, so a
   * refusal (unknown pod, container still waiting) can still become an HTTP Status.
   */
  logs(namespace: string, pod: string, opts: PodLogOptions): Promise<AsyncIterable<Buffer>>;
}

export interface NodeConnections {
  node(nodeName: string): NodeConnection | undefined;
}
