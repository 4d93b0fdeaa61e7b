/** Image verbs: images, tag, rmi, import, save, load, history, image prune, and `bosun image …`. */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from '../args.js';
import type { Verb } from '../types.js';
import { each } from './each.js';
import { clientFor, dataDirFlag } from './client.js';
import { ago, humanSize, shortId, table } from './format.js';
import { showProgress, uploadWithProgress } from './streams.js';
import { filtersFrom } from './ps.js';
import { inspectVerb } from './inspect.js';
import { bootstrapVerb } from './image-bootstrap.js';

interface ImageSummary {
  Id: string;
  RepoTags: string[];
  Created: number;
  Size: number;
}

export const imagesVerb: Verb = {
  name: 'images',
  summary: 'List images',
  usage: 'bosun images [-q] [--no-trunc] [-f KEY=VALUE] [REPOSITORY[:TAG]]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [
      dataDirFlag,
      { name: 'quiet', short: 'q', type: 'boolean' },
      { name: 'no-trunc', type: 'boolean' },
      { name: 'all', short: 'a', type: 'boolean' },
      { name: 'filter', short: 'f', type: 'list' },
    ]);
    const filters = [...(flags.filter as string[]), ...positionals.map((p) => `reference=${p}`)];
    const list = await clientFor(flags).json<ImageSummary[]>('GET', '/images/json', { query: { filters: filtersFrom(filters) } });
    const full = Boolean(flags['no-trunc']);
    const id = (i: ImageSummary) => (full ? i.Id : shortId(i.Id));
    if (flags.quiet) {
      for (const i of list) console.log(id(i));
      return 0;
    }
    const rows: string[][] = [];
    for (const i of list.sort((a, b) => b.Created - a.Created)) {
      const tags = i.RepoTags.length ? i.RepoTags : ['<none>:<none>'];
      for (const t of tags) {
        const c = t.lastIndexOf(':');
        rows.push([t.slice(0, c), t.slice(c + 1), id(i), ago(i.Created), humanSize(i.Size)]);
      }
    }
    process.stdout.write(table(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows));
    return 0;
  },
};

export const tagVerb: Verb = {
  name: 'tag',
  summary: 'Give an image another name',
  usage: 'bosun tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag]);
    if (positionals.length !== 2) { console.error('bosun tag: requires exactly 2 arguments'); return 1; }
    const target = positionals[1];
    const slash = target.lastIndexOf('/');
    const colon = target.lastIndexOf(':');
    const [repo, tag] = colon > slash ? [target.slice(0, colon), target.slice(colon + 1)] : [target, 'latest'];
    await clientFor(flags).call('POST', `/images/${positionals[0]}/tag`, { query: { repo, tag } });
    return 0;
  },
};

export const rmiVerb: Verb = {
  name: 'rmi',
  summary: 'Remove images (refused while a container uses one, unless -f)',
  usage: 'bosun rmi [-f] IMAGE [IMAGE...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'force', short: 'f', type: 'boolean' }, { name: 'no-prune', type: 'boolean' }]);
    const c = clientFor(flags);
    return each(positionals, async (ref) => {
      const items = await c.json<Array<{ Untagged?: string; Deleted?: string }>>('DELETE', `/images/${ref}`, { query: { force: Boolean(flags.force), noprune: Boolean(flags['no-prune']) } });
      for (const i of items) console.log(i.Untagged ? `Untagged: ${i.Untagged}` : `Deleted: ${i.Deleted}`);
    }, { print: false });
  },
};

export const importVerb: Verb = {
  name: 'import',
  summary: 'Make an image from a rootfs tarball (file or - for stdin)',
  usage: 'bosun import [-c "ENV PATH=…"] [-m MESSAGE] FILE|- [REPOSITORY[:TAG]]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'change', short: 'c', type: 'list' }, { name: 'message', short: 'm', type: 'string' }]);
    const [file, ref] = positionals;
    if (!file) { console.error('bosun import: requires at least 1 argument'); return 1; }
    if (file !== '-' && !existsSync(file)) { console.error(`Error: open ${file}: no such file or directory`); return 1; }
    const up = file === '-' ? undefined : uploadWithProgress(file, 'import');
    const res = await clientFor(flags).request('POST', '/images/create', {
      query: { fromSrc: '-', repo: ref, changes: flags.change as string[], message: flags.message as string | undefined },
      upload: up?.stream ?? process.stdin,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    const msgs = await showProgress(res, { quiet: true });
    up?.finish();
    const id = msgs.map((m) => m.status).filter(Boolean).pop();
    if (id) console.log(id);
    return 0;
  },
};

export const saveVerb: Verb = {
  name: 'save',
  summary: 'Write images to a docker-archive tarball (-o FILE or stdout)',
  usage: 'bosun save [-o FILE] IMAGE [IMAGE...]',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'output', short: 'o', type: 'string' }]);
    if (!positionals.length) { console.error('bosun save: requires at least 1 argument'); return 1; }
    const out = flags.output as string | undefined;
    if (!out && process.stdout.isTTY) { console.error('Error: cowardly refusing to save to a terminal. Use the -o flag or redirect'); return 1; }
    const res = await clientFor(flags).request('GET', '/images/get', { query: { names: positionals } });
    await pipeline(res, out ? createWriteStream(out) : process.stdout);
    return 0;
  },
};

export const loadVerb: Verb = {
  name: 'load',
  summary: 'Load images from a docker-archive or OCI-layout tarball (-i FILE or stdin)',
  usage: 'bosun load [-i FILE] [-q]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'input', short: 'i', type: 'string' }, { name: 'quiet', short: 'q', type: 'boolean' }]);
    const input = flags.input as string | undefined;
    if (!input && process.stdin.isTTY) { console.error('Error: requested load from stdin, but stdin is empty'); return 1; }
    if (input && !existsSync(input)) { console.error(`Error: open ${input}: no such file or directory`); return 1; }
    const up = input && !flags.quiet ? uploadWithProgress(input, 'load') : undefined;
    const res = await clientFor(flags).request('POST', '/images/load', {
      query: { quiet: Boolean(flags.quiet) },
      upload: up?.stream ?? (input ? createReadStream(input) : process.stdin),
      headers: { 'Content-Type': 'application/x-tar' },
    });
    await showProgress(res);
    up?.finish();
    return 0;
  },
};

export const historyVerb: Verb = {
  name: 'history',
  summary: 'Show the history of an image',
  usage: 'bosun history IMAGE',
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, [dataDirFlag, { name: 'no-trunc', type: 'boolean' }]);
    if (positionals.length !== 1) { console.error('bosun history: requires exactly 1 argument'); return 1; }
    const h = await clientFor(flags).json<Array<{ Id: string; Created: number; CreatedBy: string; Size: number; Comment: string }>>('GET', `/images/${positionals[0]}/history`);
    process.stdout.write(table(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'],
      h.map((e) => [e.Id === '<missing>' ? e.Id : shortId(e.Id), ago(e.Created), flags['no-trunc'] ? e.CreatedBy : e.CreatedBy.slice(0, 45), humanSize(e.Size), e.Comment])));
    return 0;
  },
};

const imagePruneVerb: Verb = {
  name: 'prune',
  summary: 'Remove dangling images (-a: every image no container uses)',
  usage: 'bosun image prune [-a] [-f]',
  async run(argv) {
    const { flags } = parseArgs(argv, [dataDirFlag, { name: 'all', short: 'a', type: 'boolean' }, { name: 'force', short: 'f', type: 'boolean' }]);
    const r = await clientFor(flags).json<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }>('POST', '/images/prune', {
      query: { filters: JSON.stringify({ dangling: [flags.all ? 'false' : 'true'] }) },
    });
    if (r.ImagesDeleted?.length) {
      console.log('Deleted Images:');
      for (const i of r.ImagesDeleted) console.log(i.Untagged ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`);
      console.log('');
    }
    console.log(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}`);
    return 0;
  },
};

/** `bosun image SUBCOMMAND`, docker's management-command form. */
export const imageVerb: Verb = {
  name: 'image',
  summary: 'Manage images: ls, rm, tag, inspect, import, save, load, history, prune, bootstrap debian',
  usage: 'bosun image ls|rm|tag|inspect|import|save|load|history|prune|bootstrap ...',
  async run(argv) {
    const [sub, ...rest] = argv;
    const subs: Record<string, Verb> = {
      ls: imagesVerb, list: imagesVerb, rm: rmiVerb, remove: rmiVerb, tag: tagVerb, import: importVerb, save: saveVerb, load: loadVerb,
      history: historyVerb, prune: imagePruneVerb, bootstrap: bootstrapVerb, inspect: inspectVerb('inspect', 'image', 'Show image details'),
    };
    const v = sub ? subs[sub] : undefined;
    if (!v) { console.error(`Usage: ${imageVerb.usage}`); return 1; }
    return v.run(rest);
  },
};
