import type { Verb } from '../types.js';

/** Docker-style verbs (`bosun run`, `bosun ps`, …) talking to the engine API; one file per verb. */
export const dockerVerbs: Verb[] = [];
