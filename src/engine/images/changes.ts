/**
 * `docker import --change` / `docker commit --change`: the Dockerfile instructions that only
 * touch the image config, applied the way the builder would (exec form is JSON, shell form
 * becomes `/bin/sh -c`; `ENV`/`LABEL` take `k=v` pairs with quoting or the legacy `k v`).
 */
import { badRequest } from '../../errors/index.js';
import type { ImageRuntimeConfig } from './types.js';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'SHELL'];

/** Splits on whitespace, honouring double/single quotes and backslash escapes (Dockerfile words). */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw badRequest(`unterminated quote in ${JSON.stringify(s)}`);
  if (inWord) out.push(cur);
  return out;
}

function keyValues(instr: string, rest: string): Array<[string, string]> {
  const ws = words(rest);
  if (!ws.length) throw badRequest(`${instr} requires at least one argument`);
  if (!ws[0].includes('=')) {
    // Legacy form: `ENV key value with spaces`.
    const m = /^\s*(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m) throw badRequest(`${instr} requires a value for ${ws[0]}`);
    return [[m[1], words(m[2]).join(' ')]];
  }
  return ws.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw badRequest(`${instr} names can not be blank and need a "=": ${w}`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function jsonArray(rest: string): string[] | undefined {
  const t = rest.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch { /* not JSON: shell form */ }
  return undefined;
}

function command(rest: string, shell: string[]): string[] {
  return jsonArray(rest) ?? [...shell, rest.trim()];
}

/** Applies each change to a copy of `config`. BadRequest for anything the builder would refuse. */
export function applyChanges(config: ImageRuntimeConfig, changes: string[]): ImageRuntimeConfig {
  const c: ImageRuntimeConfig = structuredClone(config);
  for (const raw of changes) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    const instr = m[1].toUpperCase();
    const rest = m[2];
    if (!ALLOWED.includes(instr)) throw badRequest(`${m[1]} is not a valid change command`);
    const shell = c.Shell ?? ['/bin/sh', '-c'];
    switch (instr) {
      case 'CMD': c.Cmd = command(rest, shell); break;
      case 'ENTRYPOINT':
        c.Entrypoint = rest.trim() ? command(rest, shell) : null;
        break;
      case 'SHELL': {
        const arr = jsonArray(rest);
        if (!arr?.length) throw badRequest('SHELL requires the arguments to be in JSON form');
        c.Shell = arr;
        break;
      }
      case 'ENV':
        for (const [k, v] of keyValues(instr, rest)) {
          const env = (c.Env ?? []).filter((e) => e.split('=', 1)[0] !== k);
          env.push(`${k}=${v}`);
          c.Env = env;
        }
        break;
      case 'LABEL':
        for (const [k, v] of keyValues(instr, rest)) c.Labels = { ...(c.Labels ?? {}), [k]: v };
        break;
      case 'EXPOSE':
        for (const p of words(rest)) {
          const pm = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
          if (!pm) throw badRequest(`invalid port ${JSON.stringify(p)} in EXPOSE`);
          const from = Number(pm[1]);
          const to = pm[2] ? Number(pm[2]) : from;
          if (from < 1 || to > 65535 || to < from) throw badRequest(`invalid port range ${JSON.stringify(p)} in EXPOSE`);
          for (let port = from; port <= to; port++) c.ExposedPorts = { ...(c.ExposedPorts ?? {}), [`${port}/${(pm[3] ?? 'tcp').toLowerCase()}`]: {} };
        }
        break;
      case 'VOLUME': {
        const vols = jsonArray(rest) ?? words(rest);
        if (!vols.length) throw badRequest('VOLUME requires at least one argument');
        for (const v of vols) c.Volumes = { ...(c.Volumes ?? {}), [v]: {} };
        break;
      }
      case 'USER':
        if (!rest.trim()) throw badRequest('USER requires an argument');
        c.User = rest.trim();
        break;
      case 'WORKDIR': {
        const dir = rest.trim();
        if (!dir) throw badRequest('WORKDIR requires an argument');
        c.WorkingDir = dir.startsWith('/') ? dir : `${c.WorkingDir || '/'}/${dir}`.replace(/\/+/g, '/');
        break;
      }
      case 'STOPSIGNAL':
        if (!rest.trim()) throw badRequest('STOPSIGNAL requires an argument');
        c.StopSignal = rest.trim();
        break;
      case 'HEALTHCHECK': {
        const t = rest.trim();
        if (/^NONE$/i.test(t)) { c.Healthcheck = { Test: ['NONE'] }; break; }
        const cm = /^CMD\s+([\s\S]+)$/i.exec(t);
        if (!cm) throw badRequest('HEALTHCHECK must be NONE or CMD <command>');
        const arr = jsonArray(cm[1]);
        c.Healthcheck = { Test: arr ? ['CMD', ...arr] : ['CMD-SHELL', cm[1].trim()] };
        break;
      }
    }
  }
  return c;
}
