/**
 * The one source of truth for Kubernetes types in Bosun: a compact description per struct (fields with
 * their JSON name, type, description, protobuf field number and patch metadata). OpenAPI v3 documents,
 * strategic-merge-patch metadata, unknown-field detection and protobuf decoding are all derived from it.
 *
 * Notation used by the schema files (schemas-*.ts):
 *   field: [protoNumber, type, description, flags?]   (protoNumber 0 = not needed on the protobuf path)
 *   type:  string | int32 | int64 | bool | double | bytes | any | Quantity | IntOrString | Time | MicroTime
 *          | []T | map[T] (string keys) | StructName (resolved in the same package, then meta/v1, then core/v1)
 *   flags (space separated):
 *          req                  required in the schema
 *          ptr                  a Go pointer: a zero value sent over protobuf is kept (omitted otherwise)
 *          smp=merge:key        x-kubernetes-patch-strategy merge with x-kubernetes-patch-merge-key key
 *          smp=merge            merge strategy on a list of primitives (set semantics: finalizers)
 *          smp=retainKeys       retainKeys on a struct (optionally combined: smp=merge,retainKeys:name)
 *          list=atomic|set|map:k1,k2   x-kubernetes-list-type (+ list-map-keys)
 *          atomicmap            x-kubernetes-map-type atomic
 *          enum=A,B,C           allowed values (documented; validation lives in validation.ts)
 *   struct options: inline = structs embedded in this one (Go embedding: JSON-flattened, protobuf field n).
 */

export type ScalarKind = 'string' | 'int32' | 'int64' | 'bool' | 'double' | 'bytes' | 'any' | 'Quantity' | 'IntOrString' | 'Time' | 'MicroTime';

export type TypeRef =
  | { k: 'scalar'; s: ScalarKind }
  | { k: 'array'; items: TypeRef }
  | { k: 'map'; values: TypeRef }
  | { k: 'struct'; name: string };

export interface FieldDef {
  name: string;
  type: TypeRef;
  description: string;
  proto: number;
  required: boolean;
  ptr: boolean;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic';
  enum?: string[];
}

export interface StructDef {
  name: string;
  description: string;
  fields: FieldDef[];
  inlines: Array<{ proto: number; name: string }>;
  gvk: Array<{ group: string; version: string; kind: string }>;
}

export type RawField = [number, string, string, string?];

export interface RawStruct {
  d: string;
  f: Record<string, RawField>;
  inline?: Array<[number, string]>;
  gvk?: [string, string, string];
  /** The struct is a whole object: metadata/kind/apiVersion fields are added. */
  object?: boolean;
}

const STRUCTS = new Map<string, StructDef>();
const PENDING: Array<{ pkg: string; name: string; raw: RawStruct }> = [];

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE = 'io.k8s.api.core.v1';

/** Registers the structs of one package (e.g. "io.k8s.api.apps.v1"); resolution is lazy. */
export function definePackage(pkg: string, structs: Record<string, RawStruct>): void {
  for (const [name, raw] of Object.entries(structs)) PENDING.push({ pkg, name, raw });
}

function resolveName(pkg: string, short: string): string {
  if (short.includes('.')) return short;
  for (const p of [pkg, META, CORE]) {
    if (PENDING.some((x) => x.pkg === p && x.name === short) || STRUCTS.has(`${p}.${short}`)) return `${p}.${short}`;
  }
  throw new Error(`schema: unknown type ${short} in ${pkg}`);
}

const SCALARS = new Set<string>(['string', 'int32', 'int64', 'bool', 'double', 'bytes', 'any', 'Quantity', 'IntOrString', 'Time', 'MicroTime']);

function parseType(pkg: string, t: string): TypeRef {
  if (t.startsWith('[]')) return { k: 'array', items: parseType(pkg, t.slice(2)) };
  if (t.startsWith('map[') && t.endsWith(']')) return { k: 'map', values: parseType(pkg, t.slice(4, -1)) };
  if (SCALARS.has(t)) return { k: 'scalar', s: t as ScalarKind };
  return { k: 'struct', name: resolveName(pkg, t) };
}

function parseField(pkg: string, name: string, raw: RawField): FieldDef {
  const [proto, type, description, flags] = raw;
  const f: FieldDef = { name, type: parseType(pkg, type), description, proto, required: false, ptr: false };
  for (const flag of (flags ?? '').split(/\s+/).filter(Boolean)) {
    if (flag === 'req') f.required = true;
    else if (flag === 'ptr') f.ptr = true;
    else if (flag === 'atomicmap') f.mapType = 'atomic';
    else if (flag.startsWith('smp=')) {
      const [strategy, key] = flag.slice(4).split(':') as [string, string | undefined];
      f.patchStrategy = strategy;
      if (key) f.patchMergeKey = key;
    } else if (flag.startsWith('list=')) {
      const [lt, keys] = flag.slice(5).split(':') as [string, string | undefined];
      f.listType = lt as FieldDef['listType'];
      if (keys) f.listMapKeys = keys.split(',');
    } else if (flag.startsWith('enum=')) f.enum = flag.slice(5).split(',');
    else throw new Error(`schema: bad flag ${flag} on ${pkg} ${name}`);
  }
  return f;
}

function resolveAll(): void {
  while (PENDING.length) {
    const all = PENDING.splice(0);
    // Resolve names only after every package is registered, so definition order does not matter.
    const staged = all.map(({ pkg, name }) => `${pkg}.${name}`);
    for (const full of staged) if (!STRUCTS.has(full)) STRUCTS.set(full, { name: full, description: '', fields: [], inlines: [], gvk: [] });
    for (const { pkg, name, raw } of all) {
      const def = STRUCTS.get(`${pkg}.${name}`)!;
      def.description = raw.d;
      if (raw.object) {
        def.fields.push(
          { name: 'apiVersion', type: { k: 'scalar', s: 'string' }, proto: 0, required: false, ptr: false,
            description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources' },
          { name: 'kind', type: { k: 'scalar', s: 'string' }, proto: 0, required: false, ptr: false,
            description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
          { name: 'metadata', type: { k: 'struct', name: `${META}.ObjectMeta` }, proto: 1, required: false, ptr: false,
            description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" },
        );
      }
      for (const [fname, rf] of Object.entries(raw.f)) def.fields.push(parseField(pkg, fname, rf));
      def.inlines = (raw.inline ?? []).map(([proto, n]) => ({ proto, name: resolveName(pkg, n) }));
      if (raw.gvk) def.gvk = [{ group: raw.gvk[0], version: raw.gvk[1], kind: raw.gvk[2] }];
    }
  }
}

/** A struct by full name, with inlined structs' fields flattened in (the JSON view). */
export function getStruct(name: string): StructDef | undefined {
  resolveAll();
  return STRUCTS.get(name);
}

/** All fields of a struct as JSON sees them (embedded structs flattened). */
export function jsonFields(def: StructDef): FieldDef[] {
  const out = [...def.fields];
  for (const inl of def.inlines) {
    const sub = getStruct(inl.name);
    if (sub) out.push(...jsonFields(sub));
  }
  return out;
}

export function allStructs(): StructDef[] {
  resolveAll();
  return [...STRUCTS.values()];
}

/** The struct that carries x-kubernetes-group-version-kind for a kind. */
export function structForKind(group: string, version: string, kind: string): StructDef | undefined {
  resolveAll();
  for (const s of STRUCTS.values()) if (s.gvk.some((g) => g.group === group && g.version === version && g.kind === kind)) return s;
  return undefined;
}
