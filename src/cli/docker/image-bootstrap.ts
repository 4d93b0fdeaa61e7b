/** `bosun image bootstrap debian`: debootstrap a rootfs, then import it with a PATH set. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { debootstrapRootfsTar } from '../image-bootstrap.js';
import { clientFor, dataDirFlag } from './client.js';
import { progressLine, showProgress, uploadWithProgress } from './streams.js';

export const bootstrapVerb: Verb = {
  name: 'bootstrap',
  summary: 'Make a Debian base image with debootstrap',
  usage: 'bosun image bootstrap debian [--suite bookworm] [--mirror URL] [--variant minbase] [--tag debian:bookworm]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      dataDirFlag,
      { name: 'suite', type: 'string', default: 'bookworm' },
      { name: 'mirror', type: 'string' },
      { name: 'variant', type: 'string' },
      { name: 'tag', short: 't', type: 'string' },
    ]);
    if (positionals[0] !== 'debian') { console.error(`Usage: ${bootstrapVerb.usage}`); return 1; }
    const suite = flags.suite as string;
    const tag = (flags.tag as string | undefined) ?? `debian:${suite}`;
    const client = clientFor(flags);
    // Fail on an unreachable engine before minutes of debootstrap.
    await client.call('GET', '/_ping');
    const started = Date.now();
    const line = progressLine('debootstrap');
    const tick = setInterval(() => line.update(`running (${Math.round((Date.now() - started) / 1000)}s)`), 500);
    let tar: string;
    try {
      tar = await debootstrapRootfsTar({ suite, mirror: flags.mirror as string | undefined, variant: flags.variant as string | undefined });
    } finally {
      clearInterval(tick);
    }
    line.done(`done in ${Math.round((Date.now() - started) / 1000)}s`);
    try {
      const up = uploadWithProgress(tar, 'import');
      const res = await client.request('POST', '/images/create', {
        query: { fromSrc: '-', repo: tag, changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]'], message: `debootstrap ${suite}` },
        upload: up.stream,
        headers: { 'Content-Type': 'application/x-tar' },
      });
      const msgs = await showProgress(res, { quiet: true });
      up.finish();
      console.log(`${tag} ${msgs.map((m) => m.status).filter(Boolean).pop() ?? ''}`.trim());
      return 0;
    } finally {
      rmSync(dirname(tar), { recursive: true, force: true });
    }
  },
};
