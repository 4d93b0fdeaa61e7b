import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { RCode, startDnsServer, type DnsServer, type Question } from './index.js';

function nslookup(name: string, server: string): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('busybox', ['nslookup', name, server]);
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr.on('data', (b: Buffer) => (out += b.toString()));
    c.on('close', () => resolve(out));
  });
}

describe('DNS server', () => {
  // busybox nslookup only speaks to port 53; a random loopback address keeps parallel runs apart.
  const host = `127.53.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
  const asked: Question[] = [];
  let srv: DnsServer;

  before(async () => {
    srv = await startDnsServer({
      host,
      port: 53,
      resolve: (q) => {
        asked.push(q);
        if (q.name === 'web') return { rcode: RCode.NOERROR, authoritative: true, answers: q.type === 1 ? [{ name: q.name, ttl: 60, data: { type: 'A', address: '10.9.8.7' } }] : [] };
        if (q.name === 'boom') throw new Error('resolver failure');
        return q.name.includes('.') ? { rcode: RCode.REFUSED } : { rcode: RCode.NXDOMAIN, authoritative: true };
      },
    });
  });

  after(async () => {
    await srv.close();
  });

  it('answers A over UDP to a real resolver', async () => {
    const out = await nslookup('web', host);
    assert.match(out, /Address:\s+10\.9\.8\.7/);
    assert.ok(asked.some((q) => q.name === 'web' && q.type === 1));
  });

  it('answers NXDOMAIN for unknown single labels and REFUSED for foreign names', async () => {
    assert.match(await nslookup('nothing', host), /NXDOMAIN/);
    assert.match(await nslookup('example.org', host), /REFUSED/);
  });

  it('answers over TCP with the length prefix, SERVFAIL when the resolver throws', async () => {
    const q = (id: number, name: string) => {
      const body = Buffer.concat([Buffer.from([0, id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, name.length]), Buffer.from(name), Buffer.from([0, 0, 1, 0, 1])]);
      return Buffer.concat([Buffer.from([body.length >> 8, body.length & 255]), body]);
    };
    const replies = await new Promise<Buffer[]>((resolve, reject) => {
      const sock = connect({ host, port: srv.port }, () => sock.write(Buffer.concat([q(1, 'web'), q(2, 'boom')])));
      let buf = Buffer.alloc(0);
      const got: Buffer[] = [];
      sock.on('data', (b: Buffer) => {
        buf = Buffer.concat([buf, b]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          got.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (got.length === 2) { sock.end(); resolve(got); }
      });
      sock.on('error', reject);
    });
    const byId = new Map(replies.map((r) => [r.readUInt16BE(0), r]));
    assert.deepEqual([...byId.get(1)!.subarray(-4)], [10, 9, 8, 7]);
    assert.equal(byId.get(2)!.readUInt16BE(2) & 0xf, RCode.SERVFAIL);
  });
});
