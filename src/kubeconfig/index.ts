/**
 * Reading and editing kubeconfig files the way kubectl does: KUBECONFIG may list several files;
 * the current context is taken from the first file that sets one, and edits go to that file (or
 * the first file). Unknown fields survive a round trip because the YAML document is edited in place.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDocument, type Document } from 'yaml';

export interface NamedContext {
  name: string;
  context: { cluster?: string; user?: string; namespace?: string };
}

export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
  contexts?: NamedContext[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

export function kubeconfigFiles(explicit?: string): string[] {
  if (explicit) return [explicit];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(':').filter(Boolean);
  return [join(homedir(), '.kube', 'config')];
}

export class KubeconfigFile {
  constructor(readonly path: string, private readonly doc: Document) {}

  static read(path: string): KubeconfigFile {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : 'apiVersion: v1\nkind: Config\n';
    return new KubeconfigFile(path, parseDocument(text));
  }

  get config(): Kubeconfig {
    return (this.doc.toJS() ?? {}) as Kubeconfig;
  }

  set(path: Array<string | number>, value: unknown): void {
    this.doc.setIn(path, value);
  }

  write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, this.doc.toString(), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

/** The files of a (possibly merged) kubeconfig, with helpers that follow kubectl's merge rules. */
export class KubeconfigSet {
  readonly files: KubeconfigFile[];

  constructor(explicit?: string) {
    this.files = kubeconfigFiles(explicit).map((p) => KubeconfigFile.read(p));
  }

  contexts(): NamedContext[] {
    const seen = new Map<string, NamedContext>();
    for (const f of this.files) for (const c of f.config.contexts ?? []) if (!seen.has(c.name)) seen.set(c.name, c);
    return [...seen.values()];
  }

  currentContext(): string | undefined {
    for (const f of this.files) if (f.config['current-context']) return f.config['current-context'];
    return undefined;
  }

  /** The file that holds the current-context setting (kubectl writes it back there). */
  private currentFile(): KubeconfigFile {
    return this.files.find((f) => f.config['current-context']) ?? this.files[0];
  }

  setCurrentContext(name: string): void {
    const f = this.currentFile();
    f.set(['current-context'], name);
    f.write();
  }

  /** The file that defines a context, and its index in that file's list. */
  findContext(name: string): { file: KubeconfigFile; index: number } | undefined {
    for (const file of this.files) {
      const index = (file.config.contexts ?? []).findIndex((c) => c.name === name);
      if (index >= 0) return { file, index };
    }
    return undefined;
  }

  setNamespace(contextName: string, namespace: string): void {
    const found = this.findContext(contextName);
    if (!found) throw new Error(`context "${contextName}" not found`);
    found.file.set(['contexts', found.index, 'context', 'namespace'], namespace);
    found.file.write();
  }
}

/** Where kubectx and kubens keep "the previous one", so `-` works across both tools. */
export function stateDir(): string {
  return process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'kubectx') : join(homedir(), '.kube');
}
