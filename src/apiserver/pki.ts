/**
 * The instance's own PKI, generated once with the openssl CLI (node:crypto can sign nothing
 * X.509). Layout of DIR/pki (paths come only from `pkiPaths` below):
 *
 *   pki/
 *     ca.crt  ca.key           self-signed CA; signs everything below, trusted by the kubeconfig
 *     apiserver.crt/.key       serving certificate (SANs: 127.0.0.1, ::1, localhost, hostname,
 *                              kubernetes, kubernetes.default, kubernetes.default.svc[.cluster.local])
 *     admin.crt/.key           client certificate CN=admin O=system:masters (the kubeconfig user)
 *     admin.token              static bearer token of the admin identity
 *     sa.key  sa.pub           RSA key pair signing service-account tokens (RS256, as Kubernetes)
 *
 * TLS keys are ECDSA P-256: generation is instant and every client we serve (Go, node, python)
 * speaks it.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface PkiPaths {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  adminToken: string;
  saKey: string;
  saPub: string;
}

export interface Pki {
  paths: PkiPaths;
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  adminCert: Buffer;
  adminKey: Buffer;
  adminToken: string;
  saKey: Buffer;
  saPub: Buffer;
}

export function pkiPaths(dir: string): PkiPaths {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    adminToken: join(dir, 'admin.token'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(path: string, cwd: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path], cwd);
}

/** Signs a CSR for `subject` with the CA; `ext` is an openssl extension section body. */
function issue(p: PkiPaths, key: string, cert: string, subject: string, ext: string, tmp: string): void {
  newKey(key, tmp);
  const csr = join(tmp, 'req.csr');
  const extFile = join(tmp, 'ext.cnf');
  writeFileSync(extFile, `[v3]\n${ext}\n`);
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr], tmp);
  openssl(['x509', '-req', '-in', csr, '-CA', p.caCert, '-CAkey', p.caKey, '-CAcreateserial', '-days', '3650',
    '-sha256', '-extfile', extFile, '-extensions', 'v3', '-out', cert], tmp);
}

/**
 * Loads the PKI, creating it when absent. Generation happens in a temp dir whose files are moved
 * into place token last, so a crash mid-way is redone from scratch on the next start. Other files
 * in pki/ (service-account keys) are left alone.
 */
export function ensurePki(dir: string): Pki {
  const p = pkiPaths(dir);
  if (!existsSync(p.adminToken)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    const t = pkiPaths(tmp);
    newKey(t.caKey, tmp);
    openssl(['req', '-x509', '-new', '-key', t.caKey, '-subj', '/CN=bosun-ca', '-days', '3650', '-sha256',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', t.caCert], tmp);
    const host = hostname();
    const dns = ['localhost', host, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
    const san = [...new Set(dns)].map((d) => `DNS:${d}`).concat(['IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1']).join(',');
    issue(t, t.serverKey, t.serverCert, '/CN=kube-apiserver',
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}`, tmp);
    issue(t, t.adminKey, t.adminCert, '/O=system:masters/CN=admin',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth', tmp);
    writeFileSync(t.adminToken, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    for (const f of ['req.csr', 'ext.cnf', 'ca.srl']) rmSync(join(tmp, f), { force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The token goes last: its presence is what marks the PKI complete.
    for (const k of ['caCert', 'caKey', 'serverCert', 'serverKey', 'adminCert', 'adminKey', 'adminToken'] as const) renameSync(t[k], p[k]);
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(p.saKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(p.saPub, publicKey.export({ type: 'spki', format: 'pem' }));
    const tmp = `${p.saKey}.tmp-${process.pid}`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    renameSync(tmp, p.saKey);
  }
  return {
    paths: p,
    ca: readFileSync(p.caCert),
    serverCert: readFileSync(p.serverCert),
    serverKey: readFileSync(p.serverKey),
    adminCert: readFileSync(p.adminCert),
    adminKey: readFileSync(p.adminKey),
    adminToken: readFileSync(p.adminToken, 'utf8').trim(),
    saKey: readFileSync(p.saKey),
    saPub: readFileSync(p.saPub),
  };
}
