/**
 * One table of routes. Patterns use `{x}` for one path segment and `{x+}` for a run of segments,
 * because image names carry `/` and `:` (`/images/localhost:5000/x:v1/push`); exact routes such
 * as `/images/json` come first so they win over the suffix patterns.
 */
import type { Handler } from './context.js';

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
  /** Accepts `Upgrade: tcp` (attach, exec start). */
  hijack?: boolean;
}

interface Compiled extends Route {
  re: RegExp;
  names: string[];
}

export class Router {
  private readonly routes: Compiled[];

  constructor(routes: Route[]) {
    this.routes = routes.map((r) => {
      const names: string[] = [];
      const src = r.pattern.replace(/[.*?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)(\+?)\}/g, (_m, name: string, plus: string) => {
        names.push(name);
        return plus ? '(.+)' : '([^/]+)';
      });
      return { ...r, re: new RegExp(`^${src}/?$`), names };
    });
  }

  /** The matching route and its decoded params; `methodMismatch` when only the method is wrong. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const m = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const wanted of m) {
      for (const r of this.routes) {
        if (r.method !== wanted) continue;
        const hit = r.re.exec(path);
        if (!hit) continue;
        const params: Record<string, string> = {};
        r.names.forEach((n, i) => (params[n] = safeDecode(hit[i + 1])));
        return { route: r, params };
      }
    }
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
