/**
 * CniNetwork against the real kernel and the real CNI plugins: throw-away instances in temp data
 * dirs, real network namespaces, busybox httpd and nslookup inside them.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { loadInstance, type Instance, purgeDataDir } from '../../server/instance.js';
import { EngineEvents, type EngineEvent } from '../events.js';
import { isKind } from '../../errors/index.js';
import { createNetwork, teardownNetwork, type Network } from './index.js';

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
/** For commands that talk to a server in this process (the DNS), which spawnSync would block. */
function shAsync(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lines of iptables-save (counters stripped) that belong to no Bosun instance and no CNI plugin. */
function hostRules(): string[] {
  // Rules and non-default policies only: iptables-nft keeps an emptied table's built-in chains.
  return sh('iptables-save', []).stdout.split('\n')
    .filter((l) => (l.startsWith('-') || (l.startsWith(':') && !/ ACCEPT /.test(l))) && !/BOSUN-|CNI-/.test(l))
    .map((l) => l.replace(/\[\d+:\d+\]/, ''))
    .sort();
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(dir));
}

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

/** Polls until the server inside a namespace answers (it starts asynchronously). */
async function waitHttp(url: string): Promise<string> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      return await httpGet(url);
    } catch (e) {
      last = e;
      await sleep(50);
    }
  }
  throw last;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe('CniNetwork', () => {
  let dir: string;
  let dir2: string;
  let inst: Instance;
  let inst2: Instance | undefined;
  let net: Network;
  let net2: Network | undefined;
  const events = new EngineEvents();
  const seen: EngineEvent[] = [];
  const children: ChildProcess[] = [];
  let www: string;
  let rulesBefore: string[];
  const ac = new AbortController();

  before(async () => {
    rulesBefore = hostRules();
    dir = mkdtempSync('/tmp/bosun-test-');
    dir2 = mkdtempSync('/tmp/bosun-test-');
    inst = loadInstance(dir);
    www = join(dir, 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'index.html'), 'hello from the namespace\n');
    void (async () => { for await (const ev of events.subscribe({}, ac.signal)) seen.push(ev); })();
    net = await createNetwork(inst, events);
  });

  after(async () => {
    ac.abort();
    for (const c of children) c.kill('SIGKILL');
    await net?.close();
    await net2?.close();
    await teardownNetwork(inst);
    if (inst2) await teardownNetwork(inst2);
    purgeDataDir(dir);
    purgeDataDir(dir2);
  });

  function httpd(nsPath: string): void {
    const c = spawn('nsenter', [`--net=${nsPath}`, 'busybox', 'httpd', '-f', '-p', '8080', '-h', www], { stdio: 'ignore' });
    children.push(c);
  }

  it('lists the three predefined networks, Docker-shaped', async () => {
    const names = (await net.list()).map((n) => n.Name).sort();
    assert.deepEqual(names, ['bridge', 'host', 'none']);
    const b = await net.get('bridge');
    assert.equal(b.IPAM.Config[0].Subnet, inst.defaultBridgeSubnet);
    assert.equal((await net.get(b.Id.slice(0, 6))).Name, 'bridge');
    await assert.rejects(net.get('nope'), (e) => isKind(e, 'NotFound'));
    await assert.rejects(net.remove('bridge'), (e) => isKind(e, 'Forbidden') && /pre-defined network/.test((e as Error).message));
  });

  let nsA: string;
  let ipA: string;

  it('serves a container on the default bridge at its own IP', async () => {
    nsA = await net.createNetns('aaaa00000000000000000001');
    const att = await net.attach('aaaa00000000000000000001', nsA, 'bridge', { name: 'alpha' });
    ipA = att.ipAddress;
    assert.ok(ipA.startsWith(inst.defaultBridgeSubnet.split('.').slice(0, 3).join('.') + '.'), ipA);
    assert.equal(att.ipPrefixLen, 24);
    assert.match(att.macAddress, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.doesNotMatch(sh('nsenter', [`--net=${nsA}`, 'ip', 'route']).stdout, /default/, 'no route out of the subnet');
    httpd(nsA);
    assert.equal(await waitHttp(`http://${ipA}:8080/`), 'hello from the namespace\n');
    assert.ok(seen.some((e) => e.Type === 'network' && e.Action === 'connect' && e.Actor.Attributes.container === 'aaaa00000000000000000001'));
  });

  let publishedPort: number;

  it('publishes 127.0.0.1:<port> and hostPort 0 through DNAT', async () => {
    publishedPort = await freePort();
    const ns = await net.createNetns('aaaa00000000000000000002');
    const att = await net.attach('aaaa00000000000000000002', ns, 'bridge', {
      name: 'beta',
      ports: [
        { hostIp: '127.0.0.1', hostPort: publishedPort, containerPort: 8080, protocol: 'tcp' },
        { hostIp: '', hostPort: 0, containerPort: 8080, protocol: 'tcp' },
      ],
    });
    httpd(ns);
    assert.equal(att.ports[0].hostPort, publishedPort);
    const picked = att.ports[1].hostPort;
    assert.ok(picked > 0 && picked !== publishedPort);
    assert.equal(await waitHttp(`http://127.0.0.1:${publishedPort}/`), 'hello from the namespace\n');
    assert.equal(await waitHttp(`http://127.0.0.1:${picked}/`), 'hello from the namespace\n');
    // hairpin: a container reaching a published port through its gateway
    const gw = att.gateway;
    const r = sh('nsenter', [`--net=${nsA}`, 'timeout', '5', 'busybox', 'wget', '-q', '-O', '-', `http://${gw}:${picked}/`]);
    assert.equal(r.stdout, 'hello from the namespace\n', r.stderr);
  });

  it('refuses a port already taken, naming it, and leaves nothing behind', async () => {
    const leasesBefore = readdirSync(join(inst.paths.cni, (await net.get('bridge')).Id)).sort();
    const ns = await net.createNetns('aaaa00000000000000000003');
    // taken by this instance's own DNAT
    await assert.rejects(
      net.attach('aaaa00000000000000000003', ns, 'bridge', { name: 'gamma', ports: [{ hostIp: '', hostPort: publishedPort, containerPort: 80, protocol: 'tcp' }] }),
      (e) => isKind(e, 'BadRequest') && (e as Error).message.includes(String(publishedPort)),
    );
    // taken by a host process
    const srv: Server = createServer();
    const hostPort = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as { port: number }).port)));
    try {
      await assert.rejects(
        net.attach('aaaa00000000000000000003', ns, 'bridge', { name: 'gamma', ports: [{ hostIp: '127.0.0.1', hostPort, containerPort: 80, protocol: 'tcp' }] }),
        (e) => isKind(e, 'BadRequest') && (e as Error).message.includes(String(hostPort)),
      );
    } finally {
      srv.close();
    }
    assert.deepEqual(readdirSync(join(inst.paths.cni, (await net.get('bridge')).Id)).sort(), leasesBefore);
    assert.equal(sh('nsenter', [`--net=${ns}`, 'ip', '-o', 'link', 'show', 'eth0']).status, 1, 'no interface was plugged in');
    assert.ok(!sh('iptables', ['-t', 'nat', '-S']).stdout.includes(`--dport ${hostPort} `));
    await net.removeNetns('aaaa00000000000000000003');
    assert.ok(!existsSync(ns));
    assert.deepEqual(mountsUnder(ns), []);
  });

  it('resolves peers by name, alias, short ID and hostname on a user network', async () => {
    const n = await net.create('testnet', { labels: { a: 'b' } });
    await assert.rejects(net.create('testnet'), (e) => isKind(e, 'Conflict'));
    const gw = n.IPAM.Config[0].Gateway;
    const ns1 = await net.createNetns('bbbb00000000000000000001');
    const ns2 = await net.createNetns('bbbb00000000000000000002');
    const a1 = await net.attach('bbbb00000000000000000001', ns1, 'testnet', { name: 'web', aliases: ['frontend'] });
    const a2 = await net.attach('bbbb00000000000000000002', ns2, 'testnet', { name: 'peer', hostname: 'peerhost' });
    assert.deepEqual(await net.resolvConf(['testnet']), { nameservers: [gw], search: [], options: ['ndots:0'] });
    for (const [from, name, ip] of [[ns1, 'peer', a2.ipAddress], [ns2, 'web', a1.ipAddress], [ns2, 'frontend', a1.ipAddress], [ns1, 'bbbb00000000', a1.ipAddress], [ns1, 'peerhost', a2.ipAddress], [ns1, 'PEER.testnet', a2.ipAddress]]) {
      const r = await shAsync('nsenter', [`--net=${from}`, 'busybox', 'nslookup', name, gw]);
      assert.match(r.stdout, new RegExp(`Address:\\s+${ip.replace(/\./g, '\\.')}(\\s|$)`), `${name}: ${r.stdout}${r.stderr}`);
    }
    const miss = await shAsync('nsenter', [`--net=${ns1}`, 'busybox', 'nslookup', 'nosuchname', gw]);
    assert.match(miss.stdout + miss.stderr, /NXDOMAIN/);
    // same network: direct traffic works; the default bridge is another network: isolated
    const ping = await shAsync('nsenter', [`--net=${ns1}`, 'busybox', 'ping', '-c', '1', '-W', '2', a2.ipAddress]);
    assert.equal(ping.status, 0, ping.stdout + ping.stderr);
    assert.notEqual(sh('nsenter', [`--net=${ns1}`, 'busybox', 'ping', '-c', '1', '-W', '1', ipA]).status, 0);
    // Nothing beyond the host, checked on the rules rather than by sending a packet out (which a
    // broken fence would let escape): FORWARD enters our chain first, and it drops the supernet.
    assert.ok(sh('iptables', ['-S', 'FORWARD']).stdout.includes(`-A FORWARD -j ${inst.chainPrefix}-FWD\n`));
    const fwd = sh('iptables', ['-S', `${inst.chainPrefix}-FWD`]).stdout;
    assert.ok(fwd.includes(`-s ${inst.supernet} -j DROP`) && fwd.includes(`-d ${inst.supernet} -j DROP`), fwd);
    await assert.rejects(net.remove('testnet'), (e) => isKind(e, 'Conflict'));
    // a second network on a running container is its next interface, and goes away alone
    const extra = await net.attach('bbbb00000000000000000001', ns1, 'bridge', { name: 'web' });
    assert.match(sh('nsenter', [`--net=${ns1}`, 'ip', '-o', '-4', 'addr', 'show', 'eth1']).stdout, new RegExp(`inet ${extra.ipAddress.replace(/\./g, '\\.')}/24`));
    await net.detach('bbbb00000000000000000001', ns1, 'bridge');
    assert.equal(sh('nsenter', [`--net=${ns1}`, 'ip', 'link', 'show', 'eth1']).status, 1);
    assert.equal(sh('nsenter', [`--net=${ns1}`, 'ip', 'link', 'show', 'eth0']).status, 0);
  });

  it('releases the IP on detach so it can be taken again', async () => {
    const ns = await net.createNetns('cccc00000000000000000001');
    const a = await net.attach('cccc00000000000000000001', ns, 'testnet', { name: 'first' });
    await net.detach('cccc00000000000000000001', ns, 'testnet');
    const leases = readdirSync(join(inst.paths.cni, a.networkId));
    assert.ok(!leases.includes(a.ipAddress), `${a.ipAddress} still leased: ${leases.join(' ')}`);
    const ns2 = await net.createNetns('cccc00000000000000000002');
    const b = await net.attach('cccc00000000000000000002', ns2, 'testnet', { name: 'second', ipv4Address: a.ipAddress });
    assert.equal(b.ipAddress, a.ipAddress);
    await net.removeNetns('cccc00000000000000000002');
    await net.removeNetns('cccc00000000000000000001');
    assert.ok(!readdirSync(join(inst.paths.cni, a.networkId)).includes(a.ipAddress));
  });

  it('attaches 20 namespaces concurrently with distinct, reachable addresses and detaches them all concurrently', async () => {
    const r = await net.create('burst');
    const keys = Array.from({ length: 20 }, (_, i) => `dddd${String(i).padStart(20, '0')}`);
    const nss = await Promise.all(keys.map((k) => net.createNetns(k)));
    // Every fifth one also publishes a port with hostPort 0: concurrent reservations must not pick the same one.
    const pub = (i: number) => i % 5 === 0;
    const atts = await Promise.all(keys.map((k, i) => net.attach(k, nss[i], 'burst', {
      name: `burst${i}`,
      ...(pub(i) ? { ports: [{ hostIp: '127.0.0.1', hostPort: 0, containerPort: 8080, protocol: 'tcp' as const }] } : {}),
    })));
    const ips = atts.map((a) => a.ipAddress);
    assert.equal(new Set(ips).size, 20, ips.join(' '));
    const hostPorts = atts.filter((_, i) => pub(i)).map((a) => a.ports[0]?.hostPort);
    assert.equal(new Set(hostPorts).size, 4, hostPorts.join(' '));
    for (const ip of ips) {
      const p = sh('busybox', ['ping', '-c', '1', '-W', '5', ip]);
      assert.equal(p.status, 0, `${ip} unreachable: ${p.stdout}${p.stderr}`);
    }
    // Each one's published port leads to its own address.
    const nat = sh('iptables-save', ['-t', 'nat']).stdout;
    for (const [i, a] of atts.entries()) {
      if (pub(i)) assert.ok(nat.includes(`--dport ${a.ports[0].hostPort} -j DNAT --to-destination ${a.ipAddress}:8080`), `no DNAT for ${a.ipAddress}`);
    }

    await Promise.all(keys.map((k, i) => net.detach(k, nss[i], 'burst')));
    const leases = readdirSync(join(inst.paths.cni, r.Id)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
    assert.deepEqual(leases, []);
    const natAfter = sh('iptables-save', ['-t', 'nat']).stdout;
    for (const a of atts) assert.ok(!natAfter.includes(`--to-destination ${a.ipAddress}:`), `DNAT to ${a.ipAddress} left`);
    await Promise.all(keys.map((k) => net.removeNetns(k)));
    // No endpoint is left on it, or this would be a Conflict.
    await net.remove('burst');
  });

  it('gives a host port to only one of two concurrent attaches asking for it', async () => {
    const port = await freePort();
    const keys = ['eeee00000000000000000001', 'eeee00000000000000000002'];
    const nss = await Promise.all(keys.map((k) => net.createNetns(k)));
    const results = await Promise.allSettled(keys.map((k, i) => net.attach(k, nss[i], 'bridge', {
      name: `race${i}`, ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 8080, protocol: 'tcp' }],
    })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(isKind(lost[0].reason, 'BadRequest') && String(lost[0].reason.message).includes(String(port)), String(lost[0].reason));
    await Promise.all(keys.map((k) => net.removeNetns(k)));
    assert.ok(!sh('iptables-save', ['-t', 'nat']).stdout.includes(`--dport ${port} -j DNAT`));
  });

  it('fences the supernet: with a bridge deleted, nothing routes out the default interface', async () => {
    const n = await net.create('fenced');
    const sub = n.IPAM.Config[0].Subnet.split('/')[0].split('.');
    const probe = `${sub[0]}.${sub[1]}.${sub[2]}.77`;
    const bridge = (await net.get('fenced')).Options['com.docker.network.bridge.name'] ?? '';
    const stored = JSON.parse(readFileSync(join(inst.paths.networks, `${n.Id}.json`), 'utf8')) as { bridge: string };
    assert.equal(sh('ip', ['link', 'del', stored.bridge]).status, 0, bridge);
    for (const addr of [probe, `10.${inst.octet}.99.1`]) {
      const r = sh('ip', ['route', 'get', addr]);
      assert.ok(!/ via | dev eth/.test(r.stdout) && /unreachable|No route/i.test(r.stdout + r.stderr), `${addr}: ${r.stdout}${r.stderr}`);
    }
    await net.remove('fenced');
    assert.ok(seen.some((e) => e.Action === 'destroy' && e.Actor.ID === n.Id));
  });

  it('a user subnet outside the supernet is fenced too', async () => {
    // A random /24 so parallel runs of this suite do not collide on it.
    const third = Math.floor(Math.random() * 256);
    const subnet = `10.250.${third}.0/24`;
    const n = await net.create('outside', { subnet });
    assert.equal(n.IPAM.Config[0].Gateway, `10.250.${third}.1`);
    assert.ok(sh('ip', ['route', 'show', 'type', 'unreachable']).stdout.includes(subnet));
    assert.ok(sh('iptables', ['-S', `${inst.chainPrefix}-FWD`]).stdout.includes(`-d ${subnet} -j DROP`));
    await assert.rejects(net.create('overlap', { subnet: `10.250.${third}.128/25` }), (e) => isKind(e, 'Forbidden'));
    await assert.rejects(net.create('hostbits', { subnet: '10.251.0.1/24' }), (e) => isKind(e, 'BadRequest'));
    await assert.rejects(net.create('lan', { subnet: '192.0.2.0/25' }), (e) => isKind(e, 'Forbidden'));
    await assert.rejects(net.create('bad name!'), (e) => isKind(e, 'BadRequest'));
    await assert.rejects(net.create('ov', { driver: 'overlay' }), (e) => isKind(e, 'NotFound'));
    assert.deepEqual((await net.list()).map((n) => n.Name).sort(), ['bridge', 'host', 'none', 'outside', 'testnet']);
    assert.deepEqual(await net.prune(), ['outside']);
    assert.ok(!sh('ip', ['route', 'show', 'type', 'unreachable']).stdout.includes(subnet));
  });

  it('a restarted network re-registers names, keeps published ports and frees leases of vanished namespaces', async () => {
    await net.close();
    // While no server runs, the first container's namespace goes away (its container was removed).
    const bridgeId = (await net.get('bridge')).Id;
    assert.ok(readdirSync(join(inst.paths.cni, bridgeId)).includes(ipA));
    assert.equal(sh('umount', [nsA]).status, 0);
    rmSync(nsA);
    net = await createNetwork(inst, events);
    assert.ok(!readdirSync(join(inst.paths.cni, bridgeId)).includes(ipA));
    assert.equal(await waitHttp(`http://127.0.0.1:${publishedPort}/`), 'hello from the namespace\n');
    const gw = (await net.get('testnet')).IPAM.Config[0].Gateway;
    const r = await shAsync('nsenter', [`--net=${inst.paths.netns}/bbbb00000000000000000001`, 'busybox', 'nslookup', 'peer', gw]);
    assert.match(r.stdout, /Address:\s+10\./, r.stdout + r.stderr);
  });

  it('teardown removes every resource of the instance and spares another instance', async () => {
    inst2 = loadInstance(dir2);
    assert.notEqual(inst2.octet, inst.octet);
    net2 = await createNetwork(inst2, events);
    const ns2 = await net2.createNetns('dddd00000000000000000001');
    await net2.attach('dddd00000000000000000001', ns2, 'bridge', { name: 'other' });

    await net.close();
    await teardownNetwork(inst);
    await teardownNetwork(inst);
    const links = sh('ip', ['-o', 'link', 'show']).stdout;
    assert.ok(!links.includes(`${inst.ifPrefix}`), links);
    assert.deepEqual(mountsUnder(inst.paths.netns), []);
    assert.ok(!sh('ip', ['route', 'show', 'table', 'all']).stdout.includes(`10.${inst.octet}.`));
    assert.ok(!sh('iptables-save', []).stdout.includes(inst.chainPrefix));
    assert.deepEqual(readdirSync(inst.paths.netns), []);

    assert.ok(sh('ip', ['-o', 'link', 'show']).stdout.includes(`${inst2.ifPrefix}0`));
    assert.ok(sh('iptables-save', []).stdout.includes(`${inst2.chainPrefix}-FWD`));
    assert.deepEqual(mountsUnder(ns2), [ns2]);
    await net2.close();
    await teardownNetwork(inst2);
    assert.ok(!sh('iptables-save', []).stdout.includes(inst2.chainPrefix));
    assert.deepEqual(hostRules(), rulesBefore);
  });
});
