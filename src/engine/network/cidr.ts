/** IPv4 arithmetic for subnets, gateways and fences. Addresses are unsigned 32-bit numbers. */
import { invalid } from '../../errors/index.js';

export interface Cidr {
  /** Network address (host bits cleared). */
  base: number;
  prefix: number;
}

export function parseIp(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d/n"; host bits must be clear, as Docker insists. */
export function parseCidr(s: string): Cidr {
  const [ip, len, extra] = s.trim().split('/');
  const addr = parseIp(ip ?? '');
  const prefix = Number(len);
  if (addr === undefined || extra !== undefined || len === undefined || !/^\d{1,2}$/.test(len) || prefix > 32) {
    throw invalid(`invalid CIDR address: ${s}`);
  }
  if ((addr & ~mask(prefix)) >>> 0 !== 0) throw invalid(`invalid subnet ${s}: it should be ${formatIp((addr & mask(prefix)) >>> 0)}/${prefix}`);
  return { base: addr, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.prefix)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.prefix <= b.prefix ? contains(a, b.base) : contains(b, a.base);
}

/** Whether `inner` lies entirely inside `outer`. */
export function within(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && contains(outer, inner.base);
}

/** The n-th address of the subnet (1 = first host). */
export function nth(c: Cidr, n: number): number {
  return (c.base + n) >>> 0;
}

/** The /`prefix` subnets of `pool`, in order. */
export function* subnets(pool: Cidr, prefix: number): Generator<Cidr> {
  const step = 2 ** (32 - prefix);
  const count = 2 ** (prefix - pool.prefix);
  for (let i = 0; i < count; i++) yield { base: (pool.base + i * step) >>> 0, prefix };
}
