/**
 * The assumptions behind a simulation that the user should read next to its result: each is a way the dry
 * run may differ from what the running scheduler would do.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterSnapshot } from './cluster-snapshot.js';
import type { PodOutcome } from './outcome.js';
import { unknownPriorityClass } from './priority-classes.js';
import type { SimulatedCluster } from './simulated-cluster.js';

/** The scheduler name of pods Fulcrum places (the scheduler controller's default). */
export const FULCRUM_SCHEDULER = 'fulcrum';
const LISTED = 5;

export interface NotedPod {
  key: string;
  /** The pod as given in the pending file; undefined for the snapshot's own pending pods. */
  source: V1Pod | undefined;
}

export function simulationNotes(
  cluster: SimulatedCluster,
  snapshot: ClusterSnapshot,
  pending: readonly NotedPod[],
  outcomes: readonly PodOutcome[],
): string[] {
  const notes: string[] = [];
  const given = pending.filter((p) => p.source !== undefined);
  const otherScheduler = given.filter(
    (p) => (p.source?.spec?.schedulerName ?? 'default-scheduler') !== FULCRUM_SCHEDULER,
  );
  if (otherScheduler.length > 0) {
    notes.push(
      `${otherScheduler.length} given pod(s) do not set spec.schedulerName: ${FULCRUM_SCHEDULER} (${listed(otherScheduler)}): ` +
        'Fulcrum would leave them to their scheduler; they were simulated as if they named Fulcrum',
    );
  }
  const unknownClass = given.filter((p) =>
    unknownPriorityClass(p.source?.spec?.priorityClassName, snapshot.priorityClasses),
  );
  if (unknownClass.length > 0) {
    notes.push(
      `${unknownClass.length} given pod(s) name a PriorityClass the snapshot does not hold (${listed(unknownClass)}): ` +
        'simulated with priority 0',
    );
  }
  const usedPools = new Set(outcomes.map((o) => o.pool));
  for (const [name, pool] of cluster.pools) {
    if (usedPools.has(name) && pool.spec.allocation.basis !== 'Requests') {
      notes.push(
        `pool ${name} allocates on the ${pool.spec.allocation.basis} basis, but a snapshot has no usage samples: ` +
          'its nodes count by requests, as the engine counts a node without a sample',
      );
    }
  }
  if (cluster.failedNodes.size > 0) {
    notes.push(
      `nodes fenced by Fulcrum's failover get no pods: ${[...cluster.failedNodes].sort().join(', ')}`,
    );
  }
  if (outcomes.some((o) => o.result === 'Preempts')) {
    notes.push(
      'evicted pods are not recreated here; their controllers would create replacements that queue again',
    );
  }
  return notes;
}

function listed(pods: readonly NotedPod[]): string {
  const names = pods.slice(0, LISTED).map((p) => p.key);
  return pods.length > LISTED ? `${names.join(', ')}, ...` : names.join(', ');
}
