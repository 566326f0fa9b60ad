/**
 * Capacity advice for one pool (optimization.scaleRecommendations): whether the pool's demand at the horizon
 * would cross a ceiling even if it were spread perfectly over its nodes, and how many nodes of the pool's
 * typical shape (the median allocatable of each resource) that takes, or how many could go. Pure.
 *
 * Per resource with a ceiling and a typical node that has some of it:
 *   capacity  = Σ allocatable × ceiling / 100          (the pool, at its ceiling)
 *   per node  = median allocatable × ceiling / 100     (one more node of the typical shape)
 *   demand up = max(usage now, point forecast at the horizon, requests)
 *   needed    = ⌈(demand up − capacity) / per node⌉ when demand up > capacity
 *   demand down = max(usage now, the forecast band's upper end, requests)
 *   spare     = ⌊(capacity − demand down) / per node⌋
 * Pressure when some resource needs nodes; the pool needs the most any resource needs. Otherwise the nodes
 * that could go are the fewest any resource could spare, always leaving one. Spread "perfectly" means this
 * is a lower bound on what the pool needs: pods are not divisible, so bin packing may need one more.
 */
import type { Ceilings } from '../api/index.js';
import { formatBytes, formatDecimal, formatMillicores } from '../model/quantity.js';
import { CEILING_RESOURCES, type CeilingResource, type ResourceVector } from '../model/resources.js';
import { formatSpan } from './lookahead.js';

/** A resource's demand on the pool. */
export interface ResourceDemand {
  /** Usage now, summed over the pool's nodes (requests where a node is not measured). */
  now: number;
  /** The pool's forecast total at the horizon, when the pool forecasts and a forecast is ready. */
  forecast?: { value: number; high: number; trendPerMinute: number };
  /** Requests of the pods on the pool's nodes, summed. */
  requests: number;
}

export interface CapacityInput {
  now: number;
  horizonMs: number;
  /** Allocatable of each node that takes pods (ready and schedulable). */
  nodes: readonly ResourceVector[];
  ceilings: Ceilings;
  demand: Partial<Record<CeilingResource, ResourceDemand>>;
}

export type CapacityReason = 'ForecastOverCapacity' | 'OverCapacity' | 'SpareCapacity' | 'EnoughCapacity';

export interface CapacityRecommendation {
  pressure: boolean;
  reason: CapacityReason;
  /** Recommended node count: the nodes counted plus the nodes needed, or minus those that could go. */
  nodes: number;
  /** Nodes needed (> 0), or that could go (< 0), or 0. */
  change: number;
  /** The resource that needs the most nodes (pressure only). */
  resource?: CeilingResource;
  /** When demand crosses the pool's capacity at the ceiling, ms since the epoch (pressure only). */
  by?: number;
  message: string;
}

const MINUTE = 60_000;

const FORMAT: Record<CeilingResource, (v: number) => string> = {
  cpu: formatMillicores,
  memory: formatBytes,
  ephemeralStorage: formatBytes,
  network: formatDecimal,
};

interface ResourceFigures {
  resource: CeilingResource;
  capacity: number;
  perNode: number;
  up: number;
  needed: number;
  spare: number;
  demand: ResourceDemand;
}

export function recommendCapacity(input: CapacityInput): CapacityRecommendation {
  const count = input.nodes.length;
  const nodes = nodeFigures(input.nodes);
  const figures = resourceFigures(input, nodes);
  const shape = typicalShape(nodes);
  const worst = figures.reduce<ResourceFigures | undefined>(
    (a, f) => (f.needed > 0 && (!a || f.needed > a.needed) ? f : a),
    undefined,
  );
  if (worst) {
    const by = crossing(worst, input);
    const forecastOnly = by > input.now;
    const reason: CapacityReason = forecastOnly ? 'ForecastOverCapacity' : 'OverCapacity';
    const share = Math.round((worst.up * 100) / (worst.capacity / (input.ceilings[worst.resource] / 100)));
    const when = forecastOnly
      ? `in about ${formatSpan(Math.max(MINUTE, Math.round((by - input.now) / MINUTE) * MINUTE))} (${minuteOf(by)})`
      : 'now';
    const message =
      `${worst.resource} demand reaches ${share}% of the pool's allocatable, over its ` +
      `${input.ceilings[worst.resource]}% ceiling, ${when} even if spread evenly: ` +
      `${worst.needed} more node(s) of the typical shape (${shape}) needed by then, ${count + worst.needed} in all`;
    return {
      pressure: true,
      reason,
      nodes: count + worst.needed,
      change: worst.needed,
      resource: worst.resource,
      by,
      message,
    };
  }
  const spare = figures.length === 0 ? 0 : Math.min(...figures.map((f) => f.spare));
  const canGo = Math.max(0, Math.min(spare, count - 1));
  const horizon = formatSpan(input.horizonMs);
  const message =
    canGo > 0
      ? `${canGo} node(s) of the typical shape (${shape}) could go: demand over the next ${horizon} fits ` +
        `${count - canGo} node(s) within the ceilings`
      : `enough capacity: demand over the next ${horizon} fits within the ceilings, and no node could go`;
  return {
    pressure: false,
    reason: canGo > 0 ? 'SpareCapacity' : 'EnoughCapacity',
    nodes: count - canGo,
    change: canGo > 0 ? -canGo : 0,
    message,
  };
}

/** Figures of every resource that has a ceiling, a typical node with some of it, and a demand. */
function resourceFigures(input: CapacityInput, nodes: NodeFigures): ResourceFigures[] {
  const out: ResourceFigures[] = [];
  CEILING_RESOURCES.forEach((resource, k) => {
    const demand = input.demand[resource];
    const ceiling = input.ceilings[resource] / 100;
    const typical = nodes.typical[k] as number;
    if (!demand || ceiling <= 0 || typical <= 0) return;
    const capacity = (nodes.sum[k] as number) * ceiling;
    const perNode = typical * ceiling;
    const up = Math.max(demand.now, demand.forecast?.value ?? 0, demand.requests);
    const down = Math.max(demand.now, demand.forecast?.high ?? 0, demand.requests);
    out.push({
      resource,
      capacity,
      perNode,
      up,
      needed: up > capacity ? Math.ceil((up - capacity) / perNode) : 0,
      spare: Math.max(0, Math.floor((capacity - down) / perNode)),
      demand,
    });
  });
  return out;
}

/** When demand crosses capacity: now if usage or requests already do, else along the forecast's trend. */
function crossing(f: ResourceFigures, input: CapacityInput): number {
  const { now, forecast, requests } = f.demand;
  if (now > f.capacity || requests > f.capacity || !forecast) return input.now;
  const end = input.now + input.horizonMs;
  if (forecast.trendPerMinute <= 0) return end;
  const at = input.now + ((f.capacity - now) / forecast.trendPerMinute) * 60_000;
  return Math.round(Math.min(end, Math.max(input.now, at)));
}

/** "8 cpu, 32Gi memory": the median allocatable of cpu and memory. */
function typicalShape(nodes: NodeFigures): string {
  return `${FORMAT.cpu(nodes.typical[0] as number)} cpu, ${FORMAT.memory(nodes.typical[1] as number)} memory`;
}

/** "2026-01-01T00:04Z": minutes only, so the message does not change with every interval's estimate. */
function minuteOf(ms: number): string {
  return `${new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString().slice(0, 16)}Z`;
}

/** Per resource (CEILING_RESOURCES order): the nodes' allocatable summed in node order, and its median. */
interface NodeFigures {
  sum: Float64Array;
  typical: Float64Array;
}

/**
 * Every node read once, each resource by name (`n[resource]` with the name in a variable is a megamorphic
 * keyed load, a few milliseconds a step over 5,000 nodes), into four columns; each column's median is taken
 * once (typicalShape reuses cpu's and memory's).
 */
function nodeFigures(nodes: readonly ResourceVector[]): NodeFigures {
  const n = nodes.length;
  const columns = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const [cpu, memory, storage, network] = columns as [Float64Array, Float64Array, Float64Array, Float64Array];
  const sum = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    const v = nodes[i] as ResourceVector;
    cpu[i] = v.cpu;
    memory[i] = v.memory;
    storage[i] = v.ephemeralStorage;
    network[i] = v.network;
    // Summed in node order, as a reduce over the nodes would.
    sum[0] = (sum[0] as number) + v.cpu;
    sum[1] = (sum[1] as number) + v.memory;
    sum[2] = (sum[2] as number) + v.ephemeralStorage;
    sum[3] = (sum[3] as number) + v.network;
  }
  return { sum, typical: Float64Array.from(columns, (c) => medianInPlace(c)) };
}

/**
 * The median, by selection rather than a sort: O(n), where sorting 5,000 nodes' figures six times a step
 * cost about a millisecond. The same value a sort gives (the k-th smallest does not depend on the method).
 */
export function median(values: readonly number[]): number {
  return medianInPlace(new Float64Array(values)); // not Float64Array.from: that walks an iterator
}

/** The median of `a`, reordering it. */
function medianInPlace(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return 0;
  const mid = Math.floor(n / 2);
  const upper = select(a, mid);
  if (n % 2 === 1) return upper;
  // After selecting `mid`, everything before it is ≤ it: the lower middle is their largest.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if ((a[i] as number) > lower) lower = a[i] as number;
  return (lower + upper) / 2;
}

/** Hoare's selection: rearranges `a` so a[k] is the k-th smallest, smaller ones before it; returns it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}
