/**
 * Preemption through the actuator: each victim is evicted with the Eviction API under the `preemption`
 * budgets, so PodDisruptionBudgets are checked once more by the API server and every eviction is logged, has
 * an Event and a metric. Victims are evicted one after the other, lowest priority first; a victim a budget or
 * a PDB refuses stops the round (the preemptor is retried and may choose again once its patience runs out).
 */
import type { Actuator, ActuationMode } from '../../actuation/index.js';
import type { Logger } from '../../logging/logger.js';
import type { PodInfo } from '../../model/pod-info.js';
import type { Preemption } from '../../placement/index.js';
import type { PreemptionEvictor } from './scheduler-controller.js';

export function actuatorEvictor(
  actuator: Actuator,
  logger: Logger,
  mode: ActuationMode = 'Enforce',
): PreemptionEvictor {
  return {
    async evictVictims(preemptor: PodInfo, preemption: Preemption, pool: string, signal: AbortSignal) {
      for (const victim of preemption.victims) {
        const result = await actuator.evict(
          {
            source: 'preemption',
            pool,
            mode,
            reason: `make room on ${preemption.node} for ${preemptor.key}, which fits on no node of pool ${pool}`,
            pod: { namespace: victim.namespace, name: victim.name, uid: victim.uid, node: preemption.node },
          },
          signal,
        );
        if (result.outcome === 'Done' || result.outcome === 'Gone' || result.outcome === 'DryRun') continue;
        logger.info(
          { preemptor: preemptor.key, victim: victim.key, outcome: result.outcome, message: result.message },
          'preemption stopped',
        );
        return;
      }
    },
  };
}
