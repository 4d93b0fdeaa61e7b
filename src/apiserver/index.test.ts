import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { MemoryStore } from '../store/index.js';
import { loadInstance, purgeDataDir } from '../server/instance.js';
import { KubeClient, resources as R } from '../client/index.js';
import { startApiServer, type RunningApiServer } from './index.js';
import { start as startNamespaceController } from '../controllers/namespace/index.js';

let dir: string;
let server: RunningApiServer;
let kc: KubeClient;
let store: MemoryStore;

const isKind = (kind: string) => (err: any) => err?.kind === kind;

/** A raw HTTPS call with the admin certificate, for what the typed client cannot say. */
function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, auth = true): Promise<{ code: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const c = kc.config;
    const req = request({
      host: '127.0.0.1', port: server.port, path, method, headers: { ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}), ...headers },
      ca: c.ca, ...(auth ? { cert: c.cert, key: c.key } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  dir = mkdtempSync('/tmp/bosun-test-');
  const instance = loadInstance(dir);
  store = new MemoryStore();
  server = await startApiServer({ instance, store, port: 0 });
  kc = KubeClient.fromKubeconfig(instance.paths.kubeconfig);
});

after(async () => {
  kc.close();
  await server.close();
  purgeDataDir(dir);
});

describe('serving', () => {
  test('kubeconfig and endpoints.json are written; anonymous is 401, health is public', async () => {
    assert.equal(JSON.parse(readFileSync(`${dir}/endpoints.json`, 'utf8')).apiPort, server.port);
    const anon = await raw('GET', '/api/v1/namespaces', undefined, {}, false);
    assert.equal(anon.code, 401);
    assert.equal(JSON.parse(anon.text).reason, 'Unauthorized');
    assert.equal((await raw('GET', '/readyz', undefined, {}, false)).text, 'ok');
    const token = readFileSync(`${dir}/pki/admin.token`, 'utf8').trim();
    assert.equal((await raw('GET', '/api/v1/namespaces', undefined, { Authorization: `Bearer ${token}` }, false)).code, 200);
    assert.equal((await raw('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer nope' }, false)).code, 401);
  });

  test('system namespaces exist; aggregated discovery echoes the profile', async () => {
    const ns = await kc.list(R.namespaces);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(ns.items.some((i) => i.metadata?.name === n), n);
    const d = await raw('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    assert.equal(d.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const apps = JSON.parse(d.text).items.find((i: any) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.ok(deploy.subresources.some((s: any) => s.subresource === 'scale' && s.responseKind.kind === 'Scale'));
    const legacy = JSON.parse((await raw('GET', '/api/v1')).text);
    assert.ok(legacy.resources.some((r: any) => r.name === 'pods/status'));
    const idx = JSON.parse((await raw('GET', '/openapi/v3')).text);
    const doc = JSON.parse((await raw('GET', idx.paths['apis/apps/v1'].serverRelativeURL)).text);
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.equal(patch['x-kubernetes-group-version-kind'].kind, 'Deployment');
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
  });
});

describe('registry', () => {
  const cm = (name: string, labels: Record<string, string> = {}, ns = 'default') =>
    ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { k: name } });

  test('create fills metadata; AlreadyExists; generateName; missing namespace is 404', async () => {
    const a = await kc.create(R.configmaps, cm('a'));
    assert.match(a.metadata!.uid!, /^[0-9a-f-]{36}$/);
    assert.ok(a.metadata!.creationTimestamp && a.metadata!.resourceVersion);
    await assert.rejects(kc.create(R.configmaps, cm('a')), isKind('AlreadyExists'));
    const g = await kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.match(g.metadata!.name!, /^gen-[a-z0-9]{5}$/);
    await assert.rejects(kc.create(R.configmaps, cm('x', {}, 'nope')), (e: any) => e.kind === 'NotFound' && /namespaces "nope" not found/.test(e.message));
  });

  test('invalid names → 422 with causes; wrong kind → 400; malformed JSON → 400; > 3 MiB → 413', async () => {
    await assert.rejects(kc.create(R.configmaps, cm('Bad_Name')), (e: any) => e.kind === 'Invalid' && e.causes?.[0]?.field === 'metadata.name');
    await assert.rejects(kc.create(R.configmaps, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k' } }), isKind('BadRequest'));
    const bad = await raw('POST', '/api/v1/namespaces/default/configmaps', '{"kind":', { 'Content-Type': 'application/json' });
    assert.equal(bad.code, 400);
    assert.equal(JSON.parse(bad.text).kind, 'Status');
    await assert.rejects(kc.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed' }, data: { n: 1 } }),
      (e: any) => e.kind === 'BadRequest' && /cannot unmarshal number into Go struct field ConfigMap\.data of type string/.test(e.message));
    await assert.rejects(kc.create(R.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed' }, spec: 'oops' }),
      (e: any) => e.kind === 'BadRequest' && /Deployment\.spec of type v1\.DeploymentSpec/.test(e.message));
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024) } });
    const tooBig = await raw('POST', '/api/v1/namespaces/default/configmaps', big, { 'Content-Type': 'application/json' });
    assert.equal(tooBig.code, 413);
    assert.ok((await kc.list(R.namespaces)).items.length >= 4, 'server still answers');
  });

  test('fieldValidation Strict refuses unknown fields, Warn answers a Warning header', async () => {
    const obj = { ...cm('strict'), bogus: 1 };
    await assert.rejects(kc.create(R.configmaps, obj, { fieldValidation: 'Strict' }), (e: any) => e.kind === 'BadRequest' && /unknown field "bogus"/.test(e.message));
    const res = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', JSON.stringify(obj), { 'Content-Type': 'application/json' });
    assert.equal(res.code, 201);
    assert.match(String(res.headers.warning), /299 - "unknown field \\"bogus\\""/);
  });

  test('label and field selectors, limit + continue', async () => {
    for (let i = 0; i < 7; i++) await kc.create(R.configmaps, cm(`sel-${i}`, { app: i % 2 ? 'odd' : 'even', i: String(i) }));
    const names = async (q: object) => (await kc.list(R.configmaps, { namespace: 'default', ...q })).items.map((i) => i.metadata!.name).sort();
    assert.deepEqual(await names({ labelSelector: 'app=odd' }), ['sel-1', 'sel-3', 'sel-5']);
    assert.deepEqual(await names({ labelSelector: 'app!=odd,i' }), ['sel-0', 'sel-2', 'sel-4', 'sel-6']);
    assert.deepEqual(await names({ labelSelector: 'i in (1,2),app notin (even)' }), ['sel-1']);
    assert.deepEqual(await names({ labelSelector: '!i,app' }), []);
    assert.deepEqual(await names({ fieldSelector: 'metadata.name=sel-3' }), ['sel-3']);
    await assert.rejects(kc.list(R.configmaps, { fieldSelector: 'spec.nope=1' }), isKind('BadRequest'));
    const seen: string[] = [];
    let cont: string | undefined;
    do {
      const page = await kc.list(R.configmaps, { namespace: 'default', labelSelector: 'app', limit: 3, continue: cont });
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((i) => i.metadata!.name!));
      cont = page.metadata.continue;
    } while (cont);
    assert.deepEqual(seen.sort(), ['sel-0', 'sel-1', 'sel-2', 'sel-3', 'sel-4', 'sel-5', 'sel-6']);
  });

  test('update: stale resourceVersion → Conflict; generation bumps on spec change only; status kept', async () => {
    const d = await kc.create(R.deployments, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    assert.equal(d.metadata!.generation, 1);
    const stale = structuredClone(d);
    const u = await kc.update(R.deployments, { ...d, spec: { ...(d.spec as object), replicas: 2 }, status: { replicas: 9 } });
    assert.equal(u.metadata!.generation, 2);
    assert.deepEqual(u.status, {});
    await assert.rejects(kc.update(R.deployments, stale), isKind('Conflict'));
    const l = await kc.patch(R.deployments, 'web', { metadata: { labels: { x: 'y' } } }, 'merge');
    assert.equal(l.metadata!.generation, 2);
    const s = await kc.patch(R.deployments, 'web', { status: { replicas: 2 } }, 'merge', { subresource: 'status' });
    assert.deepEqual(s.status, { replicas: 2 });
    const scale = await kc.patch<any>(R.deployments, 'web', { spec: { replicas: 5 } }, 'merge', { subresource: 'scale' });
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.status.selector, 'app=web');
    assert.equal((await kc.get<any>(R.deployments, 'web')).spec.replicas, 5);
    const smp = await kc.patch<any>(R.deployments, 'web', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, 'strategic');
    assert.equal(smp.spec.template.spec.containers[0].image, 'nginx:2');
    const jp = await kc.patch<any>(R.deployments, 'web', [{ op: 'replace', path: '/spec/replicas', value: 1 }], 'json');
    assert.equal(jp.spec.replicas, 1);
    const dry = await kc.patch<any>(R.deployments, 'web', { spec: { replicas: 7 } }, 'merge', { dryRun: true });
    assert.equal(dry.spec.replicas, 7);
    assert.equal((await kc.get<any>(R.deployments, 'web')).spec.replicas, 1);
  });

  test('immutable ConfigMap refuses data changes', async () => {
    await kc.create(R.configmaps, { ...cm('frozen'), immutable: true } as any);
    await assert.rejects(kc.patch(R.configmaps, 'frozen', { data: { k: 'other' } }, 'merge'), isKind('Invalid'));
    await kc.patch(R.configmaps, 'frozen', { metadata: { labels: { ok: 'yes' } } }, 'merge');
  });

  test('finalizers hold deletion; removing the last one deletes', async () => {
    await kc.create(R.configmaps, { ...cm('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const marked = await kc.delete<any>(R.configmaps, 'held');
    assert.ok(marked.metadata.deletionTimestamp);
    assert.ok((await kc.get(R.configmaps, 'held')).metadata!.deletionTimestamp);
    await kc.patch(R.configmaps, 'held', { metadata: { finalizers: null } }, 'merge');
    await assert.rejects(kc.get(R.configmaps, 'held'), isKind('NotFound'));
    await assert.rejects(kc.delete(R.configmaps, 'a', { preconditions: { uid: 'nope' } }), isKind('Conflict'));
  });

  test('Table output with Name first and -o wide columns', async () => {
    const t = JSON.parse((await raw('GET', '/apis/apps/v1/namespaces/default/deployments', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).text);
    assert.equal(t.kind, 'Table');
    assert.equal(t.columnDefinitions[0].name, 'Name');
    assert.ok(t.columnDefinitions.some((c: any) => c.priority > 0));
    assert.equal(t.rows[0].cells[0], 'web');
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
  });

  test('watch: changes after a resourceVersion, selectors, bookmarks-free resume, 410 for compacted history', async () => {
    const list = await kc.list(R.configmaps, { namespace: 'default' });
    const w = kc.watch(R.configmaps, { namespace: 'default', resourceVersion: list.metadata.resourceVersion, labelSelector: 'watch=me' });
    const it = w[Symbol.asyncIterator]();
    await kc.create(R.configmaps, cm('w1', { watch: 'me' }));
    await kc.create(R.configmaps, cm('w2', { other: 'x' }));
    await kc.patch(R.configmaps, 'w1', { data: { k: 'v2' } }, 'merge');
    await kc.patch(R.configmaps, 'w1', { metadata: { labels: { watch: null } } }, 'merge');
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { value } = await it.next();
      got.push(`${value.type} ${value.object.metadata?.name}`);
    }
    assert.deepEqual(got, ['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    w.close();
  });

  test('namespace deletion: Terminating refuses creates, then the namespace controller empties it and it goes', async () => {
    // Emptying is the controller's job; the server's part is Terminating, the refusals and finalize.
    const controller = startNamespaceController(kc, { log: () => undefined, gracePeriodMs: 0 });
    await controller.ready;
    await kc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await kc.create(R.configmaps, cm('inside', {}, 'doomed'));
    await kc.create(R.configmaps, { ...cm('held', {}, 'doomed'), metadata: { name: 'held', namespace: 'doomed', finalizers: ['example.com/hold'] } });
    const ns = await kc.delete<any>(R.namespaces, 'doomed');
    assert.equal(ns.status.phase, 'Terminating');
    await assert.rejects(kc.create(R.configmaps, cm('late', {}, 'doomed')), isKind('Forbidden'));
    const w = kc.watch(R.namespaces, { fieldSelector: 'metadata.name=doomed' });
    await kc.patch(R.configmaps, 'held', { metadata: { finalizers: null } }, 'merge', { namespace: 'doomed' });
    for await (const ev of w) if (ev.type === 'DELETED') break;
    w.close();
    await assert.rejects(kc.get(R.namespaces, 'doomed'), isKind('NotFound'));
    await assert.rejects(kc.get(R.configmaps, 'inside', 'doomed'), isKind('NotFound'));
    await controller.stop();
  });

  test('services get a clusterIP from the instance range; pods bind once, PodScheduled=True', async () => {
    const svc = await kc.create<any>(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } });
    assert.match(svc.spec.clusterIP, /^10\.\d+\.(19[2-9]|20[0-7])\.\d+$/);
    assert.equal(svc.spec.type, 'ClusterIP');
    const np = await kc.patch<any>(R.services, 'svc', { spec: { type: 'NodePort' } }, 'merge');
    assert.equal(np.spec.clusterIP, svc.spec.clusterIP, 'clusterIP survives updates');
    assert.ok(np.spec.ports[0].nodePort >= 30000 && np.spec.ports[0].nodePort <= 32767);
    await assert.rejects(kc.patch(R.services, 'svc', { spec: { clusterIP: '10.0.0.1' } }, 'merge'), isKind('Invalid'));
    await kc.create(R.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const bind = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } };
    await kc.request('POST', '/api/v1/namespaces/default/pods/p/binding', bind);
    await assert.rejects(kc.request('POST', '/api/v1/namespaces/default/pods/p/binding', bind), isKind('Conflict'));
    const bound = await kc.get<any>(R.pods, 'p');
    assert.equal(bound.spec.nodeName, 'n1');
    assert.deepEqual(bound.status.conditions.filter((c: any) => c.type === 'PodScheduled').map((c: any) => c.status), ['True']);
    // No node agent is connected to this server: the pod's node cannot be reached.
    await assert.rejects(kc.request('GET', '/api/v1/namespaces/default/pods/p/log'), isKind('Unavailable'));
  });

  test('watch from a compacted resourceVersion ends with an ERROR event carrying 410 Expired', async () => {
    const old = (await kc.create(R.configmaps, cm('before-compact'))).metadata!.resourceVersion!;
    await kc.create(R.configmaps, cm('after-compact'));
    await store.compact(await store.revision());
    const res = await raw('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${old}`);
    const ev = JSON.parse(res.text.trim().split('\n')[0]);
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
    await assert.rejects(async () => {
      for await (const _ of kc.watch(R.configmaps, { namespace: 'default', resourceVersion: old })) break;
    }, isKind('Gone'));
  });

  test('legacy /watch/ path with sendInitialEvents ends the initial ADDEDs with a bookmark', async () => {
    const res = await raw('GET', '/api/v1/watch/namespaces/default/configmaps/a?sendInitialEvents=true&allowWatchBookmarks=true&timeoutSeconds=1');
    const events = res.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'BOOKMARK']);
    assert.equal(events[0].object.metadata.name, 'a');
    assert.equal(events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  test('dryRun create stores nothing; deletecollection by label; eviction deletes the pod', async () => {
    const dry = await kc.create(R.configmaps, cm('dry'), { dryRun: true });
    assert.equal(dry.metadata?.name, 'dry');
    await assert.rejects(kc.get(R.configmaps, 'dry'), isKind('NotFound'));
    const deleted = await kc.request<{ items: unknown[] }>('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=app%3Deven');
    assert.equal(deleted.items.length, 4);
    assert.equal((await kc.list(R.configmaps, { namespace: 'default', labelSelector: 'app' })).items.length, 3);
    await kc.create(R.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'evictee' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await kc.request('POST', '/api/v1/namespaces/default/pods/evictee/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictee' } });
    await assert.rejects(kc.get(R.pods, 'evictee'), isKind('NotFound'));
  });

  test('a bound pod deletes gracefully: status writes during the grace period keep it, grace 0 removes it', async () => {
    await kc.create(R.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'graceful' }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox' }] } });
    await kc.request('POST', '/api/v1/namespaces/default/pods/graceful/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'graceful' }, target: { kind: 'Node', name: 'n1' } });
    const marked = await kc.delete<any>(R.pods, 'graceful');
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    await kc.patch(R.pods, 'graceful', { status: { phase: 'Running' } }, 'merge', { subresource: 'status' });
    assert.equal((await kc.get<any>(R.pods, 'graceful')).status.phase, 'Running');
    await kc.delete(R.pods, 'graceful', { gracePeriodSeconds: 0 });
    await assert.rejects(kc.get(R.pods, 'graceful'), isKind('NotFound'));
  });

  test('namespaces/finalize hands off spec.finalizers; a finalized terminating namespace goes at once', async () => {
    await kc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin', labels: { keep: 'me' } } });
    await kc.delete(R.namespaces, 'fin');
    const ns = await kc.get<any>(R.namespaces, 'fin');
    assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
    const fin = await kc.request<any>('PUT', '/api/v1/namespaces/fin/finalize', { ...ns, metadata: { ...ns.metadata, labels: {} }, spec: { finalizers: [] } });
    assert.deepEqual(fin.spec.finalizers, []);
    assert.equal(fin.metadata.labels.keep, 'me', 'finalize changes nothing but spec.finalizers');
    await assert.rejects(kc.get(R.namespaces, 'fin'), isKind('NotFound'));
  });

  test('serviceaccounts/token issues a bound JWT the server accepts as a bearer token', async () => {
    await kc.create(R.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    const pod = await kc.create(R.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bot' }, spec: { serviceAccountName: 'robot', containers: [{ name: 'c', image: 'busybox' }] } });
    const treq = (spec: object) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
    const res = await kc.request<any>('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token',
      treq({ expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'bot', uid: pod.metadata!.uid } }));
    assert.equal(res.kind, 'TokenRequest');
    const claims = JSON.parse(Buffer.from(res.status.token.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'system:serviceaccount:default:robot');
    assert.equal(claims['kubernetes.io'].pod.uid, pod.metadata!.uid);
    const asRobot = await raw('GET', '/api/v1/namespaces/default/configmaps', undefined, { Authorization: `Bearer ${res.status.token}` }, false);
    assert.equal(asRobot.code, 200);
    const tampered = res.status.token.slice(0, -4) + 'AAAA';
    assert.equal((await raw('GET', '/api/v1/namespaces/default/configmaps', undefined, { Authorization: `Bearer ${tampered}` }, false)).code, 401);
    const other = await kc.request<any>('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', treq({ audiences: ['vault'] }));
    assert.equal((await raw('GET', '/api/v1/namespaces/default/configmaps', undefined, { Authorization: `Bearer ${other.status.token}` }, false)).code, 401);
    await assert.rejects(kc.request('POST', '/api/v1/namespaces/default/serviceaccounts/ghost/token', treq({})), isKind('NotFound'));
    await assert.rejects(kc.request('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', treq({ expirationSeconds: 60 })), isKind('Invalid'));
  });
});
