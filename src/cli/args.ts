/**
 * A small flag parser with the conventions docker and kubectl users expect: `--flag value`,
 * `--flag=value`, repeated flags collect, short flags (`-d`, `-it`, `-p 80:80`), `--` ends flags.
 * Each verb declares its flags so a value-taking short flag inside a cluster (`-it`) is handled.
 */
export interface FlagSpec {
  /** Long name without dashes, e.g. "data-dir". */
  name: string;
  short?: string;
  /** boolean flags take no value */
  type: 'boolean' | 'string' | 'number' | 'list';
  default?: unknown;
}

export interface Parsed {
  flags: Record<string, unknown>;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], specs: FlagSpec[], opts: { stopAtFirstPositional?: boolean } = {}): Parsed {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: Record<string, unknown> = {};
  for (const s of specs) if (s.default !== undefined) flags[s.name] = s.default;
  for (const s of specs) if (s.type === 'list' && flags[s.name] === undefined) flags[s.name] = [];
  const positionals: string[] = [];
  const set = (spec: FlagSpec, value: string | undefined) => {
    switch (spec.type) {
      case 'boolean':
        flags[spec.name] = value === undefined ? true : !['false', '0', 'no'].includes(value.toLowerCase());
        break;
      case 'number': {
        const n = Number(value);
        if (value === undefined || value === '' || Number.isNaN(n)) throw new UsageError(`flag --${spec.name} needs a number, got "${value ?? ''}"`);
        flags[spec.name] = n;
        break;
      }
      case 'string':
        if (value === undefined) throw new UsageError(`flag --${spec.name} needs a value`);
        flags[spec.name] = value;
        break;
      case 'list':
        if (value === undefined) throw new UsageError(`flag --${spec.name} needs a value`);
        (flags[spec.name] as string[]).push(value);
        break;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      if (eq >= 0) set(spec, a.slice(eq + 1));
      else if (spec.type === 'boolean') set(spec, undefined);
      else { if (i + 1 >= argv.length) throw new UsageError(`flag --${name} needs a value`); set(spec, argv[++i]); }
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const spec = byShort.get(a[j]);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${a[j]}' in ${a}`);
        if (spec.type === 'boolean') { set(spec, undefined); continue; }
        const rest = a.slice(j + 1);
        if (rest) set(spec, rest.startsWith('=') ? rest.slice(1) : rest);
        else { if (i + 1 >= argv.length) throw new UsageError(`flag -${a[j]} needs a value`); set(spec, argv[++i]); }
        break;
      }
      continue;
    }
    positionals.push(a);
    if (opts.stopAtFirstPositional) { positionals.push(...argv.slice(i + 1)); break; }
  }
  return { flags, positionals };
}
