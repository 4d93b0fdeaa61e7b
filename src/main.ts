/** Entry point: pick the verb, hand it the rest of argv. */
import { UsageError } from './cli/args.js';
import { BosunError } from './errors/index.js';
import type { Verb } from './cli/types.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // The long-running server loads only its own verb, not the client verbs (memory it would keep
  // for good); client verbs, in turn, do not load the server.
  const verbs: Verb[] = name === 'server' ? [(await import('./cli/server.js')).serverVerb] : (await import('./cli/index.js')).verbs;
  const help = async () => (await import('./cli/index.js')).help();
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(await help());
    return name ? 0 : 1;
  }
  const verb = verbs.find((v) => v.name === name);
  if (!verb) {
    console.error(`bosun: unknown verb "${name}"\n\n${await help()}`);
    return 1;
  }
  if (rest[0] === '--help') {
    console.log(`${verb.summary}\n\nUsage: ${verb.usage}`);
    return 0;
  }
  try {
    return await verb.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bosun ${name}: ${err.message}\nUsage: ${verb.usage}`);
      return 2;
    }
    if (err instanceof BosunError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    console.error(`bosun ${name}: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code !== undefined) process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
