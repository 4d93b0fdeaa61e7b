/**
 * The manager with the real CNI network: a published port answers on 127.0.0.1, and a start that
 * fails on a taken port leaves no netns, IP lease, conmon or cgroup behind.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { get } from 'node:http';
import { join } from 'node:path';
import { loadInstance } from '../../server/instance.js';
import { EngineEvents } from '../events.js';
import { createImageStore } from '../images/index.js';
import { createNetwork } from '../network/index.js';
import { RuncRuntime } from '../runtime/runc-runtime.js';
import { LocalVolumeStore } from '../volumes/local-volume-store.js';
import { teardownEngine } from '../index.js';
import { RuncContainerManager } from './manager.js';

const dataDir = mkdtempSync('/tmp/bosun-test-');
const instance = loadInstance(dataDir);
const events = new EngineEvents();
const setup = (async () => {
  const images = await createImageStore(instance, events);
  const network = await createNetwork(instance, events);
  const m = new RuncContainerManager({ instance, images, network, volumes: new LocalVolumeStore(instance.paths.volumes, events), runtime: new RuncRuntime(instance.paths.runcRoot, instance.paths.conmon), events });
  await m.open();
  return { m, network };
})();

after(async () => {
  const { m, network } = await setup;
  await m.close();
  await network.close();
  await teardownEngine(instance);
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/index.html', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

function leases(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/^\d+\.\d+\.\d+\.\d+$/.test(e.name)) out.push(e.name);
    }
  };
  try { walk(instance.paths.cni); } catch { /* no leases yet */ }
  return out;
}

test('published port on the default bridge answers; a taken port is refused and rolled back', async () => {
  const { m } = await setup;
  const port = await freePort();
  const web = await m.create('web', { Image: 'busybox', Cmd: ['sh', '-c', 'echo served > /index.html; exec httpd -f -p 80 -h /'], ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } } });
  await m.start(web.Id);
  const insp = await m.inspect(web.Id);
  const ns = insp.NetworkSettings as { IPAddress: string; Ports: Record<string, Array<{ HostIp: string; HostPort: string }>> };
  assert.match(ns.IPAddress, /^10\.\d+\.0\.\d+$/);
  assert.deepEqual(ns.Ports['80/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
  let body = '';
  for (let i = 0; i < 50 && body !== 'served\n'; i++) {
    body = await httpGet(port).catch(() => '');
    if (body !== 'served\n') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(body, 'served\n');
  assert.equal(readFileSync(join(instance.paths.containers, web.Id, 'hosts'), 'utf8').includes(`${ns.IPAddress}\t${web.Id.slice(0, 12)}`), true);

  const leasesBefore = leases().sort();
  const netnsBefore = readdirSync(instance.paths.netns).sort();
  const clash = await m.create('clash', { Image: 'busybox', Cmd: ['sleep', '30'], HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } } });
  await assert.rejects(m.start(clash.Id), (e: Error) => new RegExp(String(port)).test(e.message));
  assert.equal((await m.inspect(clash.Id)).State.Running, false);
  assert.deepEqual(leases().sort(), leasesBefore, 'no IP lease left');
  assert.deepEqual(readdirSync(instance.paths.netns).sort(), netnsBefore, 'no netns left');
  assert.deepEqual(readdirSync(instance.paths.runcRoot).filter((f) => f === clash.Id), [], 'no runc state');
  await m.remove(clash.Id);
  await m.remove(web.Id, { force: true });
  assert.deepEqual(leases(), []);
  assert.deepEqual(readdirSync(instance.paths.netns), []);
});
