import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceEnv } from './service-env.js';

const svc = (namespace: string, name: string, clusterIP: string, ports: Array<{ name?: string; port: number; protocol?: string }>) =>
  ({ metadata: { namespace, name }, spec: { clusterIP, ports } });

test('Service variables: the namespace\'s Services plus default/kubernetes, headless ones skipped', () => {
  const all = [
    svc('default', 'kubernetes', '10.0.0.1', [{ name: 'https', port: 443 }]),
    svc('app', 'my-db', '10.0.0.7', [{ name: 'sql', port: 5432 }, { port: 9000, protocol: 'UDP' }]),
    svc('app', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'x', '10.0.0.9', [{ port: 80 }]),
  ];
  const env = Object.fromEntries(serviceEnv('app', true, all));
  assert.deepEqual(env, {
    MY_DB_SERVICE_HOST: '10.0.0.7', MY_DB_SERVICE_PORT: '5432', MY_DB_SERVICE_PORT_SQL: '5432', MY_DB_PORT: 'tcp://10.0.0.7:5432',
    MY_DB_PORT_5432_TCP: 'tcp://10.0.0.7:5432', MY_DB_PORT_5432_TCP_PROTO: 'tcp', MY_DB_PORT_5432_TCP_PORT: '5432', MY_DB_PORT_5432_TCP_ADDR: '10.0.0.7',
    MY_DB_PORT_9000_UDP: 'udp://10.0.0.7:9000', MY_DB_PORT_9000_UDP_PROTO: 'udp', MY_DB_PORT_9000_UDP_PORT: '9000', MY_DB_PORT_9000_UDP_ADDR: '10.0.0.7',
    KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443', KUBERNETES_PORT: 'tcp://10.0.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.0.0.1:443', KUBERNETES_PORT_443_TCP_PROTO: 'tcp', KUBERNETES_PORT_443_TCP_PORT: '443', KUBERNETES_PORT_443_TCP_ADDR: '10.0.0.1',
  });
  assert.deepEqual(Object.keys(Object.fromEntries(serviceEnv('app', false, all))).filter((k) => !k.startsWith('KUBERNETES_')), []);
});
