/**
 * The ResourcePool kind: a cluster-scoped set of nodes with ceilings and balancing and failover rules.
 */
import { z } from 'zod';
import { objectMeta } from './field-schemas.js';
import { API_VERSION, RESOURCE_POOL_KIND } from './group.js';
import { parseWith, type ParseResult } from './parse-result.js';
import { ResourcePoolSpecSchema } from './resource-pool-spec.js';
import { ResourcePoolStatusSchema } from './resource-pool-status.js';

export const ResourcePoolSchema = z.object({
  apiVersion: z.literal(API_VERSION).default(API_VERSION),
  kind: z.literal(RESOURCE_POOL_KIND).default(RESOURCE_POOL_KIND),
  metadata: objectMeta,
  spec: ResourcePoolSpecSchema,
  // The operator wrote the status; a malformed one must not make a valid pool invalid, so it is dropped.
  status: ResourcePoolStatusSchema.optional().catch(undefined),
});

/** A ResourcePool as the operator works with it: validated, every spec default applied. */
export type ResourcePool = z.output<typeof ResourcePoolSchema>;
/** A ResourcePool as written in a manifest. */
export type ResourcePoolInput = z.input<typeof ResourcePoolSchema>;

/**
 * Validates a ResourcePool read from the API server and applies the spec defaults. On failure, the message
 * names every offending field ("spec.ceilings.cpu: must be at most 100"), for a Ready=False condition.
 * Accepts exactly what the CRD accepts.
 */
export function parseResourcePool(object: unknown): ParseResult<ResourcePool> {
  return parseWith(ResourcePoolSchema, object);
}
