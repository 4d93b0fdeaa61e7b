/**
 * The supervisor of `bosun server`: one long-running process per instance. Start order is data:
 * each component starts once what it needs is ready, and stops in reverse. Containers and pods are
 * not children of this process (conmon holds them), so stopping or killing the server leaves them
 * running and the next server re-adopts them.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadInstance, readPid, type Instance } from './instance.js';
import { EngineEvents } from '../engine/events.js';
import { createEngine } from '../engine/index.js';
import { startDaemon } from '../engine/daemon/index.js';
import { openStore } from '../store/index.js';
import { ensurePki, startApiServer, type NodeConnection } from '../apiserver/index.js';
import { KubeClient } from '../client/index.js';
import { start as startScheduler } from '../scheduler/index.js';
import { startControllers } from '../controllers/index.js';
import { SharedInformerFactory } from '../controllers/framework/index.js';
import { startKubelet } from '../kubelet/index.js';

export interface ServerOptions {
  dataDir: string;
  apiPort: number;
  registryPort: number;
  ingressHttpPort: number;
  ingressHttpsPort: number;
  datastoreEndpoint?: string;
  lbPool?: string;
}

interface Running {
  name: string;
  close(): Promise<void>;
}


export async function runServer(opts: ServerOptions): Promise<void> {
  const instance = loadInstance(opts.dataDir);
  const other = readPid(instance);
  if (other && other !== process.pid) throw new Error(`a server for ${instance.dataDir} already runs (pid ${other})`);
  writeFileSync(instance.paths.pidFile, `${process.pid}\n`);

  const started: Running[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of started.reverse()) {
      try {
        await c.close();
      } catch (err) {
        console.error(`stopping ${c.name}: ${(err as Error).message}`);
      }
    }
    rmSync(instance.paths.pidFile, { force: true });
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  try {
    const events = new EngineEvents();
    const engine = await createEngine(instance, events);
    started.push({ name: 'engine', close: () => engine.close() });
    const daemon = await startDaemon(engine, instance.paths.engineSock);
    started.push({ name: 'engine API', close: () => daemon.close() });
    console.log(`engine API on unix://${instance.paths.engineSock}`);

    const store = await openStore(instance, { endpoint: opts.datastoreEndpoint });
    started.push({ name: 'store', close: () => store.close() });
    // Node agents register here once they run; the API server reaches pods' streams through them.
    const nodes = new Map<string, NodeConnection>();
    const api = await startApiServer({ instance, store, port: opts.apiPort, nodes: { node: (name) => nodes.get(name) } });
    started.push({ name: 'API server', close: () => api.close() });
    console.log(`Kubernetes API on https://127.0.0.1:${api.port} (kubeconfig ${instance.paths.kubeconfig})`);

    // The admin identity straight from the PKI, not the kubeconfig file: that one is the user's to edit.
    const pki = ensurePki(instance.paths.pki);
    const clientFor = (maxSockets: number) =>
      new KubeClient({ server: `https://127.0.0.1:${api.port}`, ca: pki.ca, cert: pki.adminCert, key: pki.adminKey, namespace: 'default' }, { maxSockets });
    // Every informer holds a watch connection for good (the controllers about 20): with too few
    // sockets, ordinary requests would queue behind the watches forever.
    const client = clientFor(64);
    started.push({ name: 'API client', close: async () => client.close() });
    // One informer per collection for the scheduler and the controllers: every pod change is
    // then delivered and decoded once for both, not once each.
    const informers = new SharedInformerFactory(client);
    started.push({ name: 'informers', close: () => informers.stop() });
    const scheduler = startScheduler(client, { informers });
    started.push({ name: 'scheduler', close: () => scheduler.stop() });
    const controllers = startControllers(client, { informers });
    started.push({ name: 'controllers', close: () => controllers.stop() });
    // The node agent gets a connection of its own, as it would have from another machine.
    const kubeletClient = clientFor(16);
    started.push({ name: 'node agent client', close: async () => kubeletClient.close() });
    const kubelet = await startKubelet({ instance, client: kubeletClient, images: engine.images, network: engine.network });
    nodes.set(kubelet.nodeName, {
      target: (namespace, pod) => kubelet.streams.target(namespace, pod),
      logs: async (namespace, pod, o) => kubelet.streams.logs(namespace, pod, o),
    });
    started.push({ name: 'kubelet', close: async () => { nodes.delete(kubelet.nodeName); await kubelet.stop(); } });
    console.log(`node ${kubelet.nodeName} (pods ${kubelet.podCidr}) ready`);
    console.log(`ready: export the client environment with: bosun env --data-dir ${instance.dataDir}`);
  } catch (err) {
    // A signal during start-up closes what already runs under the components still starting:
    // their failures are the shutdown's doing, not news.
    if (stopping) return;
    console.error(`bosun server: ${(err as Error).stack ?? err}`);
    await stop(1);
  }
}
