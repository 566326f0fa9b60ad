/**
 * The resources Fulcrum balances, as integer vectors in base units: CPU in millicores, memory and
 * ephemeral storage in bytes, network in bits per second, pods as a count.
 */

/** Resources that have a ceiling in a ResourcePool. */
export const CEILING_RESOURCES = ['cpu', 'memory', 'ephemeralStorage', 'network'] as const;
export type CeilingResource = (typeof CEILING_RESOURCES)[number];

export interface ResourceVector {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  network: number;
  pods: number;
}

export function zeroResources(): ResourceVector {
  return { cpu: 0, memory: 0, ephemeralStorage: 0, network: 0, pods: 0 };
}

/** Adds `b` into `a` in place (times `sign`), the one mutation aggregates need. */
export function accumulate(a: ResourceVector, b: ResourceVector, sign: 1 | -1 = 1): void {
  a.cpu += sign * b.cpu;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  a.network += sign * b.network;
  a.pods += sign * b.pods;
}

export function sumResources(vectors: Iterable<ResourceVector>): ResourceVector {
  const total = zeroResources();
  for (const v of vectors) accumulate(total, v);
  return total;
}

/** Utilization in percent of `capacity`, or 0 when there is no capacity to use. */
export function utilizationPercent(used: number, capacity: number): number {
  return capacity > 0 ? (used / capacity) * 100 : 0;
}
