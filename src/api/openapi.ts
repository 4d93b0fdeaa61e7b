/**
 * OpenAPI v3 documents per group-version, generated from the type descriptions in schemas-*.ts.
 * kubectl reads them for `explain` (component schemas, `allOf`-wrapped `$ref`s, descriptions), for
 * client-side apply (x-kubernetes-patch-* on the schema carrying the kind's GVK) and to decide that the
 * server does field validation (a PATCH operation with the kind's GVK listing `fieldValidation`).
 */
import { createHash } from 'node:crypto';
import { catalog } from './catalog.js';
import type { ResourceInfo } from './types.js';
import { getStruct, jsonFields, META, type FieldDef, type StructDef, type TypeRef } from './schemas.js';

type Json = Record<string, unknown>;

const REF = (name: string) => `#/components/schemas/${name}`;
const SCALAR_SCHEMAS: Record<string, Json> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n```',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string', type: 'string',
  },
  [`${META}.Time`]: { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.', format: 'date-time', type: 'string' },
  [`${META}.MicroTime`]: { description: 'MicroTime is version of Time with microsecond level precision.', format: 'date-time', type: 'string' },
  [`${META}.Patch`]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
};
const SCALAR_REF: Record<string, string> = {
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  Time: `${META}.Time`,
  MicroTime: `${META}.MicroTime`,
};

function typeSchema(t: TypeRef, refs: Set<string>, inItems: boolean): Json {
  switch (t.k) {
    case 'scalar':
      switch (t.s) {
        case 'string': return inItems ? { type: 'string', default: '' } : { type: 'string' };
        case 'int32': return { type: 'integer', format: 'int32' };
        case 'int64': return { type: 'integer', format: 'int64' };
        case 'bool': return { type: 'boolean' };
        case 'double': return { type: 'number', format: 'double' };
        case 'bytes': return { type: 'string', format: 'byte' };
        case 'any': return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
        default: {
          const name = SCALAR_REF[t.s]!;
          refs.add(name);
          return { allOf: [{ $ref: REF(name) }] };
        }
      }
    case 'array': return { type: 'array', items: typeSchema(t.items, refs, true) };
    case 'map': return { type: 'object', additionalProperties: typeSchema(t.values, refs, true) };
    case 'struct':
      refs.add(t.name);
      return { default: {}, allOf: [{ $ref: REF(t.name) }] };
  }
}

function fieldSchema(f: FieldDef, refs: Set<string>): Json {
  const s: Json = { description: f.description, ...typeSchema(f.type, refs, false) };
  if (f.type.k === 'struct' && !f.required) delete s.default;
  if (f.enum) s.enum = f.enum;
  if (f.patchStrategy) s['x-kubernetes-patch-strategy'] = f.patchStrategy;
  if (f.patchMergeKey) s['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.listType) s['x-kubernetes-list-type'] = f.listType;
  if (f.listMapKeys) s['x-kubernetes-list-map-keys'] = f.listMapKeys;
  if (f.mapType) s['x-kubernetes-map-type'] = f.mapType;
  return s;
}

function structSchema(def: StructDef, refs: Set<string>): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const f of jsonFields(def)) {
    properties[f.name] = fieldSchema(f, refs);
    if (f.required) required.push(f.name);
  }
  const s: Json = { description: def.description, type: 'object', properties };
  if (required.length) s.required = required.sort();
  if (def.gvk.length) s['x-kubernetes-group-version-kind'] = def.gvk;
  return s;
}

function listSchema(def: StructDef, refs: Set<string>): Json {
  refs.add(def.name);
  refs.add(`${META}.ListMeta`);
  const g = def.gvk[0]!;
  const plural = catalog.find((r) => r.group === g.group && r.kind === g.kind)?.resource ?? `${g.kind.toLowerCase()}s`;
  return {
    description: `${g.kind}List is a list of ${g.kind} objects.`,
    type: 'object',
    properties: {
      apiVersion: { description: 'APIVersion defines the versioned schema of this representation of an object.', type: 'string' },
      items: { description: `items is the list of ${plural}.`, type: 'array', items: { default: {}, allOf: [{ $ref: REF(def.name) }] } },
      kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
      metadata: { description: 'Standard list metadata.', default: {}, allOf: [{ $ref: REF(`${META}.ListMeta`) }] },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group: g.group, version: g.version, kind: `${g.kind}List` }],
  };
}

/** Every component reachable from `roots`, by name. */
function components(roots: string[], lists: StructDef[]): Json {
  const out: Json = {};
  const pending = new Set<string>(roots);
  const visit = (name: string) => {
    if (name in out) return;
    if (SCALAR_SCHEMAS[name]) { out[name] = SCALAR_SCHEMAS[name]; return; }
    const def = getStruct(name);
    if (!def) throw new Error(`openapi: no schema ${name}`);
    const refs = new Set<string>();
    out[name] = structSchema(def, refs);
    for (const r of refs) pending.add(r);
  };
  for (const l of lists) {
    const refs = new Set<string>();
    out[`${l.name}List`] = listSchema(l, refs);
    for (const r of refs) pending.add(r);
  }
  while (pending.size) {
    const [name] = pending;
    pending.delete(name!);
    visit(name!);
  }
  const sorted: Json = {};
  for (const k of Object.keys(out).sort()) sorted[k] = out[k];
  return sorted;
}

const param = (name: string, where: 'query' | 'path', description: string, schema: Json = { type: 'string', uniqueItems: true }): Json =>
  ({ name, in: where, description, ...(where === 'path' ? { required: true } : {}), schema });
const Q = {
  pretty: param('pretty', 'query', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  dryRun: param('dryRun', 'query', 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: param('fieldManager', 'query', 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.'),
  fieldValidation: param('fieldValidation', 'query', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.'),
  force: param('force', 'query', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.', { type: 'boolean', uniqueItems: true }),
  labelSelector: param('labelSelector', 'query', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  fieldSelector: param('fieldSelector', 'query', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  limit: param('limit', 'query', 'limit is a maximum number of responses to return for a list call.', { type: 'integer', uniqueItems: true }),
  continue: param('continue', 'query', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: param('resourceVersion', 'query', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: param('resourceVersionMatch', 'query', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  timeoutSeconds: param('timeoutSeconds', 'query', 'Timeout for the list/watch call.', { type: 'integer', uniqueItems: true }),
  watch: param('watch', 'query', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', { type: 'boolean', uniqueItems: true }),
  allowWatchBookmarks: param('allowWatchBookmarks', 'query', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', { type: 'boolean', uniqueItems: true }),
  sendInitialEvents: param('sendInitialEvents', 'query', '`sendInitialEvents=true` may be set together with `watch=true`.', { type: 'boolean', uniqueItems: true }),
  gracePeriodSeconds: param('gracePeriodSeconds', 'query', 'The duration in seconds before the object should be deleted.', { type: 'integer', uniqueItems: true }),
  propagationPolicy: param('propagationPolicy', 'query', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
  name: (kind: string) => param('name', 'path', `name of the ${kind}`),
  namespace: param('namespace', 'path', 'object name and auth scope, such as for teams and projects'),
};
const LIST_PARAMS = [Q.allowWatchBookmarks, Q.continue, Q.fieldSelector, Q.labelSelector, Q.limit, Q.resourceVersion, Q.resourceVersionMatch, Q.sendInitialEvents, Q.timeoutSeconds, Q.watch];
const WRITE_PARAMS = [Q.dryRun, Q.fieldManager, Q.fieldValidation];
const MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

const content = (schemaName: string, types: string[] = MEDIA): Json => {
  const c: Json = {};
  for (const t of types) c[t] = { schema: { $ref: REF(schemaName) } };
  return c;
};
const ok = (schemaName: string, codes: string[] = ['200']): Json => {
  const r: Json = {};
  for (const code of codes) r[code] = { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', content: content(schemaName) };
  r['401'] = { description: 'Unauthorized' };
  return r;
};

function opId(verb: string, r: ResourceInfo, namespaced: boolean, suffix = ''): string {
  const groupPart = (r.group === '' ? 'Core' : r.group.split('.')[0]!.replace(/^./, (c) => c.toUpperCase())
    .replace(/\.(.)/g, (_, c: string) => c.toUpperCase())) + r.version.replace(/^./, (c) => c.toUpperCase());
  return `${verb}${groupPart}${namespaced ? 'Namespaced' : ''}${r.kind}${suffix}`;
}

function resourcePaths(r: ResourceInfo): Json {
  const paths: Json = {};
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const collection = r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}` : `${base}/${r.resource}`;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const listName = `${r.schemaName}List`;
  const tag = r.group === '' ? `core_${r.version}` : `${r.group.split('.')[0]}_${r.version}`;
  const common = (extra: Json[] = []) => [...(r.namespaced ? [Q.namespace] : []), Q.pretty, ...extra];
  const op = (verb: string, action: string, schema: string, extra: Json) =>
    ({ tags: [tag], description: `${verb} ${r.kind}`, operationId: opId(verb, r, r.namespaced), ...extra, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk });
  paths[collection] = {
    get: op('list', 'list', listName, { parameters: LIST_PARAMS, responses: ok(listName) }),
    post: op('create', 'post', r.schemaName, { parameters: WRITE_PARAMS, requestBody: { content: content(r.schemaName, ['*/*']), required: true }, responses: ok(r.schemaName, ['200', '201', '202']) }),
    delete: op('deletecollection', 'deletecollection', `${META}.Status`, {
      parameters: [...LIST_PARAMS.filter((p) => p !== Q.watch && p !== Q.allowWatchBookmarks), Q.dryRun, Q.gracePeriodSeconds, Q.propagationPolicy],
      requestBody: { content: content(`${META}.DeleteOptions`, ['*/*']) }, responses: ok(`${META}.Status`) }),
    parameters: common(),
  };
  const item = `${collection}/{name}`;
  paths[item] = {
    get: op('read', 'get', r.schemaName, { responses: ok(r.schemaName) }),
    put: op('replace', 'put', r.schemaName, { parameters: WRITE_PARAMS, requestBody: { content: content(r.schemaName, ['*/*']), required: true }, responses: ok(r.schemaName, ['200', '201']) }),
    delete: op('delete', 'delete', `${META}.Status`, { parameters: [Q.dryRun, Q.gracePeriodSeconds, Q.propagationPolicy],
      requestBody: { content: content(`${META}.DeleteOptions`, ['*/*']) }, responses: ok(`${META}.Status`, ['200', '202']) }),
    patch: op('patch', 'patch', r.schemaName, { parameters: [...WRITE_PARAMS, Q.force], requestBody: { content: content(`${META}.Patch`, PATCH_TYPES), required: true }, responses: ok(r.schemaName, ['200', '201']) }),
    parameters: common([Q.name(r.kind)]),
  };
  for (const sub of r.subresources) {
    if (sub.name !== 'status' && sub.name !== 'scale') continue;
    const subSchema = sub.name === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : r.schemaName;
    const subGvk = { group: sub.group, version: sub.version, kind: sub.kind };
    const suffix = sub.name === 'scale' ? 'Scale' : 'Status';
    const subOp = (verb: string, action: string, extra: Json) =>
      ({ tags: [tag], description: `${verb} ${sub.name} of the specified ${r.kind}`, operationId: opId(verb, r, r.namespaced, suffix), ...extra, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': subGvk });
    paths[`${item}/${sub.name}`] = {
      get: subOp('read', 'get', { responses: ok(subSchema) }),
      put: subOp('replace', 'put', { parameters: WRITE_PARAMS, requestBody: { content: content(subSchema, ['*/*']), required: true }, responses: ok(subSchema, ['200', '201']) }),
      patch: subOp('patch', 'patch', { parameters: [...WRITE_PARAMS, Q.force], requestBody: { content: content(`${META}.Patch`, PATCH_TYPES), required: true }, responses: ok(subSchema, ['200', '201']) }),
      parameters: common([Q.name(r.kind)]),
    };
  }
  if (r.namespaced) {
    paths[`${base}/${r.resource}`] = {
      get: { ...(paths[collection] as Json & { get: Json }).get, operationId: opId('list', r, false, 'ForAllNamespaces') },
      parameters: [Q.pretty],
    };
  }
  return paths;
}

/** Index key of a group-version: "api/v1" for core, "apis/<group>/<version>" otherwise. */
export function openapiKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const cache = new Map<string, { doc: Json; hash: string }>();

function build(key: string): { doc: Json; hash: string } | undefined {
  const hit = cache.get(key);
  if (hit) return hit;
  const resources = catalog.filter((r) => openapiKey(r.group, r.version) === key);
  if (resources.length === 0) return undefined;
  const paths: Json = {};
  for (const r of resources) Object.assign(paths, resourcePaths(r));
  const roots = new Set<string>([`${META}.Status`, `${META}.DeleteOptions`, `${META}.Patch`]);
  const lists: StructDef[] = [];
  for (const r of resources) {
    roots.add(r.schemaName);
    const def = getStruct(r.schemaName);
    if (!def) throw new Error(`openapi: catalog names unknown schema ${r.schemaName}`);
    lists.push(def);
    for (const s of r.subresources) if (s.name === 'scale') roots.add('io.k8s.api.autoscaling.v1.Scale');
  }
  const doc: Json = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.33.0' },
    paths,
    components: { schemas: components([...roots], lists), securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } },
  };
  const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
  const entry = { doc, hash };
  cache.set(key, entry);
  return entry;
}

/**
 * The OpenAPI v3 document of one group-version. Accepts the index key ("apis/apps/v1", "api/v1")
 * or an apiVersion ("apps/v1", "v1"). undefined for an unknown group-version.
 */
export function openapiV3(groupVersion: string): Json | undefined {
  return build(normalizeKey(groupVersion))?.doc;
}

/** Content hash of a group-version document (the `hash` query parameter kubectl echoes back). */
export function openapiV3Hash(groupVersion: string): string | undefined {
  return build(normalizeKey(groupVersion))?.hash;
}

/** The `/openapi/v3` discovery document. */
export function openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const keys = [...new Set(catalog.map((r) => openapiKey(r.group, r.version)))].sort();
  for (const key of keys) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${build(key)!.hash}` };
  return { paths };
}

function normalizeKey(gv: string): string {
  const s = gv.replace(/^\/+/, '').replace(/^openapi\/v3\//, '');
  if (s.startsWith('api/') || s.startsWith('apis/')) return s;
  return s.includes('/') ? `apis/${s}` : `api/${s}`;
}
