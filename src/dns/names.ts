/** Name helpers shared by resolvers: reverse (PTR) names for IPv4 addresses. */

/** "10.1.2.3" → "3.2.1.10.in-addr.arpa". */
export function reverseName(ipv4: string): string {
  return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** "3.2.1.10.in-addr.arpa" → "10.1.2.3"; undefined for anything that is not a full IPv4 PTR name. */
export function parseReverseName(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa\.?$/i.exec(name);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return m.slice(1).reverse().map(Number).join('.');
}
