import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podStatus, qosClass } from './pod-status.js';
import type { ContainerRecord, PodRecord } from './layout.js';
import type { Pod } from './types.js';

const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }], ...spec },
});
const rec = (containers: Record<string, Partial<ContainerRecord>>): PodRecord => ({
  uid: 'u1', namespace: 'ns', name: 'p', sandbox: { id: 'x', netns: '/n', ip: '10.1.128.5' }, startTime: '2026-01-01T00:00:00Z',
  containers: Object.fromEntries(Object.entries(containers).map(([k, v]) => [k, { name: k.split(':')[1], init: k.startsWith('init:'), phase: 'running', restartCount: 0, image: 'busybox', imageID: 'sha256:1', ready: true, started: true, ...v } as ContainerRecord])),
});

test('qosClass follows requests and limits', () => {
  assert.equal(qosClass(pod()), 'BestEffort');
  assert.equal(qosClass(pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] })), 'Guaranteed');
  assert.equal(qosClass(pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }] })), 'Burstable');
  assert.equal(qosClass(pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b' }] })), 'Burstable');
});

test('a pod with one container still being created is Pending and not ready', () => {
  const st = podStatus({ pod: pod(), rec: rec({ 'app:a': {} }), hostIP: '10.1.128.1' });
  assert.equal(st.phase, 'Pending');
  assert.deepEqual(st.containerStatuses!.map((c) => c.state.waiting?.reason ?? 'running'), ['running', 'ContainerCreating']);
  const ready = st.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.message, 'containers with unready status: [b]');
  assert.equal(st.podIP, '10.1.128.5');
  assert.deepEqual(st.hostIPs, [{ ip: '10.1.128.1' }]);
});

test('all running and ready: Running, Ready, transition times kept from the previous status', () => {
  const p = pod();
  p.status = { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2020-01-01T00:00:00Z' }] };
  const st = podStatus({ pod: p, rec: rec({ 'app:a': {}, 'app:b': {} }), hostIP: 'h' });
  assert.equal(st.phase, 'Running');
  assert.equal(st.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, '2020-01-01T00:00:00Z');
  assert.equal(st.containerStatuses![0].containerID, undefined);
});

test('phases of finished pods follow the restart policy', () => {
  const done = { phase: 'exited' as const, exitCode: 0, reason: 'Completed', id: 'abc' };
  const failed = { phase: 'exited' as const, exitCode: 2, reason: 'Error', id: 'abd' };
  assert.equal(podStatus({ pod: pod({ restartPolicy: 'Never' }), rec: rec({ 'app:a': done, 'app:b': done }), hostIP: 'h' }).phase, 'Succeeded');
  assert.equal(podStatus({ pod: pod({ restartPolicy: 'Never' }), rec: rec({ 'app:a': done, 'app:b': failed }), hostIP: 'h' }).phase, 'Failed');
  assert.equal(podStatus({ pod: pod({ restartPolicy: 'OnFailure' }), rec: rec({ 'app:a': done, 'app:b': failed }), hostIP: 'h' }).phase, 'Running');
  const st = podStatus({ pod: pod({ restartPolicy: 'Never' }), rec: rec({ 'app:a': done, 'app:b': done }), hostIP: 'h' });
  assert.equal(st.containerStatuses![0].state.terminated?.containerID, 'bosun://abc');
  assert.equal(st.conditions!.find((c) => c.type === 'Ready')!.reason, 'PodCompleted');
});

test('init containers gate the app containers', () => {
  const p = pod({ initContainers: [{ name: 'i', image: 'busybox' }] });
  const st = podStatus({ pod: p, rec: rec({ 'init:i': {} }), hostIP: 'h' });
  assert.equal(st.phase, 'Pending');
  assert.equal(st.conditions!.find((c) => c.type === 'Initialized')!.message, 'containers with incomplete status: [i]');
  assert.deepEqual(st.containerStatuses!.map((c) => c.state.waiting?.reason), ['PodInitializing', 'PodInitializing']);
  assert.equal(st.initContainerStatuses![0].state.running !== undefined, true);
});
