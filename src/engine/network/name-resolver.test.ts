import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveName, type NameView } from './name-resolver.js';
import type { Endpoint } from './store.js';

function ep(key: string, networkId: string, name: string, ip: string, aliases: string[] = []): Endpoint {
  return {
    key, networkId, netnsPath: '', ifName: 'eth0', state: 'ready', name, aliases, requestedPorts: [],
    attachment: { networkId, networkName: networkId, endpointId: '', ipAddress: ip, ipPrefixLen: 24, gateway: '', macAddress: '', aliases, ports: [] },
  };
}

describe('name resolver', () => {
  const all = [
    ep('k1aaaaaaaaaaaaaa', 'n1', 'web', '10.1.16.2', ['api']),
    ep('k2bbbbbbbbbbbbbb', 'n1', 'db', '10.1.16.3'),
    ep('k2bbbbbbbbbbbbbb', 'n2', 'db', '10.1.17.2'),
    ep('k3cccccccccccccc', 'n2', 'cache', '10.1.17.3'),
  ];
  const view: NameView = {
    endpointsOn: (id) => all.filter((e) => e.networkId === id),
    endpointsOf: (key) => all.filter((e) => e.key === key),
    networkName: (id) => ({ n1: 'front', n2: 'back' })[id],
    servesNames: () => true,
  };
  const client = (address: string) => ({ address, port: 1, transport: 'udp' as const });
  const a = (r: ReturnType<typeof resolveName>) => (r.answers ?? []).map((x) => (x.data as { address: string }).address);

  it('answers names, aliases, short IDs and name.network', () => {
    assert.deepEqual(a(resolveName(view, 'n1', { name: 'api', type: 1, class: 1 }, client('10.1.16.3'))), ['10.1.16.2']);
    assert.deepEqual(a(resolveName(view, 'n1', { name: 'k1aaaaaaaaaa', type: 1, class: 1 }, client('10.1.16.3'))), ['10.1.16.2']);
    assert.deepEqual(a(resolveName(view, 'n1', { name: 'web.front', type: 1, class: 1 }, client('10.1.16.3'))), ['10.1.16.2']);
  });

  it('resolves across every network the asker is on, but not others', () => {
    assert.deepEqual(a(resolveName(view, 'n1', { name: 'cache', type: 1, class: 1 }, client('10.1.16.3'))), ['10.1.17.3']);
    assert.equal(resolveName(view, 'n1', { name: 'cache', type: 1, class: 1 }, client('10.1.16.2')).rcode, 3);
  });

  it('NODATA for other types of known names, NXDOMAIN and REFUSED otherwise', () => {
    const r = resolveName(view, 'n1', { name: 'web', type: 28, class: 1 }, client('10.1.16.3'));
    assert.equal(r.rcode, 0);
    assert.deepEqual(r.answers, []);
    assert.equal(resolveName(view, 'n1', { name: 'nope', type: 1, class: 1 }, client('10.1.16.3')).rcode, 3);
    assert.equal(resolveName(view, 'n1', { name: 'example.com', type: 1, class: 1 }, client('10.1.16.3')).rcode, 5);
  });

  it('answers PTR for endpoint addresses', () => {
    const r = resolveName(view, 'n1', { name: '2.16.1.10.in-addr.arpa', type: 12, class: 1 }, client('10.1.16.3'));
    assert.deepEqual(r.answers?.map((x) => x.data), [{ type: 'PTR', target: 'web.front' }]);
  });
});
