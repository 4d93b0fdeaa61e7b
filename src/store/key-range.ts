/**
 * Prefix ranges over store keys. Keys compare as JavaScript strings, which for the ASCII keys
 * Kubernetes uses is the byte order SQLite (BINARY collation) and etcd sort by.
 */

/** The smallest string greater than every string starting with `prefix` (etcd's range_end). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
