/** `bosun container SUBCOMMAND`: docker's management-command form of the container verbs. */
import type { Verb } from '../types.js';
import { createVerb, runVerb } from './run.js';
import { killVerb, pauseVerb, renameVerb, restartVerb, rmVerb, startVerb, stopVerb, unpauseVerb, waitVerb } from './lifecycle.js';
import { psVerb } from './ps.js';
import { logsVerb } from './logs.js';
import { execVerb } from './exec.js';
import { inspectVerb } from './inspect.js';
import { containerPruneVerb, statsVerb, topVerb } from './system.js';
import { cpVerb } from './cp.js';

export const containerVerb: Verb = {
  name: 'container',
  summary: 'Manage containers: ls, run, create, start, stop, restart, kill, rm, logs, exec, inspect, stats, top, prune, …',
  usage: 'bosun container ls|run|create|start|stop|restart|kill|rm|pause|unpause|rename|wait|logs|exec|inspect|stats|top|cp|prune ...',
  async run(argv) {
    const [sub, ...rest] = argv;
    const subs: Record<string, Verb> = {
      ls: psVerb, list: psVerb, ps: psVerb, run: runVerb, create: createVerb, start: startVerb, stop: stopVerb, restart: restartVerb, kill: killVerb,
      rm: rmVerb, remove: rmVerb, pause: pauseVerb, unpause: unpauseVerb, rename: renameVerb, wait: waitVerb, logs: logsVerb, exec: execVerb,
      inspect: inspectVerb('inspect', 'container', 'Show container details'), stats: statsVerb, top: topVerb, cp: cpVerb, prune: containerPruneVerb,
    };
    const v = sub ? subs[sub] : undefined;
    if (!v) { console.error(`Usage: ${containerVerb.usage}`); return 1; }
    return v.run(rest);
  },
};
