/**
 * The Network conformance suite: Docker-visible behaviour every implementation shares (records,
 * lookups, errors by kind, endpoints and their addresses, published-port bookkeeping, events).
 * CniNetwork runs it on the real kernel, MemoryNetwork in memory; kernel-only behaviour (traffic,
 * DNS, fences, teardown) is tested in network.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKind } from '../../errors/index.js';
import { EngineEvents, type EngineEvent } from '../events.js';
import { parseCidr, contains, parseIp } from './cidr.js';
import type { Network } from './types.js';

export interface SuiteTarget {
  network: Network;
  /** Removes everything the target created. */
  cleanup(): Promise<void>;
}

export function networkSuite(name: string, makeTarget: (events: EngineEvents) => Promise<SuiteTarget>): void {
  describe(`Network conformance: ${name}`, () => {
    const events = new EngineEvents();
    const seen: EngineEvent[] = [];
    const ac = new AbortController();
    let target: SuiteTarget;
    let net: Network;
    let n = 0;
    const key = () => `c0ffee${String(++n).padStart(18, '0')}`;

    before(async () => {
      void (async () => { for await (const ev of events.subscribe({}, ac.signal)) seen.push(ev); })();
      target = await makeTarget(events);
      net = target.network;
    });
    after(async () => {
      ac.abort();
      await target?.cleanup();
    });

    it('has bridge, host and none, which cannot be removed', async () => {
      const byName = new Map((await net.list()).map((r) => [r.Name, r]));
      assert.equal(byName.get('bridge')?.Driver, 'bridge');
      assert.equal(byName.get('host')?.Driver, 'host');
      assert.equal(byName.get('none')?.Driver, 'null');
      for (const p of ['bridge', 'host', 'none']) {
        await assert.rejects(net.remove(p), (e) => isKind(e, 'Forbidden') && (e as Error).message === `${p} is a pre-defined network and cannot be removed`);
      }
    });

    it('finds networks by name, full ID and ID prefix', async () => {
      const r = await net.create('suite-lookup', { labels: { team: 'a' } });
      assert.match(r.Id, /^[0-9a-f]{64}$/);
      assert.deepEqual(r.Labels, { team: 'a' });
      assert.equal((await net.get('suite-lookup')).Id, r.Id);
      assert.equal((await net.get(r.Id)).Name, 'suite-lookup');
      assert.equal((await net.get(r.Id.slice(0, 12))).Name, 'suite-lookup');
      await assert.rejects(net.get('suite-missing'), (e) => isKind(e, 'NotFound'));
      await net.remove(r.Id.slice(0, 12));
      await assert.rejects(net.get('suite-lookup'), (e) => isKind(e, 'NotFound'));
      assert.ok(seen.some((e) => e.Type === 'network' && e.Action === 'create' && e.Actor.ID === r.Id && e.Actor.Attributes.name === 'suite-lookup'));
      assert.ok(seen.some((e) => e.Type === 'network' && e.Action === 'destroy' && e.Actor.ID === r.Id));
    });

    it('refuses duplicate names, unknown drivers and overlapping subnets', async () => {
      const r = await net.create('suite-dup');
      await assert.rejects(net.create('suite-dup'), (e) => isKind(e, 'Conflict') && /already exists/.test((e as Error).message));
      await assert.rejects(net.create('suite-drv', { driver: 'no-such-driver' }), (e) => isKind(e, 'NotFound'));
      await assert.rejects(net.create('suite-host', { driver: 'host' }), (e) => isKind(e, 'Forbidden'));
      await assert.rejects(net.create('suite-overlap', { subnet: r.IPAM.Config[0].Subnet }), (e) => isKind(e, 'Forbidden'));
      await net.remove('suite-dup');
    });

    it('attaches with distinct addresses in the subnet, idempotently, and frees them on detach', async () => {
      const r = await net.create('suite-attach');
      const sub = parseCidr(r.IPAM.Config[0].Subnet);
      const k1 = key();
      const k2 = key();
      const ns1 = await net.createNetns(k1);
      const ns2 = await net.createNetns(k2);
      const a1 = await net.attach(k1, ns1, 'suite-attach', { name: 'one', aliases: ['uno'] });
      const a2 = await net.attach(k2, ns2, 'suite-attach', { name: 'two' });
      assert.notEqual(a1.ipAddress, a2.ipAddress);
      for (const a of [a1, a2]) {
        assert.ok(contains(sub, parseIp(a.ipAddress)!));
        assert.equal(a.gateway, r.IPAM.Config[0].Gateway);
        assert.equal(a.networkId, r.Id);
        assert.equal(a.networkName, 'suite-attach');
        assert.match(a.endpointId, /^[0-9a-f]{64}$/);
      }
      assert.deepEqual(a1.aliases, ['uno']);
      assert.deepEqual(await net.attach(k1, ns1, 'suite-attach', { name: 'one' }), a1);
      await assert.rejects(net.remove('suite-attach'), (e) => isKind(e, 'Conflict'));
      await assert.rejects(net.attach(key(), ns2, 'suite-attach', { name: 'x', ipv4Address: a2.ipAddress }), (e) => isKind(e, 'Conflict'));

      await net.detach(k1, ns1, 'suite-attach');
      await net.detach(k1, ns1, 'suite-attach');
      const k3 = key();
      const ns3 = await net.createNetns(k3);
      assert.equal((await net.attach(k3, ns3, r.Id, { name: 'three', ipv4Address: a1.ipAddress })).ipAddress, a1.ipAddress);
      assert.ok(seen.some((e) => e.Action === 'connect' && e.Actor.Attributes.container === k1));
      assert.ok(seen.some((e) => e.Action === 'disconnect' && e.Actor.Attributes.container === k1));

      for (const [k] of [[k1], [k2], [k3]]) await net.removeNetns(k);
      await net.remove('suite-attach');
    });

    it('gives host and none endpoints no address', async () => {
      const k = key();
      const ns = await net.createNetns(k);
      for (const p of ['none', 'host']) {
        const a = await net.attach(k, ns, p, { name: 'lonely' });
        assert.equal(a.ipAddress, '');
        assert.equal(a.networkName, p);
        await net.detach(k, ns, p);
      }
      await net.removeNetns(k);
    });

    it('resolves hostPort 0 and refuses a port already published', async () => {
      const k1 = key();
      const k2 = key();
      const ns1 = await net.createNetns(k1);
      const ns2 = await net.createNetns(k2);
      const a = await net.attach(k1, ns1, 'bridge', { name: 'pub', ports: [{ hostIp: '127.0.0.1', hostPort: 0, containerPort: 80, protocol: 'tcp' }] });
      const port = a.ports[0].hostPort;
      assert.ok(port > 0);
      await assert.rejects(
        net.attach(k2, ns2, 'bridge', { name: 'pub2', ports: [{ hostIp: '', hostPort: port, containerPort: 80, protocol: 'tcp' }] }),
        (e) => isKind(e, 'BadRequest') && (e as Error).message.includes(String(port)),
      );
      await net.removeNetns(k1);
      const b = await net.attach(k2, ns2, 'bridge', { name: 'pub2', ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 80, protocol: 'tcp' }] });
      assert.equal(b.ports[0].hostPort, port);
      await net.removeNetns(k2);
    });

    it('prunes unused user networks only', async () => {
      await net.create('suite-prune-a');
      await net.create('suite-prune-b');
      const k = key();
      const ns = await net.createNetns(k);
      await net.attach(k, ns, 'suite-prune-b', { name: 'keep' });
      const gone = await net.prune();
      assert.ok(gone.includes('suite-prune-a') && !gone.includes('suite-prune-b') && !gone.includes('bridge'));
      await net.removeNetns(k);
      assert.deepEqual(await net.prune(), ['suite-prune-b']);
    });

    it('points containers on user networks at their gateway for names, and nowhere on bridge', async () => {
      const r = await net.create('suite-dns');
      assert.deepEqual((await net.resolvConf(['suite-dns'])).nameservers, [r.IPAM.Config[0].Gateway]);
      assert.deepEqual((await net.resolvConf(['bridge'])).nameservers, []);
      await net.remove('suite-dns');
    });
  });
}
