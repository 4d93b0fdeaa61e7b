/**
 * Entry to the type descriptions: importing this module registers every schema package, so consumers
 * (OpenAPI, patch metadata, unknown-field detection, protobuf) always see the full set.
 */
import './schemas-meta.js';
import './schemas-core.js';
import './schemas-groups.js';

export { getStruct, jsonFields, allStructs, structForKind, META, CORE } from './schema-registry.js';
export type { StructDef, FieldDef, TypeRef, ScalarKind } from './schema-registry.js';
