/**
 * Test-only: the least HTTPS API server that lets the real kubectl reach pods/exec, pods/attach and
 * pods/portforward for one Running pod `web` (legacy discovery, the pod GET; see the probe
 * transcripts), with a kubeconfig that trusts it by bearer token and skips TLS verification.
 *
 *   DIR/
 *     tls.key tls.crt   self-signed serving certificate for 127.0.0.1
 *     kubeconfig        cluster https://127.0.0.1:PORT, token auth
 *     home/             HOME for kubectl (its discovery cache lands here)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { statusFor } from '../../apiserver/status.js';
import { notFound } from '../../errors/index.js';
import { handleUpgrade } from '../upgrade.js';
import { rejectUpgrade } from '../reject-upgrade.js';
import { parseStreamingPath, upgradeRequired } from '../route.js';
import type { StreamTarget } from '../types.js';

const TOKEN = 'streaming-test-token';

const pod = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'web', namespace: 'default', uid: '6f1c1c2e-0000-4000-8000-000000000001', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'busybox', imageID: '', started: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
  },
};

const resources = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'v1',
  resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  ],
};

export interface Harness {
  dir: string;
  kubeconfig: string;
  server: Server;
  /** Every streaming request's upgrade header, in arrival order ("websocket" or "SPDY/3.1"). */
  upgrades: string[];
  close(): Promise<void>;
}

export async function startHarness(dir: string, target: StreamTarget): Promise<Harness> {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'),
  ], { stdio: 'ignore' });
  const upgrades: string[] = [];
  const server = createServer({ key: readFileSync(join(dir, 'tls.key')), cert: readFileSync(join(dir, 'tls.crt')) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    if (url.pathname === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url.pathname === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (url.pathname === '/api/v1') return send(200, resources);
    if (url.pathname === '/version') return send(200, { major: '1', minor: '33', gitVersion: 'v1.33.1' });
    if (url.pathname === '/api/v1/namespaces/default/pods/web' && req.method === 'GET') return send(200, pod);
    const route = parseStreamingPath(url.pathname);
    if (route) return send(400, statusFor(upgradeRequired(route.kind)));
    return send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: `${url.pathname} not found`, code: 404 });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const route = parseStreamingPath(url.pathname);
    upgrades.push(String(req.headers.upgrade));
    if (route?.namespace !== 'default' || route.pod !== 'web' || req.headers.authorization !== `Bearer ${TOKEN}`) {
      rejectUpgrade(socket, notFound(`${url.pathname} not found`));
      return;
    }
    void handleUpgrade(req, socket, head, route.kind, target, url.searchParams);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: test',
    'clusters:', '- name: test', '  cluster:', `    server: https://127.0.0.1:${port}`, '    insecure-skip-tls-verify: true',
    'users:', '- name: test', '  user:', `    token: ${TOKEN}`,
    'contexts:', '- name: test', '  context:', '    cluster: test', '    user: test', '    namespace: default', '',
  ].join('\n'));
  mkdirSync(join(dir, 'home'), { recursive: true });
  return {
    dir,
    kubeconfig,
    server,
    upgrades,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** The real versioned kubectl binary, which sits beside the `kubectl` wrapper's real path. */
export function kubectlBinary(version: string): string {
  const wrapper = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  return join(dirname(realpathSync(wrapper)), `kubectl.${version}`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kubectlEnv(h: Harness): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: join(h.dir, 'home'), KUBECONFIG: h.kubeconfig, TERM: 'xterm' };
}

/** Runs kubectl to completion, feeding `input` (if any) on stdin. */
export function runKubectl(h: Harness, version: string, args: string[], opts: { input?: Buffer | string; cwd?: string } = {}): Promise<RunResult> {
  const child = spawn(kubectlBinary(version), args, { env: kubectlEnv(h), cwd: opts.cwd ?? h.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  return collect(child, opts.input);
}

export function collect(child: ChildProcess, input?: Buffer | string): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  child.stdin!.on('error', () => {});
  if (input !== undefined) child.stdin!.end(input);
  else child.stdin!.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })));
}
