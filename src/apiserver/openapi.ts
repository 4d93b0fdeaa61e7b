/**
 * OpenAPI v3 (`/openapi/v3` index + one document per group-version) and v2 (`/openapi/v2`).
 *
 * What kubectl reads (see the surface notes): the PATCH operation of each kind carries
 * `x-kubernetes-group-version-kind` and the `fieldValidation` query parameter (so kubectl leaves
 * validation to the server), its request body lists the patch media types (the strategic-merge
 * one only when the component schemas carry patch metadata, or kubectl would compute patches
 * from a schema that cannot answer), and `components.schemas` feeds `kubectl explain`.
 * Documents are built once; the index carries their hashes so clients cache them.
 */
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../api/types.js';
import type { Catalog } from './catalog.js';
import { topLevelFields } from './field-validation.js';

/** Component schemas by name (io.k8s.api.apps.v1.Deployment, …), with patch metadata when `patchMetadata` is set. */
export interface SchemaSource {
  schemas(): Record<string, unknown>;
  patchMetadata: boolean;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const param = (name: string, description: string, inQ = 'query', required = false) =>
  ({ name, in: inQ, description, ...(required ? { required: true } : {}), schema: { type: 'string', uniqueItems: true } });

const WRITE_PARAMS = [
  param('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  param('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  param('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
];
const FORCE = { name: 'force', in: 'query', description: 'Force is going to "force" Apply requests.', schema: { type: 'boolean', uniqueItems: true } };

/** Schemas for when the API layer provides none: each kind with its top-level fields, open below. */
export function minimalSchemas(catalog: Catalog): Record<string, unknown> {
  const open = (description: string) => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
  const out: Record<string, unknown> = {
    [`${META}.ObjectMeta`]: {
      type: 'object',
      description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      properties: {
        name: { type: 'string', description: 'Name must be unique within a namespace.' },
        generateName: { type: 'string', description: 'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.' },
        namespace: { type: 'string', description: 'Namespace defines the space within which each name must be unique.' },
        uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
        resourceVersion: { type: 'string', description: 'An opaque value that represents the internal version of this object.' },
        generation: { type: 'integer', format: 'int64', description: 'A sequence number representing a specific generation of the desired state.' },
        creationTimestamp: { type: 'string', format: 'date-time', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
        deletionTimestamp: { type: 'string', format: 'date-time', description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.' },
        deletionGracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Number of seconds allowed for this object to gracefully terminate.' },
        labels: { type: 'object', additionalProperties: { type: 'string', default: '' }, description: 'Map of string keys and values that can be used to organize and categorize objects.' },
        annotations: { type: 'object', additionalProperties: { type: 'string', default: '' }, description: 'Annotations is an unstructured key value map stored with a resource.' },
        ownerReferences: { type: 'array', items: open('OwnerReference contains enough information to let you identify an owning object.'), description: 'List of objects depended by this object.' },
        finalizers: { type: 'array', items: { type: 'string', default: '' }, description: 'Must be empty before the object is deleted from the registry.' },
        managedFields: { type: 'array', items: open('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.'), description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.' },
      },
    },
  };
  for (const r of catalog.resources) {
    const props: Record<string, unknown> = {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { allOf: [ref(`${META}.ObjectMeta`)], default: {}, description: "Standard object's metadata." },
    };
    for (const f of topLevelFields(r.kind)) props[f] = open(`${f} of the ${r.kind}.`);
    out[r.schemaName] = {
      type: 'object',
      description: `${r.kind} (${r.group ? `${r.group}/` : ''}${r.version}).`,
      properties: props,
      'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
    };
  }
  return out;
}

function operations(r: ResourceInfo, smp: boolean) {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const schema = ref(r.schemaName);
  const okBody = { content: { 'application/json': { schema } } };
  const op = (action: string, id: string, extra: Record<string, unknown> = {}) => ({
    tags: [`${r.group || 'core'}_${r.version}`], operationId: id, responses: { '200': { description: 'OK', ...okBody } },
    'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, ...extra,
  });
  const kind = r.kind;
  const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', ...(smp ? ['application/strategic-merge-patch+json'] : []), 'application/apply-patch+yaml'];
  const item = {
    get: op('get', `read${kind}`),
    put: op('put', `replace${kind}`, { parameters: WRITE_PARAMS, requestBody: { content: { '*/*': { schema } }, required: true } }),
    patch: op('patch', `patch${kind}`, {
      parameters: [...WRITE_PARAMS, FORCE],
      requestBody: { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: ref(`${META}.Patch`) }])), required: true },
    }),
    delete: op('delete', `delete${kind}`, { parameters: [param('dryRun', 'dry run'), param('gracePeriodSeconds', 'grace period'), param('propagationPolicy', 'propagation policy')] }),
    parameters: [param('name', `name of the ${kind}`, 'path', true), ...(r.namespaced ? [param('namespace', 'object name and auth scope', 'path', true)] : [])],
  };
  const collection = {
    get: op('list', `list${kind}`),
    post: op('post', `create${kind}`, { parameters: WRITE_PARAMS, requestBody: { content: { '*/*': { schema } }, required: true } }),
    ...(r.verbs.includes('deletecollection') ? { delete: op('deletecollection', `deleteCollection${kind}`) } : {}),
    ...(r.namespaced ? { parameters: [param('namespace', 'object name and auth scope', 'path', true)] } : {}),
  };
  return { item, collection };
}

export interface OpenApiDocs {
  /** "api/v1", "apis/apps/v1" → document JSON. */
  docs: Map<string, { json: string; hash: string }>;
  index: string;
}

export function buildOpenApi(catalog: Catalog, source: SchemaSource, version: string): OpenApiDocs {
  const schemas = source.schemas();
  const docs = new Map<string, { json: string; hash: string }>();
  for (const { group, version: v } of catalog.groupVersions()) {
    const root = group ? `/apis/${group}/${v}` : `/api/${v}`;
    const paths: Record<string, unknown> = {};
    const used = new Set<string>([`${META}.ObjectMeta`, `${META}.Patch`]);
    for (const r of catalog.inGroupVersion(group, v)) {
      const { item, collection } = operations(r, source.patchMetadata);
      const base = r.namespaced ? `${root}/namespaces/{namespace}/${r.resource}` : `${root}/${r.resource}`;
      paths[base] = collection;
      paths[`${base}/{name}`] = item;
      used.add(r.schemaName);
    }
    // Ship every schema reachable from the kinds of this group-version.
    const components: Record<string, unknown> = { [`${META}.Patch`]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' } };
    const queue = [...used];
    while (queue.length) {
      const name = queue.pop()!;
      const s = schemas[name];
      if (!s || components[name]) continue;
      components[name] = s;
      for (const m of JSON.stringify(s).matchAll(/#\/components\/schemas\/([^"]+)"/g)) if (!components[m[1]]) queue.push(m[1]);
    }
    const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version }, paths, components: { schemas: components } };
    const json = JSON.stringify(doc);
    docs.set(root.slice(1), { json, hash: createHash('sha512').update(json).digest('hex').toUpperCase() });
  }
  const index = JSON.stringify({
    paths: Object.fromEntries([...docs].map(([p, d]) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` }])),
  });
  return { docs, index };
}
