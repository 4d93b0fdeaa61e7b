import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeResponse, FormatError, parseQuery, RCode, RRType } from './message.js';
import { parseReverseName, reverseName } from './names.js';

/** A query as resolvers send it, built by hand (independent of the encoder under test). */
function query(id: number, name: string, type: number): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  return Buffer.concat([Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, type >> 8, type & 255, 0, 1])]);
}

describe('DNS message', () => {
  it('parses a query, lower-casing the name', () => {
    const q = parseQuery(query(0x1234, 'Web.Example', RRType.A));
    assert.equal(q.id, 0x1234);
    assert.equal(q.rd, true);
    assert.deepEqual(q.questions, [{ name: 'web.example', type: 1, class: 1 }]);
  });

  it('rejects garbage, keeping the ID when the header was readable', () => {
    assert.throws(() => parseQuery(Buffer.from([1, 2, 3])), (e) => e instanceof FormatError && e.id === undefined);
    const bad = Buffer.concat([query(7, 'a', 1).subarray(0, 14)]);
    assert.throws(() => parseQuery(bad), (e) => e instanceof FormatError && e.id === 7);
  });

  it('encodes A answers with a compression pointer to the question', () => {
    const q = parseQuery(query(9, 'web', RRType.A));
    const out = encodeResponse(q, { rcode: RCode.NOERROR, authoritative: true, answers: [{ name: 'web', ttl: 600, data: { type: 'A', address: '10.1.2.3' } }] });
    assert.equal(out.readUInt16BE(0), 9);
    const flags = out.readUInt16BE(2);
    assert.ok(flags & 0x8000 && flags & 0x0400 && flags & 0x0100);
    assert.equal(flags & 0xf, 0);
    assert.equal(out.readUInt16BE(6), 1);
    // header 12 + question (1+3+1 + 4) = 21; the answer name is a pointer to offset 12
    assert.equal(out.readUInt16BE(21), 0xc00c);
    assert.deepEqual([...out.subarray(out.length - 4)], [10, 1, 2, 3]);
  });

  it('sets TC instead of exceeding the UDP size', () => {
    const q = parseQuery(query(1, 'many', RRType.A));
    const answers = Array.from({ length: 60 }, (_, i) => ({ name: 'many', ttl: 1, data: { type: 'A' as const, address: `10.0.0.${i}` } }));
    const out = encodeResponse(q, { rcode: 0, answers }, 512);
    assert.ok(out.length <= 512);
    assert.ok(out.readUInt16BE(2) & 0x0200);
    assert.equal(out.readUInt16BE(6), 0);
  });

  it('encodes SRV, PTR, TXT, AAAA and SOA records', () => {
    const q = parseQuery(query(2, 'x', RRType.ANY));
    const out = encodeResponse(q, {
      rcode: 0,
      answers: [
        { name: '_http._tcp.svc', ttl: 5, data: { type: 'SRV', priority: 0, weight: 100, port: 80, target: 'svc' } },
        { name: '3.2.1.10.in-addr.arpa', ttl: 5, data: { type: 'PTR', target: 'web.net' } },
        { name: 'x', ttl: 5, data: { type: 'TXT', text: ['hi'] } },
        { name: 'x', ttl: 5, data: { type: 'AAAA', address: 'fd00::1' } },
      ],
      authority: [{ name: 'x', ttl: 5, data: { type: 'SOA', mname: 'ns', rname: 'host', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }],
    });
    assert.equal(out.readUInt16BE(6), 4);
    assert.equal(out.readUInt16BE(8), 1);
    assert.ok(out.includes(Buffer.from([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])));
    assert.deepEqual([...out.subarray(out.length - 4)], [0, 0, 0, 5]);
  });

  it('maps reverse names both ways', () => {
    assert.equal(reverseName('10.1.2.3'), '3.2.1.10.in-addr.arpa');
    assert.equal(parseReverseName('3.2.1.10.in-addr.arpa'), '10.1.2.3');
    assert.equal(parseReverseName('2.1.10.in-addr.arpa'), undefined);
  });
});
