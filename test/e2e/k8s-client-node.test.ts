/**
 * The official JavaScript client (@kubernetes/client-node) against a real `bosun server`: typed
 * list/create/patch/delete, and an informer (list + watch) that must see add, update and delete.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as K8s from '@kubernetes/client-node';
import { startServer, type BosunServer } from './k8s-helpers.js';
import { loadClientNode } from './helpers/client-node.js';

let server: BosunServer;
let k8s: typeof K8s;
let kc: K8s.KubeConfig;

before(async () => {
  k8s = await loadClientNode();
  server = await startServer();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
});

after(async () => {
  await server?.destroy();
});

/** Resolves once `pred` holds for something the informer reported. */
function waitFor<T>(events: T[], pred: (e: T) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = () => (events.some(pred) ? resolve() : setTimeout(tick, 20));
    tick();
  });
}

test('typed list, create, patch and delete', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nss = await core.listNamespace();
  assert.ok(nss.items.some((n) => n.metadata?.name === 'kube-system'));
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'typed' }, data: { a: '1' } } });
  assert.ok(created.metadata?.uid);
  const patched = await core.patchNamespacedConfigMap({ namespace: 'default', name: 'typed', body: { data: { a: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.equal(patched.data?.a, '2');
  await assert.rejects(core.readNamespacedConfigMap({ namespace: 'default', name: 'nope' }), (err: { code?: number }) => err.code === 404);
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'typed' });
  const list = await core.listNamespacedConfigMap({ namespace: 'default' });
  assert.ok(!list.items.some((c) => c.metadata?.name === 'typed'));
});

test('an informer sees add, update and delete', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
  const events: Array<{ type: string; name?: string; value?: string }> = [];
  const record = (type: string) => (obj: K8s.V1ConfigMap) => events.push({ type, name: obj.metadata?.name, value: obj.data?.v });
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  informer.on('delete', record('delete'));
  informer.on('error', (err) => events.push({ type: `error ${String(err)}` }));
  await informer.start();
  try {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'seen' }, data: { v: '1' } } });
    await waitFor(events, (e) => e.type === 'add' && e.name === 'seen');
    await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'seen', body: { metadata: { name: 'seen' }, data: { v: '2' } } });
    await waitFor(events, (e) => e.type === 'update' && e.name === 'seen' && e.value === '2');
    assert.equal(informer.get('seen', 'default')?.data?.v, '2');
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'seen' });
    await waitFor(events, (e) => e.type === 'delete' && e.name === 'seen');
    assert.equal(informer.get('seen', 'default'), undefined);
    assert.deepEqual(events.filter((e) => e.type.startsWith('error')), []);
  } finally {
    await informer.stop();
  }
});
