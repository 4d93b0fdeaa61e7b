import type { Verb } from '../types.js';
import { createVerb, runVerb } from './run.js';
import { killVerb, pauseVerb, renameVerb, restartVerb, rmVerb, startVerb, stopVerb, unpauseVerb, waitVerb } from './lifecycle.js';
import { psVerb } from './ps.js';
import { logsVerb } from './logs.js';
import { execVerb } from './exec.js';
import { inspectCmd } from './inspect.js';
import { historyVerb, imagesVerb, imageVerb, importVerb, loadVerb, rmiVerb, saveVerb, tagVerb } from './images.js';
import { volumeVerb } from './volume.js';
import { networkVerb } from './network.js';
import { eventsVerb, infoVerb, statsVerb, systemVerb, topVerb, versionVerb } from './system.js';
import { containerVerb } from './container.js';
import { cpVerb } from './cp.js';

/** Docker-style verbs (`bosun run`, `bosun ps`, …) talking to the engine API; one file per verb family. */
export const dockerVerbs: Verb[] = [
  runVerb, createVerb, psVerb, startVerb, stopVerb, restartVerb, killVerb, rmVerb, pauseVerb, unpauseVerb, renameVerb, waitVerb,
  logsVerb, execVerb, inspectCmd, statsVerb, topVerb, cpVerb, imagesVerb, tagVerb, rmiVerb, importVerb, saveVerb, loadVerb, historyVerb,
  imageVerb, containerVerb, volumeVerb, networkVerb, systemVerb, versionVerb, infoVerb, eventsVerb,
];
