/**
 * Authentication: a client certificate signed by the instance CA (verified by TLS itself; the
 * identity is the subject's CN, groups its O values) or a bearer token (the static admin token, or
 * a service-account JWT). Paths the real server
 * lets `system:anonymous` read (health and version) pass without credentials; everything else
 * without an identity is 401. Until RBAC lands every identity is an administrator.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import type { ServiceAccountTokens } from './service-account-tokens.js';

export interface Identity {
  user: string;
  groups: string[];
}

const PUBLIC = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export class Authenticator {
  private readonly admin: Buffer;
  private readonly byConnection = new WeakMap<TLSSocket, Identity>();

  constructor(adminToken: string, private readonly serviceAccounts: ServiceAccountTokens) {
    this.admin = Buffer.from(adminToken);
  }

  isPublic(path: string): boolean {
    return PUBLIC.has(path);
  }

  authenticate(req: IncomingMessage): Identity | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const token = auth.slice(7).trim();
      const b = Buffer.from(token);
      if (b.length === this.admin.length && timingSafeEqual(b, this.admin)) return { user: 'admin', groups: ['system:masters', 'system:authenticated'] };
      return this.serviceAccounts.verify(token);
    }
    const sock = req.socket as TLSSocket;
    // A keep-alive connection carries one certificate: decode it once per connection.
    const known = this.byConnection.get(sock);
    if (known) return known;
    if (sock.authorized) {
      const subject = sock.getPeerCertificate()?.subject as unknown as Record<string, string | string[]> | undefined;
      if (subject?.CN) {
        const o = subject.O;
        const id = { user: String(subject.CN), groups: [...(Array.isArray(o) ? o : o ? [o] : []), 'system:authenticated'] };
        this.byConnection.set(sock, id);
        return id;
      }
    }
    return undefined;
  }
}
