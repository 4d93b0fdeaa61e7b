import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from './args.js';
import type { Verb } from './types.js';
import { DEFAULT_DATA_DIR, paths } from '../server/instance.js';
import { resolve } from 'node:path';

/** Written by the server once its listeners are up; ports chosen with 0 are resolved here. */
export interface Endpoints {
  apiPort?: number;
  registryPort?: number;
  registryUser?: string;
  registryPassword?: string;
}

export function readEndpoints(dataDir: string): Endpoints {
  const file = `${resolve(dataDir)}/endpoints.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Endpoints) : {};
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const envVerb: Verb = {
  name: 'env',
  summary: 'Print shell export lines for docker, kubectl and the registry',
  usage: 'bosun env [--data-dir DIR]',
  async run(argv) {
    const { flags } = parseArgs(argv, [{ name: 'data-dir', type: 'string', default: DEFAULT_DATA_DIR }]);
    const dir = resolve(flags['data-dir'] as string);
    const p = paths(dir);
    const ep = readEndpoints(dir);
    const lines = [`export DOCKER_HOST=${quote(`unix://${p.engineSock}`)}`, `export KUBECONFIG=${quote(p.kubeconfig)}`];
    if (ep.registryPort) {
      lines.push(`export BOSUN_REGISTRY=${quote(`127.0.0.1:${ep.registryPort}`)}`);
      lines.push(`export BOSUN_REGISTRY_URL=${quote(`https://127.0.0.1:${ep.registryPort}`)}`);
      if (ep.registryUser) lines.push(`export BOSUN_REGISTRY_USER=${quote(ep.registryUser)}`);
      if (ep.registryPassword) lines.push(`export BOSUN_REGISTRY_PASSWORD=${quote(ep.registryPassword)}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
