/**
 * A node agent in a process of its own, for tests that kill it with SIGKILL mid-flight:
 *   node agent-process.js <data dir> <node name>
 * connects with the data dir's admin kubeconfig, prints "ready" once the agent runs, and then
 * runs until killed.
 */
import { KubeClient } from '../../client/index.js';
import { EngineEvents } from '../../engine/events.js';
import { createImageStore } from '../../engine/images/index.js';
import { createNetwork } from '../../engine/network/index.js';
import { loadInstance } from '../../server/instance.js';
import { startKubelet } from '../index.js';

const [dataDir, nodeName] = process.argv.slice(2);
const instance = loadInstance(dataDir);
const events = new EngineEvents();
const client = KubeClient.fromKubeconfig(instance.paths.kubeconfig);
const images = await createImageStore(instance, events);
const network = await createNetwork(instance, events);
await startKubelet({ instance, client, images, network, nodeName, log: (m) => process.stderr.write(`${m}\n`) });
process.stdout.write('ready\n');
