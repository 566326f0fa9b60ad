/**
 * The CapacityPressure condition and `status.recommendation` of a pool with `optimization.scaleRecommendations`
 * (the pool controller leaves the condition to this writer then): the pure recommendation
 * (optimize/capacity-recommendation.ts) over the pool's ready, schedulable nodes, its usage now, requests and,
 * when it forecasts, its forecast total at the horizon. Stale or missing metrics make the condition Unknown
 * and withhold the recommendation rather than advise on old figures. Pure: the model and usage come in.
 */
import { parseDuration, ResourcePoolConditionType, type ResourcePool } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { DesiredCondition } from '../model/conditions.js';
import type { ResourceVector } from '../model/resources.js';
import { recommendCapacity } from './capacity-recommendation.js';
import { poolDemand } from './pool-demand.js';
import type { UsageForecaster } from './usage-forecaster.js';
import type { PoolUsageView } from './pool-usage.js';

export interface CapacityAdvice {
  condition: DesiredCondition;
  /** Absent while metrics are stale. */
  recommendation?: { nodes: number; reason: string };
}

export interface CapacityAdviceInput {
  pool: ResourcePool;
  generation: number | undefined;
  members: readonly string[];
  model: ClusterModel;
  usage: PoolUsageView | undefined;
  forecaster: UsageForecaster | undefined;
  now: number;
}

export function capacityAdvice(input: CapacityAdviceInput): CapacityAdvice {
  const { pool, members, model, usage, now } = input;
  const base = {
    type: ResourcePoolConditionType.CapacityPressure,
    ...(input.generation !== undefined ? { observedGeneration: input.generation } : {}),
  };
  const stale = usage?.nodes.stale ?? []; // the view was read for `members` only
  if (!usage || stale.length > 0)
    return {
      condition: {
        ...base,
        status: 'Unknown',
        reason: 'MetricsStale',
        message: usage
          ? `no fresh usage for ${stale.length} node(s) (${stale
              .slice(0, 5)
              .map((s) => s.key)
              .join(', ')}): no capacity advice on old figures`
          : 'no usage measured yet',
      },
    };
  const nodes: ResourceVector[] = [];
  const counted: string[] = [];
  for (const name of members) {
    const info = model.node(name);
    if (!info?.ready || info.unschedulable) continue;
    nodes.push(info.allocatable);
    counted.push(name);
  }
  const horizonMs = parseDuration(pool.spec.optimization.horizon);
  const demand = poolDemand({
    nodes: counted,
    usage: (node) => usage.nodes.usage.get(node),
    requests: (node) => model.requestedView(node),
    ...(input.forecaster ? { forecaster: input.forecaster } : {}),
    at: now + horizonMs,
  });
  const advice = recommendCapacity({ now, horizonMs, nodes, ceilings: pool.spec.ceilings, demand });
  return {
    condition: {
      ...base,
      status: advice.pressure ? 'True' : 'False',
      reason: advice.reason,
      message: advice.message,
    },
    recommendation: { nodes: advice.nodes, reason: advice.message },
  };
}
