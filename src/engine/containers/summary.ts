/** Docker's `GET /containers/json` items and filters, derived from inspect records. */
import type { ContainerInspect, ContainerSummary } from './types.js';

/** Docker's go-units HumanDuration: "Less than a second", "3 seconds", "About a minute", … */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

export function statusString(c: ContainerInspect, now = Date.now()): string {
  const st = c.State;
  const since = (iso: string) => humanDuration(now - Date.parse(iso));
  switch (st.Status) {
    case 'running': return `Up ${since(st.StartedAt)}${st.Health ? (st.Health.Status === 'starting' ? ' (health: starting)' : ` (${st.Health.Status})`) : ''}`;
    case 'paused': return `Up ${since(st.StartedAt)} (Paused)`;
    case 'restarting': return `Restarting (${st.ExitCode}) ${since(st.FinishedAt)} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
    case 'created': return 'Created';
    case 'exited': return st.FinishedAt.startsWith('0001') ? `Exited (${st.ExitCode})` : `Exited (${st.ExitCode}) ${since(st.FinishedAt)} ago`;
  }
}

export function summary(c: ContainerInspect, imageRef: string, extra: { sizeRw?: number; sizeRootFs?: number } = {}): ContainerSummary {
  const cfg = c.Config as { Labels?: Record<string, string>; Image?: string; Cmd?: string[] | null; Entrypoint?: string[] | null };
  const ns = c.NetworkSettings as { Networks?: Record<string, unknown>; Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> };
  const ports: Array<Record<string, unknown>> = [];
  for (const [key, binds] of Object.entries(ns.Ports ?? {})) {
    const [p, type] = key.split('/');
    if (!binds?.length) ports.push({ PrivatePort: Number(p), Type: type });
    else for (const b of binds) ports.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(p), PublicPort: Number(b.HostPort), Type: type });
  }
  const command = [c.Path as string, ...((c.Args as string[]) ?? [])].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
  return {
    Id: c.Id,
    Names: [c.Name],
    Image: imageRef,
    ImageID: c.Image,
    Command: command,
    Created: Math.floor(Date.parse(c.Created) / 1000),
    Ports: ports,
    ...(extra.sizeRw !== undefined ? { SizeRw: extra.sizeRw, SizeRootFs: extra.sizeRootFs ?? extra.sizeRw } : {}),
    Labels: cfg.Labels ?? {},
    State: c.State.Status,
    Status: statusString(c),
    HostConfig: { NetworkMode: c.HostConfig.NetworkMode ?? 'bridge' },
    NetworkSettings: { Networks: ns.Networks ?? {} },
    Mounts: c.Mounts ?? [],
  };
}

function labelMatch(labels: Record<string, string>, f: string): boolean {
  const eq = f.indexOf('=');
  if (eq < 0) return f in labels;
  const k = f.slice(0, eq);
  return labels[k] === f.slice(eq + 1);
}

/**
 * Docker's list filters: keys AND together, values of one key OR, except `label` (all must hold).
 * `ancestor` matches the image by reference or ID; `imageRefs` gives the references of an image ID.
 */
export function matchesFilters(c: ContainerInspect, filters: Record<string, string[]>, imageRefs: (imageId: string) => string[]): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (!values.length) continue;
    const cfg = c.Config as { Labels?: Record<string, string>; Image?: string };
    const name = c.Name.slice(1);
    switch (key) {
      case 'id': if (!values.some((v) => c.Id.startsWith(v))) return false; break;
      // Docker matches names as a regular expression; a plain substring covers what clients send.
      case 'name': if (!values.some((v) => { try { return new RegExp(v).test(name) || new RegExp(v).test(c.Name); } catch { return name.includes(v); } })) return false; break;
      case 'status': if (!values.includes(c.State.Status)) return false; break;
      case 'label': if (!values.every((v) => labelMatch(cfg.Labels ?? {}, v))) return false; break;
      case 'exited': if (c.State.Status !== 'exited' || !values.map(Number).includes(c.State.ExitCode)) return false; break;
      case 'ancestor': {
        const refs = imageRefs(c.Image);
        const norm = (r: string) => (r.includes(':') || r.includes('@') ? r : `${r}:latest`);
        if (!values.some((v) => v === c.Image || c.Image.startsWith(`sha256:${v}`) || v === cfg.Image || refs.includes(norm(v)) || norm(v) === norm(cfg.Image ?? ''))) return false;
        break;
      }
      case 'network': {
        const nets = (c.NetworkSettings as { Networks?: Record<string, { NetworkID?: string }> }).Networks ?? {};
        const mode = c.HostConfig.NetworkMode ?? '';
        if (!values.some((v) => v in nets || v === mode || Object.values(nets).some((n) => n.NetworkID?.startsWith(v)))) return false;
        break;
      }
      case 'volume': if (!values.some((v) => (c.Mounts as Array<{ Name?: string; Destination: string; Source: string }>).some((m) => m.Name === v || m.Destination === v || m.Source === v))) return false; break;
      case 'health': if (!values.includes(c.State.Health?.Status ?? 'none')) return false; break;
      case 'isolation': if (!values.includes('default')) return false; break;
      case 'before':
      case 'since':
        break;
      default: break;
    }
  }
  return true;
}
