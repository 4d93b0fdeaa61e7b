import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatorFor } from './validation.js';
import { cronErrors } from './validate-workloads.js';
import { defaultsFor } from './defaults.js';
import { formatCauses } from './field-errors.js';
import type { KObject } from './types.js';

function check(group: string, kind: string, obj: KObject, old?: KObject): string[] {
  const o = structuredClone(obj);
  defaultsFor(group, kind)?.(o);
  let prev: KObject | undefined;
  if (old) { prev = structuredClone(old); defaultsFor(group, kind)?.(prev); }
  return validatorFor(group, kind)(o, prev).map((c) => `${c.field}: ${c.message}`);
}

const deployment = (over: Record<string, any> = {}): KObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...over },
});

test('a valid deployment has no errors', () => {
  assert.deepEqual(check('apps', 'Deployment', deployment()), []);
});

test('invalid name: the RFC 1123 message', () => {
  const errs = check('apps', 'Deployment', { ...deployment(), metadata: { name: 'Bad_Name' } });
  assert.deepEqual(errs, ['metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')']);
});

test('every error is reported, not only the first', () => {
  const d = deployment({ replicas: -1, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c' }, { name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }] } } });
  const errs = check('apps', 'Deployment', d);
  assert.ok(errs.includes('spec.replicas: Invalid value: -1: must be greater than or equal to 0'), errs.join('\n'));
  assert.ok(errs.includes('spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`'), errs.join('\n'));
  assert.ok(errs.includes('spec.template.spec.containers[0].image: Required value'), errs.join('\n'));
  assert.ok(errs.includes('spec.template.spec.containers[1].name: Duplicate value: "c"'), errs.join('\n'));
  assert.ok(errs.includes('spec.template.spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'), errs.join('\n'));
});

test('deployment template restartPolicy must be Always; selector is immutable', () => {
  const d = deployment();
  (d.spec as any).template.spec.restartPolicy = 'Never';
  assert.deepEqual(check('apps', 'Deployment', d), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
  const changed = deployment({ selector: { matchLabels: { app: 'web', v: '2' } } });
  (changed.spec as any).template.metadata.labels.v = '2';
  const errs = check('apps', 'Deployment', changed, deployment());
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^spec\.selector: Invalid value: .*: field is immutable$/);
});

test('labels: bad keys and values', () => {
  const errs = check('', 'ConfigMap', { metadata: { name: 'c', labels: { 'bad key': 'v', ok: 'bad value!' } } });
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^metadata\.labels: Invalid value: "bad key": name part must consist of/);
  assert.match(errs[1]!, /^metadata\.labels: Invalid value: "bad value!": a valid label must be an empty string or/);
});

test('service: DNS-1035 names, ports, immutable clusterIP', () => {
  assert.match(check('', 'Service', { metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } })[0]!, /^metadata\.name: Invalid value: "1web": a DNS-1035 label/);
  const errs = check('', 'Service', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }, { port: 0, protocol: 'HTTP' }] } });
  assert.deepEqual(errs, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value', 'spec.ports[1].port: Required value',
    'spec.ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']);
  assert.deepEqual(check('', 'Service', { metadata: { name: 'web' }, spec: {} }), ['spec.ports: Required value']);
  const old = { metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.5', ports: [{ port: 80 }] } };
  assert.deepEqual(check('', 'Service', { metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.6', ports: [{ port: 80 }] } }, old),
    ['spec.clusterIPs[0]: Invalid value: ["10.96.0.6"]: may not change once set']);
});

test('configmap keys, size limit and immutability', () => {
  assert.match(check('', 'ConfigMap', { metadata: { name: 'c' }, data: { 'bad/key': 'x' } })[0]!, /^data\[bad\/key\]: Invalid value: "bad\/key": a valid config key must consist/);
  assert.deepEqual(check('', 'ConfigMap', { metadata: { name: 'c' }, data: { big: 'x'.repeat(1024 * 1024 + 1) } }), [': Too long: may not be more than 1048576 bytes']);
  const old = { metadata: { name: 'c' }, immutable: true, data: { a: '1' } };
  assert.deepEqual(check('', 'ConfigMap', { metadata: { name: 'c' }, immutable: true, data: { a: '2' } }, old), ['data: Forbidden: field is immutable when `immutable` is set']);
  assert.deepEqual(check('', 'ConfigMap', { metadata: { name: 'c' }, data: { a: '1' } }, old), ['immutable: Forbidden: field is immutable when `immutable` is set']);
});

test('secret: base64, typed keys, immutable type', () => {
  assert.deepEqual(check('', 'Secret', { metadata: { name: 's' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }), ['data[tls.key]: Required value']);
  assert.deepEqual(check('', 'Secret', { metadata: { name: 's' }, data: { a: 'not base64!' } }), ['data[a]: Invalid value: "<secret contents redacted>": illegal base64 data']);
  assert.deepEqual(check('', 'Secret', { metadata: { name: 's' }, type: 'x/y' }, { metadata: { name: 's' } }), ['type: Invalid value: "x/y": field is immutable']);
});

test('pod update may only change images and a few fields', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a' }] } };
  assert.deepEqual(check('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'b' }] } }, pod), []);
  const errs = check('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a', command: ['x'] }] } }, pod);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^spec: Forbidden: pod updates may not change fields other than/);
});

test('pod: volumes, mounts, env names', () => {
  const errs = check('', 'Pod', { metadata: { name: 'p' }, spec: { volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }],
    containers: [{ name: 'c', image: 'a', volumeMounts: [{ name: 'nope', mountPath: '/m' }], env: [{ name: '1BAD' }] }] } });
  assert.deepEqual(errs.map((e) => e.split(':')[0]), ['spec.volumes[0].hostPath', 'spec.containers[0].env[0].name', 'spec.containers[0].volumeMounts[0].name']);
});

test('ingress rules, paths and backends', () => {
  const ing = { metadata: { name: 'i' }, spec: { rules: [{ host: 'foo.com', http: { paths: [
    { path: 'bar', pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 80 } } } },
    { path: '/x', backend: { service: { name: 'svc' } } },
    { path: '/y', pathType: 'Fuzzy', backend: { service: { name: 'svc', port: { name: 'http', number: 80 } } } },
  ] } }] } };
  assert.deepEqual(check('networking.k8s.io', 'Ingress', ing), [
    'spec.rules[0].http.paths[0].path: Invalid value: "bar": must be an absolute path',
    'spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified',
    'spec.rules[0].http.paths[1].backend.service.port: Invalid value: null: port name or number is required',
    'spec.rules[0].http.paths[2].pathType: Unsupported value: "Fuzzy": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    'spec.rules[0].http.paths[2].backend.service.port: Invalid value: {"name":"http","number":80}: cannot set both port name & port number',
  ]);
  assert.deepEqual(check('networking.k8s.io', 'Ingress', { metadata: { name: 'i' }, spec: {} }), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);
});

test('job: restartPolicy Always refused, template immutable', () => {
  const job = { metadata: { name: 'j', uid: 'u' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'a' }] } } } };
  assert.deepEqual(check('batch', 'Job', job), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  const ok = structuredClone(job) as any;
  ok.spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(check('batch', 'Job', ok), []);
  const changed = structuredClone(ok);
  changed.spec.template.spec.containers[0].image = 'b';
  assert.match(check('batch', 'Job', changed, ok)[0]!, /^spec\.template: Invalid value: .*field is immutable$/);
});

test('cron schedules', () => {
  assert.deepEqual(cronErrors('*/5 * * * *'), []);
  assert.deepEqual(cronErrors('0 0 1 jan mon-fri'), []);
  assert.deepEqual(cronErrors('@hourly'), []);
  assert.deepEqual(cronErrors('@every 1h30m'), []);
  assert.notDeepEqual(cronErrors('* * *'), []);
  assert.notDeepEqual(cronErrors('61 * * * *'), []);
  assert.notDeepEqual(cronErrors('TZ=UTC * * * * *'), []);
});

test('cluster-scoped kinds refuse a namespace; generateName is accepted', () => {
  assert.deepEqual(check('', 'Namespace', { metadata: { name: 'ns', namespace: 'x' } }), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.deepEqual(check('', 'ConfigMap', { metadata: { generateName: 'cm-' } }), []);
  assert.deepEqual(check('', 'ConfigMap', { metadata: {} }), ['metadata.name: Required value: name or generateName is required']);
});

test('causes render as the server lists them', () => {
  assert.equal(formatCauses([{ field: 'a', reason: 'FieldValueRequired', message: 'Required value' }]), 'a: Required value');
  assert.equal(formatCauses([{ field: 'a', reason: 'x', message: 'm1' }, { field: 'b', reason: 'x', message: 'm2' }]), '[a: m1, b: m2]');
});

test('container resources: quantity syntax and requests within limits', () => {
  const pod = (resources: unknown) => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a', resources }] } });
  assert.deepEqual(check('', 'Pod', pod({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } })), []);
  assert.deepEqual(check('', 'Pod', pod({ requests: { cpu: '2' }, limits: { cpu: '1500m' } })),
    ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m']);
  assert.match(check('', 'Pod', pod({ limits: { memory: '12 MB' } }))[0]!, /^spec\.containers\[0\]\.resources\.limits\[memory\]: Invalid value: "12 MB": quantities must match/);
});

test('cronjob time zones', () => {
  const cj = (timeZone: string) => ({ metadata: { name: 'c' }, spec: { schedule: '@daily', timeZone,
    jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'a' }] } } } } } });
  assert.deepEqual(check('batch', 'CronJob', cj('Europe/Paris')), []);
  assert.deepEqual(check('batch', 'CronJob', cj('Mars/Olympus')), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
});

test('rbac: roleRef kind and immutability, subject kinds, rule shapes', () => {
  const rb = { metadata: { name: 'rb', namespace: 'd' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'bob' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'd' }] };
  assert.deepEqual(check('rbac.authorization.k8s.io', 'RoleBinding', rb), []);
  const changed = { ...rb, roleRef: { ...rb.roleRef, name: 'other' } };
  assert.deepEqual(check('rbac.authorization.k8s.io', 'RoleBinding', changed, rb),
    ['roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"other"}: cannot change roleRef']);
  assert.deepEqual(check('rbac.authorization.k8s.io', 'ClusterRoleBinding', { metadata: { name: 'c' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'Robot', name: 'x' }] }), ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"', 'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']);
  assert.deepEqual(check('rbac.authorization.k8s.io', 'Role', { metadata: { name: 'r', namespace: 'd' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { apiGroups: [''], resources: ['pods'] }] }),
    ['rules[1].verbs: Required value: verbs must contain at least one value']);
});

test('storage: PVC needs access modes and a size, PV exactly one source', () => {
  assert.deepEqual(check('', 'PersistentVolumeClaim', { metadata: { name: 'c' }, spec: {} }),
    ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
  assert.deepEqual(check('', 'PersistentVolumeClaim', { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }), []);
  assert.deepEqual(check('', 'PersistentVolume', { metadata: { name: 'v' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/x' }, nfs: { server: 's', path: '/' } } }),
    ['spec.nfs: Forbidden: may not specify more than 1 volume type']);
});

test('node taints and lease durations', () => {
  assert.deepEqual(check('', 'Node', { metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule' }, { key: 'j', effect: 'Sometimes' }] } }),
    ['spec.taints[1]: Duplicate value: {"key":"k","effect":"NoSchedule"}', 'spec.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"']);
  assert.deepEqual(check('coordination.k8s.io', 'Lease', { metadata: { name: 'l', namespace: 'd' }, spec: { leaseDurationSeconds: 0 } }),
    ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});
