import { parseArgs } from './args.js';
import type { Verb } from './types.js';
import { DEFAULT_DATA_DIR } from '../server/instance.js';

export const serverVerb: Verb = {
  name: 'server',
  summary: 'Run the all-in-one server (engine, control plane, node agent) in the foreground',
  usage: 'bosun server [--data-dir DIR] [--api-port N] [--registry-port N] [--ingress-http-port N] [--ingress-https-port N] [--datastore-endpoint URL] [--lb-pool CIDR]',
  async run(argv) {
    const { flags } = parseArgs(argv, [
      { name: 'data-dir', type: 'string', default: DEFAULT_DATA_DIR },
      { name: 'api-port', type: 'number', default: 6443 },
      { name: 'registry-port', type: 'number', default: 5000 },
      { name: 'ingress-http-port', type: 'number', default: 80 },
      { name: 'ingress-https-port', type: 'number', default: 443 },
      { name: 'datastore-endpoint', type: 'string' },
      { name: 'lb-pool', type: 'string' },
    ]);
    const { runServer } = await import('../server/index.js');
    await runServer({
      dataDir: flags['data-dir'] as string,
      apiPort: flags['api-port'] as number,
      registryPort: flags['registry-port'] as number,
      ingressHttpPort: flags['ingress-http-port'] as number,
      ingressHttpsPort: flags['ingress-https-port'] as number,
      datastoreEndpoint: flags['datastore-endpoint'] as string | undefined,
      lbPool: flags['lb-pool'] as string | undefined,
    });
    // The server keeps the event loop alive; signals end it.
    return await new Promise<number>(() => {});
  },
};
