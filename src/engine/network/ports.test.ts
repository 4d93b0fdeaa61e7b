import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { isKind } from '../../errors/index.js';
import { reservePorts } from './ports.js';

const tcp = (hostPort: number, hostIp = '127.0.0.1') => ({ hostIp, hostPort, containerPort: 80, protocol: 'tcp' as const });

describe('reservePorts', () => {
  it('resolves hostPort 0 to a free port and keeps explicit ones', async () => {
    const [p] = await reservePorts('web', [tcp(0)], []);
    assert.ok(p.hostPort > 0);
    const [q] = await reservePorts('web', [tcp(p.hostPort, '')], []);
    assert.deepEqual(q, { ...tcp(p.hostPort), hostIp: '0.0.0.0' });
  });

  it('refuses a port forwarded by any DNAT rule, for overlapping addresses only', async () => {
    const taken = [{ protocol: 'tcp', hostIp: '127.0.0.2', from: 40000, to: 40010, chain: 'DOCKER' }];
    await assert.rejects(reservePorts('web', [tcp(40005, '')], taken), (e) => isKind(e, 'BadRequest') && /40005/.test((e as Error).message));
    await assert.rejects(reservePorts('web', [tcp(40005, '127.0.0.2')], taken), (e) => isKind(e, 'BadRequest'));
    const [ok] = await reservePorts('web', [tcp(40005, '127.0.0.1')], taken);
    assert.equal(ok.hostPort, 40005);
    const [udp] = await reservePorts('web', [{ ...tcp(40005, ''), protocol: 'udp' }], taken);
    assert.equal(udp.protocol, 'udp');
  });

  it('refuses the same port twice in one request', async () => {
    await assert.rejects(reservePorts('web', [tcp(40100), tcp(40100, '')], []), (e) => isKind(e, 'BadRequest') && /40100/.test((e as Error).message));
  });

  it('refuses ports a host process holds, TCP and UDP', async () => {
    const srv = createServer();
    const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
    const sock = createSocket('udp4');
    const uport = await new Promise<number>((r) => sock.bind(0, '127.0.0.1', () => r(sock.address().port)));
    try {
      await assert.rejects(reservePorts('web', [tcp(port, '')], []), (e) => isKind(e, 'BadRequest') && (e as Error).message.includes(String(port)));
      await assert.rejects(reservePorts('web', [{ ...tcp(uport), protocol: 'udp' }], []), (e) => isKind(e, 'BadRequest') && (e as Error).message.includes(String(uport)));
    } finally {
      srv.close();
      sock.close();
    }
  });

  it('rejects malformed bindings', async () => {
    await assert.rejects(reservePorts('web', [tcp(80, 'not-an-ip')], []), (e) => isKind(e, 'BadRequest'));
    await assert.rejects(reservePorts('web', [{ ...tcp(80), containerPort: 0 }], []), (e) => isKind(e, 'BadRequest'));
    await assert.rejects(reservePorts('web', [{ ...tcp(70000) }], []), (e) => isKind(e, 'BadRequest'));
    await assert.rejects(reservePorts('web', [tcp(80, '192.0.2.99')], []), (e) => isKind(e, 'BadRequest'));
  });
});
