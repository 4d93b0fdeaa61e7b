/**
 * Published-port validation: every requested binding is checked against the DNAT rules already on
 * the machine and against host sockets (by trying to bind the address) before anything is
 * created, and hostPort 0 is resolved to a free port. The DNAT rules themselves come from rules.ts.
 */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { badRequest } from '../../errors/index.js';
import { parseIp } from './cidr.js';
import { isAnyAddress } from './rules.js';
import type { DnatPort } from './iptables.js';
import type { PortBinding } from './types.js';

type Probe = 'free' | 'in-use' | 'not-local';

function probeTcp(host: string, port: number): Promise<{ probe: Probe; port: number }> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve({ probe: e.code === 'EADDRNOTAVAIL' ? 'not-local' : 'in-use', port }));
    srv.listen({ host, port, exclusive: true }, () => {
      const got = (srv.address() as { port: number }).port;
      srv.close(() => resolve({ probe: 'free', port: got }));
    });
  });
}

function probeUdp(host: string, port: number): Promise<{ probe: Probe; port: number }> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', (e: NodeJS.ErrnoException) => { sock.close(); resolve({ probe: e.code === 'EADDRNOTAVAIL' ? 'not-local' : 'in-use', port }); });
    sock.bind({ address: host, port, exclusive: true }, () => {
      const got = sock.address().port;
      sock.close(() => resolve({ probe: 'free', port: got }));
    });
  });
}

/** SCTP has no socket probe from Node; the DNAT table is the only witness. */
function probe(protocol: PortBinding['protocol'], host: string, port: number): Promise<{ probe: Probe; port: number }> {
  if (protocol === 'udp') return probeUdp(host, port);
  if (protocol === 'tcp' || port === 0) return probeTcp(host, port);
  return Promise.resolve({ probe: 'free', port });
}

function sameAddress(a: string | undefined, b: string): boolean {
  return a === undefined || isAnyAddress(a) || isAnyAddress(b) || a === b;
}

function display(hostIp: string): string {
  return isAnyAddress(hostIp) ? '0.0.0.0' : hostIp;
}

export function validateBinding(p: PortBinding): void {
  const bad = (why: string) => badRequest(`invalid port binding ${display(p.hostIp ?? '')}:${p.hostPort}:${p.containerPort}/${p.protocol}: ${why}`);
  if (!['tcp', 'udp', 'sctp'].includes(p.protocol)) throw bad(`invalid proto: ${p.protocol}`);
  if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) throw bad('invalid containerPort');
  if (!Number.isInteger(p.hostPort) || p.hostPort < 0 || p.hostPort > 65535) throw bad('invalid hostPort');
  const ip = p.hostIp ?? '';
  if (!isAnyAddress(ip) && parseIp(ip) === undefined) throw bad(`invalid host IP address ${JSON.stringify(ip)} (IPv4 only)`);
}

/**
 * Resolves and checks every binding for an endpoint named `endpoint`. `taken` lists the ports DNAT
 * rules already forward. Throws a BadRequest naming the port when one is taken.
 */
export async function reservePorts(endpoint: string, requested: PortBinding[], taken: DnatPort[]): Promise<PortBinding[]> {
  const chosen: PortBinding[] = [];
  const clash = (p: PortBinding, port: number) =>
    taken.some((t) => (t.protocol === p.protocol || t.protocol === 'all') && port >= t.from && port <= t.to && sameAddress(t.hostIp, p.hostIp)) ||
    chosen.some((c) => c.protocol === p.protocol && c.hostPort === port && sameAddress(c.hostIp, p.hostIp));
  for (const req of requested) {
    const p: PortBinding = { ...req, hostIp: isAnyAddress(req.hostIp ?? '') ? '0.0.0.0' : req.hostIp };
    validateBinding(p);
    const host = display(p.hostIp);
    if (p.hostPort === 0) {
      let found = 0;
      for (let i = 0; i < 50 && !found; i++) {
        const r = await probe(p.protocol, host, 0);
        if (r.probe === 'not-local') throw badRequest(`driver failed programming external connectivity on endpoint ${endpoint}: listen ${p.protocol} ${host}: bind: cannot assign requested address`);
        if (r.probe === 'free' && !clash(p, r.port)) found = r.port;
      }
      if (!found) throw badRequest(`driver failed programming external connectivity on endpoint ${endpoint}: no free host port for ${host}/${p.protocol}`);
      chosen.push({ ...p, hostPort: found });
      continue;
    }
    if (clash(p, p.hostPort)) {
      throw badRequest(`driver failed programming external connectivity on endpoint ${endpoint}: Bind for ${host}:${p.hostPort} failed: port is already allocated`);
    }
    const r = await probe(p.protocol, host, p.hostPort);
    if (r.probe === 'not-local') throw badRequest(`driver failed programming external connectivity on endpoint ${endpoint}: listen ${p.protocol} ${host}:${p.hostPort}: bind: cannot assign requested address`);
    if (r.probe === 'in-use') throw badRequest(`driver failed programming external connectivity on endpoint ${endpoint}: listen ${p.protocol}4 ${host}:${p.hostPort}: bind: address already in use (port ${p.hostPort} is taken by a process on the host)`);
    chosen.push(p);
  }
  return chosen;
}
