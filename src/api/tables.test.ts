import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableLayout } from './tables.js';
import { humanDuration } from './human-duration.js';
import { catalog } from './catalog.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

test('human durations follow the server thresholds', () => {
  const cases: Array<[number, string]> = [[0, '0s'], [59, '59s'], [119, '119s'], [120, '2m'], [125, '2m5s'], [600, '10m'], [179 * 60, '179m'],
    [3 * 3600 + 300, '3h5m'], [8 * 3600, '8h'], [47 * 3600, '47h'], [50 * 3600, '2d2h'], [10 * 86400, '10d'], [800 * 86400, '2y70d'], [3000 * 86400, '8y']];
  for (const [s, want] of cases) assert.equal(humanDuration(s * 1000), want, `${s}s`);
});

test('pod columns and wide columns', () => {
  const l = tableLayout('Pod');
  assert.deepEqual(l.columns.map((c) => `${c.name}:${c.priority}`),
    ['Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
});

function pod(status: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { metadata: { name: 'p', creationTimestamp: ago(300), ...extra }, spec: { containers: [{ name: 'a' }, { name: 'b' }] }, status };
}

test('pod STATUS reason logic', () => {
  const cells = (p: any) => tableLayout('Pod').cells(p, NOW);
  assert.deepEqual(cells(pod({ phase: 'Pending' })), ['0/2', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  assert.equal(cells(pod({ phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }))[1], 'ContainerCreating');
  const running = { phase: 'Running', podIP: '10.0.0.5', containerStatuses: [
    { name: 'a', ready: true, restartCount: 0, state: { running: {} } }, { name: 'b', ready: true, restartCount: 0, state: { running: {} } }] };
  assert.deepEqual(cells(pod(running)).slice(0, 5), ['2/2', 'Running', '0', '5m', '10.0.0.5']);
  const crash = { phase: 'Running', containerStatuses: [{ name: 'a', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } },
    lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }] };
  assert.deepEqual(cells(pod(crash)).slice(0, 3), ['0/2', 'CrashLoopBackOff', '4 (30s ago)']);
  const done = { phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
  assert.equal(cells(pod(done))[1], 'Completed');
  assert.equal(cells(pod(running, { deletionTimestamp: ago(1) }))[1], 'Terminating');
  const init = { phase: 'Pending', initContainerStatuses: [{ name: 'i', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] };
  const p = pod(init) as any;
  p.spec.initContainers = [{ name: 'i' }];
  assert.equal(cells(p)[1], 'Init:0/1');
  const failedExit = { phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] };
  assert.equal(cells(pod(failedExit))[1], 'ExitCode:3');
});

test('deployment, service, secret, configmap, namespace and node cells', () => {
  const d = { metadata: { creationTimestamp: ago(10) }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } } },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
  assert.deepEqual(tableLayout('Deployment').cells(d, NOW), ['2/3', 3, 2, '10s', 'nginx,side', 'nginx:1,busybox', 'app=web']);
  const svc = { metadata: { creationTimestamp: ago(10) }, spec: { type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: 'web' },
    ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } };
  assert.deepEqual(tableLayout('Service').cells(svc, NOW), ['NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '10s', 'app=web']);
  assert.deepEqual(tableLayout('Secret').cells({ metadata: { creationTimestamp: ago(1) }, type: 'Opaque', data: { a: 'eA==' } }, NOW), ['Opaque', 1, '1s']);
  assert.deepEqual(tableLayout('ConfigMap').cells({ metadata: { creationTimestamp: ago(1) }, data: { a: 'x' }, binaryData: { b: 'eA==' } }, NOW), [2, '1s']);
  assert.deepEqual(tableLayout('Namespace').cells({ metadata: { creationTimestamp: ago(7200) }, status: { phase: 'Active' } }, NOW), ['Active', '120m']);
  const node = { metadata: { creationTimestamp: ago(60), labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.33.0' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } };
  assert.deepEqual(tableLayout('Node').cells(node, NOW).slice(0, 5), ['Ready,SchedulingDisabled', 'control-plane', '60s', 'v1.33.0', '10.0.0.1']);
});

test('events have no leading Name column and print kind/name', () => {
  const l = tableLayout('Event');
  assert.equal(l.nameColumn, false);
  assert.deepEqual(l.columns.filter((c) => c.priority === 0).map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  const ev = { apiVersion: 'v1', metadata: { name: 'p.1' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', message: 'Started container',
    type: 'Normal', lastTimestamp: ago(5), firstTimestamp: ago(9), count: 2, source: { component: 'kubelet', host: 'n1' } };
  assert.deepEqual(l.cells(ev, NOW), ['5s', 'Normal', 'Started', 'pod/p', '', 'kubelet, n1', 'Started container', '9s', 2, 'p.1']);
});

test('kinds without a layout get Created At; every catalog entry has cells matching its columns', () => {
  assert.deepEqual(tableLayout('Role').columns.map((c) => c.name), ['Created At']);
  for (const r of catalog) {
    const row = r.cells({ apiVersion: r.version, kind: r.kind, metadata: { name: 'x', creationTimestamp: ago(1) } });
    assert.equal(row.length, r.columns.length, r.resource);
  }
});
