import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jumps, restoreText } from './rules.js';
import { tokenize } from './iptables.js';

describe('rules', () => {
  const text = restoreText({
    chainPrefix: 'BOSUN-abc123',
    ifPrefix: 'bsabc1',
    bridges: ['bsabc10', 'bsabc11'],
    fenced: ['10.130.0.0/16', '172.30.0.0/24'],
    ports: [
      { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp', ip: '10.130.0.2' },
      { hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, protocol: 'udp', ip: '10.130.0.3' },
    ],
  });
  const lines = text.split('\n');

  it('declares (and so flushes) only the instance chains', () => {
    const decl = lines.filter((l) => l.startsWith(':'));
    assert.deepEqual(decl, [':BOSUN-abc123-FWD - [0:0]', ':BOSUN-abc123-OUT - [0:0]', ':BOSUN-abc123-PORTS - [0:0]', ':BOSUN-abc123-POST - [0:0]']);
    assert.ok(lines.filter((l) => l.startsWith('-A')).every((l) => l.startsWith('-A BOSUN-abc123-')));
  });

  it('drops every fenced CIDR in both directions after the accepts', () => {
    const fwd = lines.filter((l) => l.startsWith('-A BOSUN-abc123-FWD'));
    const firstDrop = fwd.findIndex((l) => l.endsWith('DROP'));
    assert.ok(fwd.slice(0, firstDrop).every((l) => l.endsWith('ACCEPT')));
    for (const f of ['10.130.0.0/16', '172.30.0.0/24']) {
      assert.ok(fwd.includes(`-A BOSUN-abc123-FWD -d ${f} -j DROP`));
      assert.ok(fwd.includes(`-A BOSUN-abc123-FWD -s ${f} -j DROP`));
    }
    assert.ok(fwd.includes('-A BOSUN-abc123-FWD -i bsabc11 -o bsabc11 -j ACCEPT'));
  });

  it('DNATs published ports, limited to the host IP when one is given', () => {
    assert.ok(lines.includes('-A BOSUN-abc123-PORTS -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.130.0.2:80'));
    assert.ok(lines.includes('-A BOSUN-abc123-PORTS -p udp -m udp --dport 5353 -j DNAT --to-destination 10.130.0.3:53'));
  });

  it('jumps into the chains from the built-in ones', () => {
    assert.deepEqual(jumps('P').map((j) => `${j.table}/${j.chain}/${j.spec.at(-1)}`), ['filter/FORWARD/P-FWD', 'filter/OUTPUT/P-OUT', 'nat/PREROUTING/P-PORTS', 'nat/OUTPUT/P-PORTS', 'nat/POSTROUTING/P-POST']);
  });

  it('tokenizes iptables -S output with quoted comments', () => {
    assert.deepEqual(tokenize('-A X -m comment --comment "a b" -j DROP'), ['-A', 'X', '-m', 'comment', '--comment', 'a b', '-j', 'DROP']);
  });
});
