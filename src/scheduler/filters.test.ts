import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FILTERS, fitErrorMessage, runFilters } from './filters.js';
import { NodeInfo, podRequests, type Node, type Pod } from './node-info.js';

const node = (name: string, extra: Partial<Node> = {}, allocatable: Record<string, string> = {}): Node => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.metadata?.labels ?? {}) } },
  spec: extra.spec ?? {},
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '10Gi', ...allocatable } },
});
const pod = (spec: Pod['spec'] = {}, requests?: Record<string, string>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ ...(requests ? { resources: { requests } } : {}) }], ...spec },
});
const check = (p: Pod, ni: NodeInfo) => runFilters(p, ni, DEFAULT_FILTERS)?.reasons ?? [];

test('resource requests must fit allocatable minus what bound pods request', () => {
  const ni = new NodeInfo(node('n1'));
  assert.deepEqual(check(pod({}, { cpu: '1500m', memory: '1Gi' }), ni), []);
  ni.addPod(pod({}, { cpu: '1', memory: '3Gi' }));
  assert.deepEqual(check(pod({}, { cpu: '1500m', memory: '2Gi' }), ni), ['Insufficient cpu', 'Insufficient memory']);
  assert.deepEqual(check(pod({}, { cpu: '1' }), ni), []);
  assert.deepEqual(check(pod({}, { 'ephemeral-storage': '20Gi' }), ni), ['Insufficient ephemeral-storage']);
  assert.deepEqual(check(pod({}, { 'example.com/gpu': '1' }), ni), ['Insufficient example.com/gpu']);
  const full = new NodeInfo(node('n2', {}, { pods: '1' }));
  full.addPod(pod());
  assert.deepEqual(check(pod(), full), ['Too many pods']);
});

test('effective requests take the larger of the containers and any init container', () => {
  const p = pod({
    containers: [{ resources: { requests: { cpu: '100m' } } }, { resources: { requests: { cpu: '200m', memory: '64Mi' } } }],
    initContainers: [{ resources: { requests: { cpu: '500m' } } }],
  });
  assert.deepEqual(podRequests(p), { cpu: 500, memory: 64 * 1024 * 1024 });
});

test('nodeSelector and required node affinity operators', () => {
  const ni = new NodeInfo(node('n1', { metadata: { labels: { disk: 'ssd', zone: 'a', cores: '8' } } }));
  const aff = (...matchExpressions: object[]) => pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } } } as Pod['spec']);
  const miss = ["node(s) didn't match Pod's node affinity/selector"];
  assert.deepEqual(check(pod({ nodeSelector: { disk: 'ssd' } }), ni), []);
  assert.deepEqual(check(pod({ nodeSelector: { disk: 'hdd' } }), ni), miss);
  assert.deepEqual(check(aff({ key: 'zone', operator: 'In', values: ['a', 'b'] }), ni), []);
  assert.deepEqual(check(aff({ key: 'zone', operator: 'NotIn', values: ['a'] }), ni), miss);
  assert.deepEqual(check(aff({ key: 'disk', operator: 'Exists' }), ni), []);
  assert.deepEqual(check(aff({ key: 'gpu', operator: 'DoesNotExist' }), ni), []);
  assert.deepEqual(check(aff({ key: 'gpu', operator: 'Exists' }), ni), miss);
  assert.deepEqual(check(aff({ key: 'cores', operator: 'Gt', values: ['4'] }), ni), []);
  assert.deepEqual(check(aff({ key: 'cores', operator: 'Lt', values: ['4'] }), ni), miss);
  // Terms are ORed, expressions within a term ANDed.
  const or = pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] },
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['ssd'] }] },
  ] } } } } as Pod['spec']);
  assert.deepEqual(check(or, ni), []);
});

test('taints need tolerations; cordoned nodes are unschedulable; host ports must be free', () => {
  const tainted = new NodeInfo(node('n1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] } }));
  assert.deepEqual(check(pod(), tainted), ['node(s) had untolerated taint {dedicated: db}']);
  assert.deepEqual(check(pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), tainted), []);
  assert.deepEqual(check(pod({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }), tainted), []);
  assert.deepEqual(check(pod({ tolerations: [{ operator: 'Exists' }] }), tainted), []);
  assert.deepEqual(check(pod({ tolerations: [{ key: 'dedicated', value: 'web' }] }), tainted), ['node(s) had untolerated taint {dedicated: db}']);
  const noexec = new NodeInfo(node('n2', { spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] } }));
  assert.deepEqual(check(pod(), noexec), ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);

  const cordoned = new NodeInfo(node('n3', { spec: { unschedulable: true } }));
  assert.deepEqual(check(pod(), cordoned), ['node(s) were unschedulable']);

  const ports = new NodeInfo(node('n4'));
  ports.addPod(pod({ containers: [{ ports: [{ containerPort: 80, hostPort: 8080 }] }] }));
  assert.deepEqual(check(pod({ containers: [{ ports: [{ containerPort: 80, hostPort: 8080 }] }] }), ports), ["node(s) didn't have free ports for the requested pod ports"]);
  assert.deepEqual(check(pod({ containers: [{ ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }] }] }), ports), []);
  assert.deepEqual(check(pod({ containers: [{ ports: [{ containerPort: 80, hostPort: 8081 }] }] }), ports), []);
});

test('the FailedScheduling message is a sorted histogram with the preemption sentence', () => {
  assert.equal(fitErrorMessage(1, [{ reasons: ['Insufficient cpu'], resolvable: true }]),
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..');
  assert.equal(fitErrorMessage(3, [
    { reasons: ['Insufficient cpu', 'Insufficient memory'], resolvable: true },
    { reasons: ['node(s) had untolerated taint {dedicated: db}'], resolvable: false },
    { reasons: ['Insufficient memory'], resolvable: true },
  ]), '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: db}, 2 Insufficient memory. '
    + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..');
});
