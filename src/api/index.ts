/**
 * The Kubernetes API types layer: resource catalog, defaults, validation, selectors, patches,
 * OpenAPI and protobuf decoding. Pure code: no I/O.
 *
 * A write goes through it in this order (as the real server's decode → default → validate):
 *   decodeProtobuf (protobuf bodies) → unknownFields (fieldValidation) → apply the patch
 *   (strategicMergePatch with patchMetaFor(info.schemaName) | mergePatch | jsonPatch) →
 *   info.defaults (after uid/name are assigned: Job selectors use the uid) → info.validate(obj, old).
 * Every resource-specific fact the API server needs comes from a ResourceInfo in `catalog`; the
 * type descriptions in schemas-*.ts are the single source for OpenAPI, patch metadata, unknown
 * fields and protobuf field numbers.
 */
export type { KObject, ObjectMeta, ResourceInfo, SubresourceInfo, TableColumn } from './types.js';
export { catalog, findResource, findKind } from './catalog.js';
export { humanDuration, ageSince } from './human-duration.js';
export {
  parseLabelSelector, labelSelectorRequirements, labelSelectorMatcher, matchesLabels, formatLabelRequirements,
  formatLabelSelector, formatLabels, parseFieldSelector, matchesFields, selectableFields, checkFieldSelector,
} from './selectors.js';
export type { LabelRequirement, LabelOperator, LabelSelectorObject, FieldRequirement } from './selectors.js';
export { openapiV3, openapiV3Hash, openapiV3Index, openapiKey } from './openapi.js';
export { unknownFields } from './unknown-fields.js';
export { patchMetaFor, NO_PATCH_META } from './patch-meta.js';
export type { PatchMeta, FieldPatchMeta } from './patch-meta.js';
export { strategicMergePatch, deepEqual } from './strategic-merge-patch.js';
export { jsonPatch } from './json-patch.js';
export { mergePatch } from './merge-patch.js';
export { decodeProtobuf } from './protobuf.js';
export { defaultsFor, defaultPodSpec, defaultImagePullPolicy } from './defaults.js';
export { validatorFor } from './validation.js';
export { cronErrors } from './validate-workloads.js';
export { isQuantity, parseQuantity } from './quantity.js';
export { FieldErrors, formatCauses, formatValue } from './field-errors.js';
export {
  dns1123LabelErrors, dns1123SubdomainErrors, dns1035LabelErrors, qualifiedNameErrors, labelValueErrors, configKeyErrors,
} from './name-rules.js';
export { tableLayout } from './tables.js';
export type { TableLayout } from './tables.js';
