/**
 * API version negotiation, as the engine does it: paths may carry `/v<major>.<minor>`; an
 * unprefixed path is served at the newest version; a prefix outside [MIN, MAX] is refused with the
 * engine's own wording, because clients print that message verbatim.
 */
import { badRequest } from '../../errors/index.js';

export const API_MAX = '1.50';
export const API_MIN = '1.24';
export const ENGINE_VERSION = '0.1.0';

/** Minor number of a 1.x version ("1.42" → 42); every API version so far has major 1. */
export function minorOf(v: string): number {
  return Number(v.split('.')[1]);
}

const MAX_MINOR = minorOf(API_MAX);
const MIN_MINOR = minorOf(API_MIN);
const PREFIX = /^\/v(\d+)\.(\d+)(\/.*)$/;

/** Splits the version prefix off a path; throws BadRequest outside the supported range. */
export function negotiate(path: string): { minor: number; path: string } {
  const m = PREFIX.exec(path);
  if (!m) return { minor: MAX_MINOR, path };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const asked = `${m[1]}.${m[2]}`;
  if (major > 1 || (major === 1 && minor > MAX_MINOR)) {
    throw badRequest(`client version ${asked} is too new. Maximum supported API version is ${API_MAX}`);
  }
  if (major < 1 || minor < MIN_MINOR) {
    throw badRequest(`client version ${asked} is too old. Minimum supported API version is ${API_MIN}, please upgrade your client to a newer version`);
  }
  return { minor, path: m[3] };
}

/** Sent on every response; the CLI falls back to API 1.24 when `Api-Version` is missing from /_ping. */
export const COMMON_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Api-Version', API_MAX],
  ['Docker-Experimental', 'false'],
  ['Ostype', 'linux'],
  ['Server', `Bosun/${ENGINE_VERSION} (linux)`],
];

/** The stream content type for attach/logs/exec: labelled only from API 1.42 on. */
export function streamContentType(minor: number, tty: boolean): string {
  return !tty && minor >= 42 ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
}
