/** Human output as docker prints it: aligned tables, sizes, "x ago" times, truncated IDs. */

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] + 3))).join('').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Decimal units, like docker's go-units HumanSize. */
export function humanSize(bytes: number): string {
  if (bytes < 0) return 'N/A';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  // Number() drops only a fraction's trailing zeros (1.50 → 1.5), never an integer's (110 stays).
  return `${i === 0 ? n : Number(n.toPrecision(3))}${units[i]}`;
}

/** Binary units for memory, like `docker stats` (MiB, GiB). */
export function binarySize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 2).replace(/\.00$/, '')}${units[i]}`;
}

export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  const d = Math.round(s / 86400);
  if (d < 14) return `${d} days`;
  if (d < 60) return `${Math.round(d / 7)} weeks`;
  if (d < 730) return `${Math.round(d / 30)} months`;
  return `${Math.round(d / 365)} years`;
}

export function ago(unixSeconds: number): string {
  return `${humanDuration(Date.now() / 1000 - unixSeconds)} ago`;
}

export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Parses docker's memory sizes: `512`, `64m`, `1.5g`, `100kb` (binary multiples). */
export function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(s.trim());
  if (!m) throw new Error(`invalid size: '${s}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[m[2].toLowerCase() as '' | 'k'];
  return Math.round(Number(m[1]) * mult);
}
