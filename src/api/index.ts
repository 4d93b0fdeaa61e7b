/**
 * The Kubernetes API types layer: resource catalog, defaults, validation, selectors, patches,
 * OpenAPI and protobuf decoding. Pure code: no I/O.
 */
export type { KObject, ObjectMeta, ResourceInfo, SubresourceInfo, TableColumn } from './types.js';
export { catalog, findResource, findKind } from './catalog.js';
export { humanDuration, ageSince } from './human-duration.js';
export {
  parseLabelSelector, labelSelectorRequirements, labelSelectorMatcher, matchesLabels, formatLabelRequirements,
  formatLabelSelector, formatLabels, parseFieldSelector, matchesFields, selectableFields, checkFieldSelector,
} from './selectors.js';
export type { LabelRequirement, LabelOperator, LabelSelectorObject, FieldRequirement } from './selectors.js';
