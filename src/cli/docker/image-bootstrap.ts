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
    if (argv.includes('--help') || argv.includes('-h')) { console.log(`${bootstrapVerb.summary}\n\nUsage: ${bootstrapVerb.usage}`); return 0; }
    const { flags, positionals } = parseArgs(argv, [
      dataDirFlag,
      { name: 'suite', type: 'string', default: 'bookworm' },
      { name: 'mirror', type: 'string' },
      { name: 'variant', type: 'string' },
      { name: 'tag', short: 't', type: 'string' },
    ]);
    if (positionals[0] !== 'debian' || positionals.length > 1) { console.error(`Usage: ${bootstrapVerb.usage}`); return 1; }
    const suite = flags.suite as string;
    const tag = (flags.tag as string | undefined) ?? `debian:${suite}`;
    const client = clientFor(flags);
    // Fail on an unreachable engine before minutes of debootstrap.
    await client.call('GET', '/_ping');
    // Ctrl-C or a TERM mid-run must not leave a half-made rootfs (with proc mounted in it) or the
    // tarball in /tmp: during debootstrap the signal aborts it and its error path cleans up; during
    // the upload the tarball's directory is removed here before exiting.
    const ac = new AbortController();
    let tar: string | undefined;
    const onSignal = () => {
      ac.abort();
      if (tar === undefined) return;
      rmSync(dirname(tar), { recursive: true, force: true });
      process.exit(130);
    };
    const release = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const started = Date.now();
    const secs = () => `${Math.round((Date.now() - started) / 1000)}s`;
    const line = progressLine('debootstrap');
    let phase = 'starting';
    // One terminal row at most: the line is redrawn with \r, which cannot go back over a wrap.
    const status = () => {
      const suffix = ` (${secs()})`;
      const room = (process.stderr.columns ?? 80) - 'debootstrap: '.length - suffix.length - 1;
      return `${phase.length > room ? `${phase.slice(0, Math.max(0, room - 1))}…` : phase}${suffix}`;
    };
    const tick = setInterval(() => line.update(status()), 500);
    try {
      tar = await debootstrapRootfsTar(
        { suite, mirror: flags.mirror as string | undefined, variant: flags.variant as string | undefined },
        { signal: ac.signal, onProgress: (text) => { phase = text; line.update(status()); } },
      );
    } catch (err) {
      line.done(`failed after ${secs()}`);
      release();
      throw err;
    } finally {
      clearInterval(tick);
    }
    line.done(`done in ${secs()}`);
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
      release();
      rmSync(dirname(tar), { recursive: true, force: true });
    }
  },
};
