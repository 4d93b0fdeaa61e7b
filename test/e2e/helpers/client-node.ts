/**
 * Loads @kubernetes/client-node on Node 20. client-node 2.x bundles undici 8, written for
 * Node >= 22: at load time it binds zlib's zstd decoder and worker_threads.markAsUncloneable and
 * calls Promise.withResolvers, all missing from Node 20. Nothing in our tests ever receives zstd,
 * and marking an object uncloneable only matters across workers, so stand-ins let the module load.
 */
import zlib from 'node:zlib';
import workerThreads from 'node:worker_threads';

export async function loadClientNode(): Promise<typeof import('@kubernetes/client-node')> {
  const z = zlib as unknown as Record<string, unknown>;
  z.createZstdDecompress ??= () => {
    throw new Error('zstd content-encoding is not supported on this Node version');
  };
  const wt = workerThreads as unknown as Record<string, unknown>;
  wt.markAsUncloneable ??= () => undefined;
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  // The stand-ins must be in place before the module is evaluated, hence the dynamic import.
  return import('@kubernetes/client-node');
}
