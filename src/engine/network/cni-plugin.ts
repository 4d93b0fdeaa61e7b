/**
 * Invocation of one standard CNI plugin binary per the CNI spec: the operation and the container's
 * identity in CNI_* environment variables, the network configuration as JSON on stdin, the result
 * (or a `{code, msg, details}` error) as JSON on stdout.
 */
import { internal } from '../../errors/index.js';
import { run } from './exec.js';

export const CNI_PATH = '/usr/lib/cni';
export const CNI_VERSION = '1.0.0';

export interface CniResult {
  cniVersion: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ address: string; gateway?: string; interface?: number }>;
  routes?: Array<{ dst: string; gw?: string }>;
}

export interface CniArgs {
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS key=value pairs, e.g. IP for a requested address (host-local reads it). */
  extra?: Record<string, string>;
}

export async function invokeCni(command: 'ADD' | 'DEL' | 'CHECK', conf: { type: string } & Record<string, unknown>, args: CniArgs): Promise<CniResult | undefined> {
  const extra = Object.entries(args.extra ?? {}).map(([k, v]) => `${k}=${v}`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: args.containerId,
    CNI_NETNS: args.netns,
    CNI_IFNAME: args.ifName,
    CNI_PATH,
    ...(extra.length ? { CNI_ARGS: ['IgnoreUnknown=1', ...extra].join(';') } : {}),
  };
  const r = await run(`${CNI_PATH}/${conf.type}`, [], { env, input: JSON.stringify({ cniVersion: CNI_VERSION, ...conf }) });
  if (r.code !== 0) {
    let msg = (r.stderr || r.stdout).trim();
    try {
      const e = JSON.parse(r.stdout) as { msg?: string; details?: string };
      msg = [e.msg, e.details].filter(Boolean).join(': ') || msg;
    } catch {
      // not JSON: keep the raw output
    }
    throw internal(`CNI ${conf.type} ${command} for ${args.containerId}: ${msg || `exit ${r.code}`}`);
  }
  if (command !== 'ADD') return undefined;
  return JSON.parse(r.stdout) as CniResult;
}
