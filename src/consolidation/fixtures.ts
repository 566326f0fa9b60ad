/**
 * Consolidation test scenarios on top of the rebalance planner's fixtures: the same compact nodes and pods,
 * a ConsolidationInput with the API defaults, and a replay of a plan's moves onto the model. Not used by
 * production code.
 */
import { factsOf, NOW, podInfo, type Scenario } from '../rebalancing/planner-fixtures.js';
import type { ConsolidationSettings } from './settings.js';
import type { ConsolidationFacts, ConsolidationInput, ConsolidationPlan } from './consolidation-plan.js';

export const DEFAULT_CONSOLIDATION: ConsolidationSettings = {
  mode: 'Enforce',
  maxDrainingNodes: 1,
  maxEvictionsPerCycle: 10,
  minNodes: 1,
  drainTimeoutMs: 600_000,
  minPodAgeMs: 120_000,
  tolerance: 10,
  recoveryTolerance: 5,
};

/** Pods named `ds-*` are DaemonSet pods: they stay on their node and do not keep it in use. */
export function consolidationFacts(s: Scenario): ConsolidationFacts {
  return { ...factsOf(s), staysOnNode: (pod) => pod.name.startsWith('ds-') };
}

export function consolidationInput(
  s: Scenario,
  overrides: Omit<Partial<ConsolidationInput>, 'settings'> & {
    settings?: Partial<ConsolidationSettings>;
  } = {},
): ConsolidationInput {
  const { settings, ...rest } = overrides;
  return {
    model: s.model,
    pool: s.pool,
    now: NOW,
    settings: { ...DEFAULT_CONSOLIDATION, ...settings },
    metrics: { stale: [] },
    draining: new Map(),
    facts: consolidationFacts(s),
    ...rest,
  };
}

/**
 * Carries out `plan` on the scenario's model as the cluster would: every evicted pod's replacement is bound
 * to the planned destination (an hour old, so it is not too young to move again), and started drains join
 * `draining` (stopped ones leave it).
 */
export function replayPlan(
  s: Scenario,
  plan: ConsolidationPlan,
  draining: Map<string, number>,
  now: number,
): void {
  for (const e of plan.evictions) {
    const pod = s.model.pod(e.pod);
    if (!pod) continue;
    s.model.deletePod(e.pod);
    const spec = s.pods.get(e.pod);
    const moved = podInfo(
      {
        name: e.name,
        namespace: e.namespace,
        cpu: pod.requests.cpu,
        memory: pod.requests.memory,
        priority: pod.priority,
      },
      e.expectedTo,
    );
    s.model.upsertPod({ ...moved, creationTimestamp: now - 3_600_000 });
    if (spec) s.pods.set(e.pod, { ...spec, node: e.expectedTo });
  }
  for (const m of plan.marks) {
    if (m.kind === 'StartDrain') draining.set(m.node, now);
    else draining.delete(m.node);
  }
}
