import type { Verb } from './types.js';
import { serverVerb } from './server.js';
import { envVerb } from './env.js';
import { teardownVerb } from './teardown.js';
import { ctxVerb } from './ctx.js';
import { nsVerb } from './ns.js';
import { dockerVerbs } from './docker/index.js';

export const verbs: Verb[] = [serverVerb, envVerb, teardownVerb, ctxVerb, nsVerb, ...dockerVerbs];

export function help(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    'Usage: bosun VERB [flags]',
    '',
    'Verbs:',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'Run "bosun VERB --help" for a verb\'s flags.',
  ].join('\n');
}
