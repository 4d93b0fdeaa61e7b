/**
 * The node agent: registers the Node, heartbeats, and runs the pods bound to it. It reaches the
 * cluster only through the client (so it can run on another machine) and the host only through
 * the engine's Runtime, ImageStore and Network.
 *
 * Start order: the pod network (its gateway is the node's InternalIP), the Node and its Lease,
 * re-adoption of every pod record on disk (containers still running are tracked, never
 * recreated; exits that happened while no agent ran are settled), then the pod informer (pods
 * with spec.nodeName = this node). Records of pods the API server no longer has are torn down
 * once the informer has synced.
 */
import { readFileSync } from 'node:fs';
import type { Pod } from './types.js';
import { resources } from '../client/index.js';
import { EventRecorder, Informer, type ControllerClient } from '../controllers/framework/index.js';
import type { Image, ImageStore } from '../engine/images/index.js';
import type { Network } from '../engine/network/index.js';
import { RuncRuntime, type Runtime } from '../engine/runtime/index.js';
import type { Instance } from '../server/instance.js';
import { BACKOFF_INITIAL_SEC } from './backoff.js';
import { hostInfo } from './host-info.js';
import { KubeletLayout } from './layout.js';
import { NodeRegistration } from './node-registration.js';
import { podStreams, type PodStreams } from './pod-streams.js';
import { ensurePodNetwork, nodePodCidr } from './pod-network.js';
import { PodWorker, Semaphore, type WorkerDeps } from './pod-worker.js';
import { StatusWriter } from './status-writer.js';

export interface KubeletOptions {
  instance: Instance;
  /** The typed client (src/client's KubeClient) or any ControllerClient. */
  client: ControllerClient;
  images: ImageStore;
  network: Network;
  /** Defaults to runc + conmon on the instance's run dirs (shared with the engine's containers). */
  runtime?: Runtime;
  /** Defaults to the host name. */
  nodeName?: string;
  /** Defaults to the API server's /version gitVersion. */
  kubeletVersion?: string;
  /** Registry pulls, once there is a registry client. */
  pull?: (ref: string) => Promise<Image>;
  /** First CrashLoopBackOff wait (tests shorten it). */
  backoffInitialSec?: number;
  clusterDomain?: string;
  log?: (msg: string) => void;
}

export interface RunningKubelet {
  nodeName: string;
  /** The node's pod CIDR and InternalIP (the pod network's gateway). */
  podCidr: string;
  hostIP: string;
  streams: PodStreams;
  /** Resolves when pending status writes are done (tests); events are fire-and-forget. */
  flush(): Promise<void>;
  /** Stops watching and heartbeating; pods keep running for the next agent to re-adopt. */
  stop(): Promise<void>;
}

function bosunVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The cluster DNS Service address: the tenth of the service range, as kubeadm picks it. */
function clusterDNS(serviceCidr: string): string {
  const [base] = serviceCidr.split('/');
  const p = base.split('.').map(Number);
  return `${p[0]}.${p[1]}.${p[2]}.${p[3] + 10}`;
}

export async function startKubelet(o: KubeletOptions): Promise<RunningKubelet> {
  const log = o.log ?? ((m: string) => console.error(`kubelet: ${m}`));
  const ownRuntime = !o.runtime;
  const runtime = o.runtime ?? new RuncRuntime(o.instance.paths.runcRoot, o.instance.paths.conmon);
  const podCidr = nodePodCidr(o.instance.podCidr);
  const net = await ensurePodNetwork(o.network, podCidr);
  const hostIP = net.IPAM.Config[0].Gateway;

  let kubeletVersion = o.kubeletVersion;
  if (!kubeletVersion) kubeletVersion = (await o.client.request<{ gitVersion: string }>('GET', '/version')).gitVersion;
  const version = bosunVersion();
  const node = new NodeRegistration(o.client, {
    nodeName: o.nodeName, dataDir: o.instance.dataDir, podCidr, internalIP: hostIP, runtimeVersion: version, kubeletVersion, log,
  });
  await node.register();
  const nodeName = node.name;

  const layout = new KubeletLayout(o.instance.dataDir);
  const services = new Informer(o.client, resources.services, { log });
  const workers = new Map<string, PodWorker>();
  const byId = new Map<string, PodWorker>();
  const status = new StatusWriter(o.client, log);
  const events = new EventRecorder(o.client, 'kubelet', nodeName);
  const deps: WorkerDeps = {
    instance: o.instance, runtime, network: o.network, layout, images: o.images, client: o.client, events, status,
    clusterDNS: clusterDNS(o.instance.serviceCidr), clusterDomain: o.clusterDomain ?? 'cluster.local',
    hostIP, allocatable: hostInfo(o.instance.dataDir, version, kubeletVersion).allocatable,
    backoffInitialSec: o.backoffInitialSec ?? BACKOFF_INITIAL_SEC, pull: o.pull,
    services: () => services.store.list(),
    // Two cores: a handful of pods at a time keeps runc, conmon and CNI from thrashing each other.
    startSlots: new Semaphore(6),
    track: (id, w) => { if (w) byId.set(id, w); else byId.delete(id); },
    forgetWorker: (uid) => workers.delete(uid),
    log,
  };

  // A Runtime cannot unsubscribe listeners: a stopped agent's routing goes quiet instead.
  let stopped = false;
  runtime.onExit((id, code) => { if (!stopped) byId.get(id)?.onExit(id, code); });

  for (const rec of layout.records()) {
    const w = new PodWorker(deps, rec);
    workers.set(rec.uid, w);
    await w.adopt();
  }

  const informer = new Informer<Pod>(o.client, resources.pods, { fieldSelector: `spec.nodeName=${nodeName}`, log });
  // Services are synced before any pod starts, so the first containers already get their variables.
  services.start();
  await services.waitForSync();
  const onPod = (pod: Pod) => {
    let w = workers.get(pod.metadata.uid);
    if (!w) {
      // A finished pod this agent never ran (or already cleaned up) needs nothing from us.
      const phase = pod.status?.phase;
      if ((phase === 'Succeeded' || phase === 'Failed') && !pod.metadata.deletionTimestamp) return;
      w = new PodWorker(deps, { uid: pod.metadata.uid, namespace: pod.metadata.namespace, name: pod.metadata.name, containers: {} });
      workers.set(pod.metadata.uid, w);
    }
    const first = w.pod === null;
    w.update(pod);
    if (first) w.resumeProbes();
  };
  informer.addHandlers({
    add: onPod,
    update: (_old, pod) => onPod(pod),
    delete: (pod) => workers.get(pod.metadata.uid)?.update(null),
  });
  informer.start();
  await informer.waitForSync();
  const live = new Set(informer.store.list().map((p) => p.metadata.uid));
  for (const w of [...workers.values()]) if (!live.has(w.uid)) w.update(null);

  const streams = podStreams({
    runtime, layout,
    worker: (namespace, name) => [...workers.values()].find((w) => w.rec.namespace === namespace && w.rec.name === name && w.pod !== null),
  });

  return {
    nodeName, podCidr, hostIP, streams,
    flush: () => status.flush(),
    async stop() {
      stopped = true;
      node.stop();
      await informer.stop();
      await services.stop();
      for (const w of workers.values()) w.detach();
      await status.flush();
      if (ownRuntime) runtime.close();
    },
  };
}
