/**
 * Image references as Docker parses them (distribution/reference grammar plus Docker Hub
 * normalisation): `busybox` is `docker.io/library/busybox:latest`, shown in the familiar short
 * form `busybox:latest`; a first component with a `.` or `:` or equal to `localhost` is a registry.
 */
import { badRequest } from '../../errors/index.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH = `${COMPONENT}(?:/${COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE_RE = new RegExp(`^((?:${DOMAIN}/)?${PATH})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANY_CASE_REFERENCE_RE = new RegExp(`^((?:${DOMAIN}/)?${PATH.replace(/a-z0-9/g, 'a-zA-Z0-9')})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_MAX = 255;

/** A 64-hex image ID with or without `sha256:` (Docker treats these as IDs, never as names). */
export const FULL_ID_RE = /^(?:sha256:)?([a-f0-9]{64})$/;

export interface Reference {
  /** Registry host[:port], e.g. "docker.io", "localhost:5000". */
  domain: string;
  /** Repository path inside the registry, e.g. "library/busybox". */
  path: string;
  tag?: string;
  digest?: string;
}

function invalidRef(detail?: string): Error {
  return badRequest(detail ? `invalid reference format: ${detail}` : 'invalid reference format');
}

/** Parses without defaulting the tag. BadRequest "invalid reference format" on anything malformed. */
export function parseReference(input: string): Reference {
  const m = REFERENCE_RE.exec(input);
  if (!m) {
    if (ANY_CASE_REFERENCE_RE.test(input)) throw invalidRef('repository name must be lowercase');
    throw invalidRef();
  }
  const [, name, tag, digest] = m;
  if (name.length > NAME_MAX) throw invalidRef(`repository name must not be more than ${NAME_MAX} characters`);
  if (digest && digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) throw invalidRef();
  const slash = name.indexOf('/');
  let domain: string;
  let path: string;
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    path = name;
  } else {
    domain = first;
    path = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  // Hex-only 64-character names would be indistinguishable from image IDs.
  if (domain === DEFAULT_DOMAIN && FULL_ID_RE.test(path.replace(OFFICIAL_REPO_PREFIX, '')) && !tag && !digest) {
    throw invalidRef('cannot specify 64-byte hexadecimal strings');
  }
  return { domain, path, tag, digest };
}

/** Parses and assumes `:latest` when neither a tag nor a digest is given (Docker's TagNameOnly). */
export function parseNormalized(input: string): Reference {
  const ref = parseReference(input);
  if (!ref.tag && !ref.digest) ref.tag = DEFAULT_TAG;
  return ref;
}

/** "docker.io/library/busybox" */
export function fullName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** "busybox", "user/app", "localhost:5000/app" */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return `${ref.domain}/${ref.path}`;
  return ref.path.startsWith(OFFICIAL_REPO_PREFIX) ? ref.path.slice(OFFICIAL_REPO_PREFIX.length) : ref.path;
}

function suffix(ref: Reference): string {
  return `${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** "docker.io/library/busybox:latest" — the form stored in `io.containerd.image.name`. */
export function canonicalString(ref: Reference): string {
  return fullName(ref) + suffix(ref);
}

/** "busybox:latest" — the form Docker shows in RepoTags/RepoDigests. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

/** A reference that names a tag (as `tag` accepts): digests are refused like Docker does. */
export function parseTagReference(input: string): Reference {
  const ref = parseNormalized(input);
  if (ref.digest) throw badRequest('refusing to create a tag with a digest reference');
  return ref;
}
