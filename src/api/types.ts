/**
 * The resource catalog contract between the pure API layer (src/api: types, defaults, validation,
 * schemas, table columns) and the API server (src/apiserver: HTTP, storage, watch, patch). The
 * server is generic: everything resource-specific it needs comes through a ResourceInfo.
 */
import type { FieldCause } from '../errors/index.js';

/** Any Kubernetes object as JSON. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** A column of a server-side Table (meta.k8s.io/v1), as `kubectl get` prints it. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = shown by default, >0 = only with -o wide. */
  priority: number;
}

export interface SubresourceInfo {
  name: 'status' | 'scale' | 'log' | 'exec' | 'attach' | 'portforward' | 'binding' | 'eviction' | 'token' | 'proxy';
  /** Kind the subresource answers with (e.g. autoscaling/v1 Scale for scale). */
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string; // "" for core
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: the URL segment ("deployments"). */
  resource: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  subresources: SubresourceInfo[];
  /** Name of the OpenAPI component schema for the kind, e.g. "io.k8s.api.apps.v1.Deployment". */
  schemaName: string;
  /**
   * The kind has a status subresource: writes through the main resource keep the stored status and
   * status is written through /status (metadata.generation is bumped by changes outside metadata/status).
   */
  hasStatus: boolean;
  /** Fills defaults in place, as the real API server does on create and update. */
  defaults?(obj: KObject): void;
  /** Every field error (path + message), empty when valid. `old` is set on update. */
  validate?(obj: KObject, old?: KObject): FieldCause[];
  /** Table columns (without the implicit Name column) and the cells for one object. */
  columns: TableColumn[];
  /**
   * false when the layout has no leading Name column (events print LAST SEEN first and Name last at
   * -o wide priority, inside `columns`); absent or true: the server prepends Name.
   */
  nameColumn?: boolean;
  cells(obj: KObject): unknown[];
}
