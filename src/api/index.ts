/**
 * The Fulcrum API (fulcrum.io/v1alpha1): names, zod schemas, TypeScript types with defaults applied, and the
 * parsers the operator turns custom resources into validated objects with.
 */
export * from './group.js';
export { parseDuration, isDuration, DURATION_PATTERN } from './duration.js';
export { scaledIntOrPercent } from './int-or-percent.js';
export type {
  Condition,
  IntOrPercent,
  LabelSelector,
  LabelSelectorRequirement,
  Quantity,
} from './field-schemas.js';
export type { FieldIssue, ParseResult } from './parse-result.js';
export * from './resource-pool-spec.js';
export * from './resource-pool-rebalancing.js';
export * from './resource-pool-failover.js';
export * from './resource-pool-eviction.js';
export * from './resource-pool-consolidation.js';
export * from './resource-pool-scale-target.js';
export * from './resource-pool-tuning.js';
export * from './resource-pool-status.js';
export * from './resource-pool.js';
export * from './workload-policy.js';
export { fulcrumCrds, renderCrdYaml, type CrdFile } from './fulcrum-crds.js';
export type { CustomResourceDefinition } from './crd-generator.js';
