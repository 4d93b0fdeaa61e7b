/**
 * Durability and the other datastore: kill -9 of `bosun server` during 8-way parallel creates
 * (every acknowledged object must be there after a restart), on SQLite and on etcd, plus the
 * core kubectl flows against a server on etcd.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdProcess } from '../../src/store/index.js';
import { KubeClient, resources as R } from '../../src/client/index.js';
import { startServer, type BosunServer } from './k8s-helpers.js';

/** Creates ConfigMaps from 8 workers until told to stop; returns the names the server acknowledged. */
function parallelCreates(kc: KubeClient, ns: string) {
  const acked: string[] = [];
  let stop = false;
  const workers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      const name = `w${w}-${i}`;
      try {
        await kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { i: String(i) } });
        acked.push(name);
      } catch {
        return; // the server went away mid-request: that create was never acknowledged
      }
    }
  });
  return {
    acked,
    until: async (n: number) => {
      while (acked.length < n) await new Promise((r) => setTimeout(r, 10));
    },
    done: async () => {
      stop = true;
      await Promise.all(workers);
    },
  };
}

async function crashAndRecover(server: BosunServer): Promise<void> {
  let kc = KubeClient.fromKubeconfig(server.kubeconfig, undefined, { maxSockets: 8 });
  try {
    await kc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash' } });
    const load = parallelCreates(kc, 'crash');
    await load.until(200);
    await server.kill9();
    await load.done();
    kc.close();
    await server.restart();
    kc = KubeClient.fromKubeconfig(server.kubeconfig);
    const present = new Set((await kc.list(R.configmaps, { namespace: 'crash' })).items.map((i) => i.metadata!.name));
    const missing = load.acked.filter((n) => !present.has(n));
    assert.ok(load.acked.length >= 200);
    assert.deepEqual(missing, [], `${missing.length} of ${load.acked.length} acknowledged creates lost`);
    // The server is fully usable after recovery, including writes to the same objects.
    await kc.patch(R.configmaps, load.acked[0], { data: { after: 'restart' } }, 'merge', { namespace: 'crash' });
  } finally {
    kc.close();
  }
}

describe('SQLite', () => {
  let server: BosunServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.destroy();
  });

  test('kill -9 during 8-way parallel creates loses no acknowledged object', async () => {
    await crashAndRecover(server);
  });
});

describe('etcd', () => {
  let etcd: EtcdProcess;
  let server: BosunServer;
  before(async () => {
    etcd = await startEtcd();
    server = await startServer({ datastoreEndpoint: etcd.endpoint });
  });
  after(async () => {
    await server?.destroy();
    await etcd?.stop();
  });

  test('apply, get -o wide, patch, watch and delete through kubectl', async () => {
    const k = (args: string[], input?: string) => server.kubectl(33, args, { input });
    const doc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
`;
    assert.match((await k(['apply', '-f', '-'], doc)).stdout, /deployment\.apps\/api created/);
    assert.match((await k(['apply', '-f', '-'], doc.replace('replicas: 1', 'replicas: 3'))).stdout, /configured/);
    assert.match((await k(['get', 'deploy', '-o', 'wide'])).stdout, /^api\s+\d+\/3\s+\d+\s+\d+\s+\S+\s+c\s+busybox:1\.36\s+app=api$/m);
    await k(['patch', 'deploy', 'api', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]']);
    const kc = KubeClient.fromKubeconfig(server.kubeconfig);
    try {
      const list = await kc.list(R.deployments, { namespace: 'default' });
      const w = kc.watch(R.deployments, { namespace: 'default', resourceVersion: list.metadata.resourceVersion });
      const it = w[Symbol.asyncIterator]();
      await k(['label', 'deploy', 'api', 'seen=yes']);
      // The deployment controller writes status meanwhile: skip to the label's change.
      let ev = (await it.next()).value;
      while (ev.type === 'MODIFIED' && ev.object.metadata?.labels?.seen !== 'yes') ev = (await it.next()).value;
      assert.equal(ev.type, 'MODIFIED');
      assert.equal((ev.object.spec as { replicas: number }).replicas, 2);
      await k(['delete', 'deploy', 'api', '--wait']);
      do ev = (await it.next()).value; while (ev.type === 'MODIFIED');
      assert.equal(ev.type, 'DELETED');
      w.close();
    } finally {
      kc.close();
    }
    const secret = await k(['create', 'secret', 'generic', 'pw', '--from-literal=p=s3cret']);
    assert.equal(secret.code, 0, secret.stderr);
    assert.match((await k(['get', 'secret', 'pw', '-o', 'jsonpath={.data.p}'])).stdout, /^czNjcmV0$/);
  });

  test('kill -9 during 8-way parallel creates loses no acknowledged object', async () => {
    await crashAndRecover(server);
  });
});
