/**
 * Service-account tokens: JWTs signed RS256 with the instance's sa.key, in the shape Kubernetes
 * issues through TokenRequest (serviceaccounts/token) for projected volumes, and verified when a
 * pod presents one as a bearer token.
 *
 * Claims (as kube-apiserver's bound tokens): iss, sub = system:serviceaccount:<ns>:<name>, aud,
 * iat/nbf/exp, and "kubernetes.io": {namespace, serviceaccount{name,uid}, pod{name,uid}?}.
 */
import { createHash, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import type { Identity } from './auth.js';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The audience the API server accepts; also what a TokenRequest without audiences gets. */
export const API_AUDIENCE = ISSUER;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface TokenSubject {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
}

interface Claims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  'kubernetes.io'?: { namespace: string; serviceaccount: { name: string; uid: string }; pod?: { name: string; uid: string } };
}

export class ServiceAccountTokens {
  private readonly kid: string;
  private readonly pub: KeyObject;

  constructor(private readonly key: Buffer, pub: Buffer) {
    this.pub = createPublicKey(pub);
    // Kubernetes derives the key id from the public key's DER, so it is stable across restarts.
    this.kid = b64url(createHash('sha256').update(this.pub.export({ type: 'spki', format: 'der' })).digest());
  }

  issue(subject: TokenSubject, audiences: string[], expirationSeconds: number): { token: string; expires: Date } {
    const now = Math.floor(Date.now() / 1000);
    const claims: Claims = {
      iss: ISSUER,
      sub: `system:serviceaccount:${subject.namespace}:${subject.serviceAccount.name}`,
      aud: audiences.length ? audiences : [API_AUDIENCE],
      exp: now + expirationSeconds,
      iat: now,
      nbf: now,
      'kubernetes.io': { namespace: subject.namespace, serviceaccount: subject.serviceAccount, ...(subject.pod ? { pod: subject.pod } : {}) },
    };
    const head = b64url(JSON.stringify({ alg: 'RS256', kid: this.kid }));
    const body = b64url(JSON.stringify(claims));
    const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(this.key);
    return { token: `${head}.${body}.${b64url(sig)}`, expires: new Date(claims.exp * 1000) };
  }

  /** The identity of a valid, unexpired token meant for this API server; undefined otherwise. */
  verify(token: string): Identity | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, body, sig] = parts;
    try {
      const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
      if (header.alg !== 'RS256') return undefined;
      if (!createVerify('RSA-SHA256').update(`${head}.${body}`).verify(this.pub, Buffer.from(sig, 'base64url'))) return undefined;
      const c = JSON.parse(Buffer.from(body, 'base64url').toString()) as Claims;
      const now = Math.floor(Date.now() / 1000);
      if (c.iss !== ISSUER || !(c.exp > now) || (c.nbf !== undefined && c.nbf > now + 60)) return undefined;
      const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
      if (!aud.includes(API_AUDIENCE)) return undefined;
      const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(c.sub);
      if (!m) return undefined;
      return { user: c.sub, groups: ['system:serviceaccounts', `system:serviceaccounts:${m[1]}`, 'system:authenticated'] };
    } catch {
      return undefined;
    }
  }
}
