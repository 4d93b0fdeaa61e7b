import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultImagePullPolicy, defaultsFor } from './defaults.js';
import type { KObject } from './types.js';

const run = (group: string, kind: string, obj: KObject) => { defaultsFor(group, kind)!(obj); return obj as any; };

test('imagePullPolicy: Always for latest or no tag, IfNotPresent otherwise', () => {
  assert.equal(defaultImagePullPolicy('nginx'), 'Always');
  assert.equal(defaultImagePullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultImagePullPolicy('127.0.0.1:5000/nginx'), 'Always');
  assert.equal(defaultImagePullPolicy('127.0.0.1:5000/nginx:1.25'), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('deployment defaults, including the pod template', () => {
  const d = run('apps', 'Deployment', { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } } } });
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  const ps = d.spec.template.spec;
  assert.equal(ps.restartPolicy, 'Always');
  assert.equal(ps.dnsPolicy, 'ClusterFirst');
  assert.equal(ps.terminationGracePeriodSeconds, 30);
  assert.equal(ps.schedulerName, 'default-scheduler');
  assert.deepEqual(ps.securityContext, {});
  const c = ps.containers[0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.resources, {});
  assert.equal(ps.serviceAccountName, undefined, 'templates do not get the service account admission defaults');
});

test('Recreate strategy gets no rollingUpdate; explicit values are kept', () => {
  const d = run('apps', 'Deployment', { spec: { replicas: 0, strategy: { type: 'Recreate' }, template: { spec: { containers: [] } } } });
  assert.equal(d.spec.replicas, 0);
  assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
});

test('pod defaults include service account, priority, tolerations and status', () => {
  const p = run('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', readinessProbe: { httpGet: { port: 80 } } }] } });
  assert.equal(p.spec.serviceAccountName, 'default');
  assert.equal(p.spec.enableServiceLinks, true);
  assert.equal(p.spec.priority, 0);
  assert.equal(p.spec.containers[0].imagePullPolicy, 'Always');
  assert.deepEqual(p.spec.containers[0].readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(p.spec.tolerations.map((t: any) => t.key), ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('volumes default their mode and an empty source to emptyDir', () => {
  const p = run('', 'Pod', { spec: { volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }], containers: [] } });
  assert.deepEqual(p.spec.volumes, [{ name: 'a', emptyDir: {} }, { name: 'b', configMap: { name: 'cm', defaultMode: 420 } }]);
});

test('service defaults', () => {
  const s = run('', 'Service', { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }], selector: { app: 'x' } } });
  assert.equal(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.sessionAffinity, 'None');
  assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.deepEqual(s.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }]);
  const np = run('', 'Service', { spec: { type: 'NodePort', ports: [{ port: 80 }] } });
  assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
});

test('secret stringData is folded into base64 data and type defaults to Opaque', () => {
  const s = run('', 'Secret', { data: { a: 'eA==' }, stringData: { b: 'hello' } });
  assert.deepEqual(s, { type: 'Opaque', data: { a: 'eA==', b: 'aGVsbG8=' } });
});

test('namespace defaults', () => {
  const n = run('', 'Namespace', { metadata: { name: 'team' } });
  assert.deepEqual(n.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(n.status, { phase: 'Active' });
  assert.equal(n.metadata.labels['kubernetes.io/metadata.name'], 'team');
});

test('job defaults and the uid-based selector', () => {
  const j = run('batch', 'Job', { metadata: { name: 'j', uid: 'u-1' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  assert.equal(j.spec.completions, 1);
  assert.equal(j.spec.parallelism, 1);
  assert.equal(j.spec.backoffLimit, 6);
  assert.equal(j.spec.completionMode, 'NonIndexed');
  assert.equal(j.spec.suspend, false);
  assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.equal(j.spec.template.metadata.labels['job-name'], 'j');
  const cj = run('batch', 'CronJob', { spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });
  assert.equal(cj.spec.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec.failedJobsHistoryLimit, 1);
  assert.equal(cj.spec.jobTemplate.spec.selector, undefined);
});

test('defaulting twice changes nothing (updates re-run it on stored objects)', () => {
  const tpl = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 1 }] }], volumes: [{ name: 'v' }] } };
  const samples: Array<[string, string, KObject]> = [
    ['', 'Pod', { metadata: { name: 'p' }, spec: tpl.spec }],
    ['', 'Service', { spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', sessionAffinity: 'ClientIP', ports: [{ port: 1 }] } }],
    ['', 'Secret', { stringData: { a: 'b' } }],
    ['', 'Namespace', { metadata: { name: 'n' } }],
    ['apps', 'Deployment', { spec: { template: tpl } }],
    ['apps', 'StatefulSet', { spec: { template: tpl, volumeClaimTemplates: [{ metadata: { name: 'd' } }] } }],
    ['apps', 'DaemonSet', { spec: { template: tpl } }],
    ['batch', 'Job', { metadata: { name: 'j', uid: 'u' }, spec: { template: tpl } }],
    ['batch', 'CronJob', { spec: { jobTemplate: { spec: { template: tpl } } } }],
  ];
  for (const [group, kind, obj] of samples) {
    const once = run(group, kind, structuredClone(obj));
    const twice = run(group, kind, structuredClone(once));
    assert.deepEqual(twice, once, kind);
  }
});
