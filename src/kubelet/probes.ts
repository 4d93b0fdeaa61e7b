/**
 * Startup, liveness and readiness probes of one running container, with the kubelet's semantics:
 * nothing but the startup probe runs until it succeeds; `failureThreshold` consecutive failures
 * of startup or liveness kill the container (the restart policy decides what follows); readiness
 * flips after `successThreshold` successes or `failureThreshold` failures in a row. httpGet and
 * tcpSocket go from the host to the pod IP (the node agent is on the pod network's bridge); exec
 * runs inside the container. Timers exist only for containers that declare probes.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Probe, ProbeHandler } from './types.js';

export interface ProbeTarget {
  podIP: string;
  /** Runs argv in the container; resolves with the exit code and (truncated) output. */
  exec(argv: string[], timeoutMs: number): Promise<{ code: number; output: string }>;
}

export interface ProbeResult { ok: boolean; message: string }

/** A named port resolves against the container's ports. */
export function resolvePort(c: Container, port: number | string): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`port "${port}" is not declared by container ${c.name}`);
  return p.containerPort;
}

function httpProbe(c: Container, h: NonNullable<ProbeHandler['httpGet']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const https = (h.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*' };
    for (const x of h.httpHeaders ?? []) headers[x.name] = x.value;
    const host = h.host || t.podIP;
    const port = resolvePort(c, h.port);
    const path = h.path || '/';
    const opts = { host, port, path, method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false };
    const req = (https ? httpsRequest : httpRequest)(opts, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      const why = err.message === 'timeout' ? `context deadline exceeded (Client.Timeout exceeded while awaiting headers)` : err.message;
      resolve({ ok: false, message: `Get "${https ? 'https' : 'http'}://${host}:${port}${path}": ${why}` });
    });
    req.end();
  });
}

function tcpProbe(c: Container, h: NonNullable<ProbeHandler['tcpSocket']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const host = h.host || t.podIP;
    const port = resolvePort(c, h.port);
    const sock = connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }); }, timeoutMs);
    sock.once('connect', () => { clearTimeout(timer); sock.destroy(); resolve({ ok: true, message: '' }); });
    sock.once('error', (err) => { clearTimeout(timer); resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }); });
  });
}

/** Runs one handler (probes and lifecycle hooks share the shape). */
export async function runHandler(c: Container, h: ProbeHandler, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  try {
    if (h.exec?.command?.length) {
      const r = await t.exec(h.exec.command, timeoutMs);
      return r.code === 0 ? { ok: true, message: '' } : { ok: false, message: r.output.trim() || `command ${JSON.stringify(h.exec.command)} exited with ${r.code}` };
    }
    if (h.httpGet) return await httpProbe(c, h.httpGet, t, timeoutMs);
    if (h.tcpSocket) return await tcpProbe(c, h.tcpSocket, t, timeoutMs);
    return { ok: false, message: 'probe has no handler' };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export interface ProberHooks {
  started(): void;
  ready(ready: boolean): void;
  /** Startup or liveness gave up: the container must be killed. */
  failed(kind: 'Startup' | 'Liveness', message: string): void;
  unhealthy(kind: 'Startup' | 'Liveness' | 'Readiness', message: string): void;
}

export class ContainerProber {
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private isStarted = false;

  constructor(private readonly c: Container, private readonly t: ProbeTarget, private readonly hooks: ProberHooks) {}

  /** Probes for a container that started `sinceStartMs` ago (re-adoption resumes mid-way). */
  start(sinceStartMs = 0): void {
    if (this.c.startupProbe) this.loop('Startup', this.c.startupProbe, sinceStartMs);
    else this.onStarted(sinceStartMs);
  }

  private onStarted(sinceStartMs: number): void {
    this.isStarted = true;
    this.hooks.started();
    if (this.c.readinessProbe) this.loop('Readiness', this.c.readinessProbe, sinceStartMs);
    else this.hooks.ready(true);
    if (this.c.livenessProbe) this.loop('Liveness', this.c.livenessProbe, sinceStartMs);
  }

  private loop(kind: 'Startup' | 'Liveness' | 'Readiness', p: Probe, sinceStartMs: number): void {
    const period = (p.periodSeconds ?? 10) * 1000;
    const timeout = (p.timeoutSeconds ?? 1) * 1000;
    const failureThreshold = p.failureThreshold ?? 3;
    const successThreshold = kind === 'Readiness' ? p.successThreshold ?? 1 : 1;
    let fails = 0;
    let oks = 0;
    let ready: boolean | undefined;
    const tick = async () => {
      if (this.stopped) return;
      const r = await runHandler(this.c, p, this.t, timeout);
      if (this.stopped) return;
      if (r.ok) {
        fails = 0;
        oks++;
        if (kind === 'Startup') {
          this.onStarted(0);
          return;
        }
        if (kind === 'Readiness' && oks >= successThreshold && ready !== true) this.hooks.ready((ready = true));
      } else {
        oks = 0;
        fails++;
        this.hooks.unhealthy(kind, r.message);
        if (fails >= failureThreshold) {
          if (kind === 'Readiness') {
            if (ready !== false) this.hooks.ready((ready = false));
          } else {
            this.hooks.failed(kind, r.message);
            return;
          }
        }
      }
      this.after(period, tick);
    };
    this.after(Math.max(0, (p.initialDelaySeconds ?? 0) * 1000 - sinceStartMs), tick);
  }

  private after(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => { this.timers.delete(t); void fn(); }, ms);
    this.timers.add(t);
  }

  get started(): boolean {
    return this.isStarted;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
