/**
 * The load signal placement shares with rebalancing: how used a node is on the pool's basis, whether a pod
 * fits under the ceilings, and the weighted load that strategies rank nodes by. Allocation-free: callers pass
 * the vectors to read and to write.
 */
import type { AllocationBasis, Ceilings, Weights } from '../api/index.js';
import type { ResourceVector } from '../model/resources.js';
import type { FilterReason } from './framework.js';

/**
 * Writes into `out` what the node uses on `basis`. Requests: the sum of pod requests (the model's
 * aggregate). Usage: measured usage plus pods assumed since it was measured, or the requests when the node
 * has no measurement. Max: per resource, the larger of the two. `pods` is always the count of bound pods.
 */
export function fillUsed(
  out: ResourceVector,
  basis: AllocationBasis,
  requested: ResourceVector,
  measured: ResourceVector | undefined,
  assumed: ResourceVector | undefined,
): void {
  out.pods = requested.pods;
  if (basis === 'Requests' || !measured) {
    out.cpu = requested.cpu;
    out.memory = requested.memory;
    out.ephemeralStorage = requested.ephemeralStorage;
    out.network = requested.network;
    return;
  }
  let cpu = measured.cpu;
  let memory = measured.memory;
  let ephemeralStorage = measured.ephemeralStorage;
  let network = measured.network;
  if (assumed) {
    cpu += assumed.cpu;
    memory += assumed.memory;
    ephemeralStorage += assumed.ephemeralStorage;
    network += assumed.network;
  }
  if (basis === 'Max') {
    cpu = Math.max(cpu, requested.cpu);
    memory = Math.max(memory, requested.memory);
    ephemeralStorage = Math.max(ephemeralStorage, requested.ephemeralStorage);
    network = Math.max(network, requested.network);
  }
  out.cpu = cpu;
  out.memory = memory;
  out.ephemeralStorage = ephemeralStorage;
  out.network = network;
}

/**
 * Whether `request` more of one resource keeps the node within `ceilingPercent` of `allocatable`. A zero
 * request always fits (as in kube-scheduler, it changes nothing); a node with no allocatable fits only that.
 * Compares `(used + request) * 100 <= ceiling * allocatable`, exact for integer quantities.
 */
export function resourceFits(
  used: number,
  request: number,
  allocatable: number,
  ceilingPercent: number,
): boolean {
  if (request <= 0) return true;
  if (allocatable <= 0) return false;
  return (used + request) * 100 <= ceilingPercent * allocatable;
}

/** Whether one more pod fits the node's pod count (no ceiling: allocatable pods is already a hard limit). */
export function podCountFits(usedPods: number, requestPods: number, allocatablePods: number): boolean {
  return requestPods <= 0 || usedPods + requestPods <= allocatablePods;
}

/**
 * Flat layout of a resource vector in a Float64Array, as the snapshot stores nodes: at offset `o`, cpu,
 * memory, ephemeralStorage, network, pods.
 */
export const SLOTS = 5;
const SLOT_RESOURCES = ['cpu', 'memory', 'ephemeralStorage', 'network'] as const;

/**
 * True when `request` fits on a node whose usage is at `used[u..]` and allocatable at `allocatable[a..]`
 * (SLOTS layout), within every ceiling and the pod count.
 */
export function fitsCeilingsAt(
  used: Float64Array,
  u: number,
  allocatable: Float64Array,
  a: number,
  request: ResourceVector,
  ceilings: Ceilings,
): boolean {
  return (
    resourceFits(used[u] as number, request.cpu, allocatable[a] as number, ceilings.cpu) &&
    resourceFits(used[u + 1] as number, request.memory, allocatable[a + 1] as number, ceilings.memory) &&
    resourceFits(
      used[u + 2] as number,
      request.ephemeralStorage,
      allocatable[a + 2] as number,
      ceilings.ephemeralStorage,
    ) &&
    resourceFits(used[u + 3] as number, request.network, allocatable[a + 3] as number, ceilings.network) &&
    podCountFits(used[u + 4] as number, request.pods, allocatable[a + 4] as number)
  );
}

/** Every way `request` does not fit (SLOTS layout, as `fitsCeilingsAt`), as reasons; empty when it fits. */
export function ceilingViolationsAt(
  used: Float64Array,
  u: number,
  allocatable: Float64Array,
  a: number,
  request: ResourceVector,
  ceilings: Ceilings,
): FilterReason[] {
  const reasons: FilterReason[] = [];
  for (let k = 0; k < SLOT_RESOURCES.length; k++) {
    const resource = SLOT_RESOURCES[k] as (typeof SLOT_RESOURCES)[number];
    const requested = request[resource];
    const have = used[u + k] as number;
    const capacity = allocatable[a + k] as number;
    if (resourceFits(have, requested, capacity, ceilings[resource])) continue;
    reasons.push(
      capacity <= 0
        ? { code: 'NoCapacity', resource, requested }
        : {
            code: 'OverCeiling',
            resource,
            requested,
            used: have,
            allocatable: capacity,
            ceilingPercent: ceilings[resource],
          },
    );
  }
  const pods = used[u + 4] as number;
  const podCapacity = allocatable[a + 4] as number;
  if (!podCountFits(pods, request.pods, podCapacity)) {
    reasons.push({ code: 'TooManyPods', used: pods, allocatable: podCapacity });
  }
  return reasons;
}

/**
 * The node's load after adding `request`, in percent (SLOTS layout at offset `o` of both arrays): the
 * weighted mean of each resource's utilization (used + request) / allocatable. Resources the node has none
 * of are left out, so a node without a network capacity annotation is not ranked as idle on network.
 * 0 when no weighted resource is present.
 */
export function weightedLoadAt(
  used: Float64Array,
  allocatable: Float64Array,
  o: number,
  request: ResourceVector,
  weights: Weights,
): number {
  let sum = 0;
  let weight = 0;
  const cpu = allocatable[o] as number;
  if (cpu > 0) {
    sum += (weights.cpu * ((used[o] as number) + request.cpu)) / cpu;
    weight += weights.cpu;
  }
  const memory = allocatable[o + 1] as number;
  if (memory > 0) {
    sum += (weights.memory * ((used[o + 1] as number) + request.memory)) / memory;
    weight += weights.memory;
  }
  const storage = allocatable[o + 2] as number;
  if (storage > 0) {
    sum += (weights.ephemeralStorage * ((used[o + 2] as number) + request.ephemeralStorage)) / storage;
    weight += weights.ephemeralStorage;
  }
  const network = allocatable[o + 3] as number;
  if (network > 0) {
    sum += (weights.network * ((used[o + 3] as number) + request.network)) / network;
    weight += weights.network;
  }
  return weight > 0 ? (sum / weight) * 100 : 0;
}

/** Writes `v` at `slots[i * SLOTS ..]`. */
export function writeSlots(slots: Float64Array, i: number, v: ResourceVector): void {
  const o = i * SLOTS;
  slots[o] = v.cpu;
  slots[o + 1] = v.memory;
  slots[o + 2] = v.ephemeralStorage;
  slots[o + 3] = v.network;
  slots[o + 4] = v.pods;
}

/**
 * The node weight for the Weighted strategy: the numeric value of label `key`, else of annotation `key`.
 * A missing, non-numeric, negative or infinite value weighs 1.
 */
export function nodeWeight(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  key: string | undefined,
): number {
  if (key === undefined) return 1;
  const text = labels[key] ?? annotations[key];
  if (text === undefined || text.trim() === '') return 1;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : 1;
}
