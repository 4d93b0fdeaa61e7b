/**
 * The node agent (kubelet): Node registration and heartbeats, pod sandboxes and containers on the
 * engine's runtime, probes, status, and the per-pod streams kubectl reaches through the API server.
 */
export { startKubelet, type KubeletOptions, type RunningKubelet } from './kubelet.js';
export type { PodStreams, LogOptions } from './pod-streams.js';
export { POD_NETWORK_NAME, nodePodCidr } from './pod-network.js';
