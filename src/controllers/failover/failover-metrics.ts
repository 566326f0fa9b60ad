import { Gauge, Histogram, type Registry } from 'prom-client';
import type { FailoverStatusFragment } from '../../failover/index.js';

/** Seconds, from a tenth of a second to the ~6 minutes Kubernetes itself takes. */
const PHASE_BUCKETS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 30, 60, 120, 360];
/** The pure decision takes microseconds to milliseconds. */
const DECISION_BUCKETS = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];

/**
 * Failover durations, per pool:
 * - `fulcrum_failover_detection_seconds`: first failing observation → node declared Failed;
 * - `fulcrum_failover_decision_seconds`: one planPool call (partition guard and every plan of the pool);
 * - `fulcrum_failover_fencing_seconds`: Failed → fence written;
 * - `fulcrum_failover_recovery_seconds`: Failed → every deleted pod has a replacement bound elsewhere;
 * - `fulcrum_failover_probes`: members by their last probe's outcome (answering, failing, refused, pending);
 * - `fulcrum_failover_partition_suspected`: 1 for the reason a pool holds back (its own maxUnhealthy, or the
 *   global guard: API server unreachable, cluster-wide or zone-wide failure), 0 for the others.
 * - `fulcrum_failover_condition`: the pool's failover conditions as written to its status, 1 while True;
 * - `fulcrum_failover_nodes`: unhealthy (Suspect, Failed, Recovering) and fenced members, as in the status.
 */
export class FailoverMetrics {
  readonly detection: Histogram<'pool'>;
  readonly decision: Histogram<'pool'>;
  readonly fencing: Histogram<'pool'>;
  readonly recovery: Histogram<'pool'>;
  readonly probes: Gauge<'pool' | 'outcome'>;
  readonly partitionSuspected: Gauge<'pool' | 'reason'>;
  readonly condition: Gauge<'pool' | 'condition'>;
  readonly nodes: Gauge<'pool' | 'state'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['pool'] as const;
    this.detection = new Histogram({
      name: 'fulcrum_failover_detection_seconds',
      help: 'Seconds from the first failing observation of a node to it being declared failed.',
      labelNames,
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.decision = new Histogram({
      name: 'fulcrum_failover_decision_seconds',
      help: "Seconds one failover decision for a pool takes (partition guard and every node's plan).",
      labelNames,
      buckets: DECISION_BUCKETS,
      registers,
    });
    this.fencing = new Histogram({
      name: 'fulcrum_failover_fencing_seconds',
      help: 'Seconds from a node being declared failed to its fence being written.',
      labelNames,
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.recovery = new Histogram({
      name: 'fulcrum_failover_recovery_seconds',
      help: 'Seconds from a node being declared failed to every pod it lost being bound to another node.',
      labelNames,
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.probes = new Gauge({
      name: 'fulcrum_failover_probes',
      help: "Pool members by their last probe's outcome: answering, failing, refused (never sent), pending.",
      labelNames: ['pool', 'outcome'],
      registers,
    });
    this.partitionSuspected = new Gauge({
      name: 'fulcrum_failover_partition_suspected',
      help: 'Whether failover of a pool holds back suspecting a partition (1), by reason: TooManyUnhealthyNodes, APIServerUnreachable, ClusterWideFailure, ZoneWideFailure.',
      labelNames: ['pool', 'reason'],
      registers,
    });
    this.condition = new Gauge({
      name: 'fulcrum_failover_condition',
      help: "1 while the pool's failover condition (FailoverActive, PartitionSuspected, ProbesHealthy) is True.",
      labelNames: ['pool', 'condition'],
      registers,
    });
    this.nodes = new Gauge({
      name: 'fulcrum_failover_nodes',
      help: 'Pool members by failover state: unhealthy (Suspect, Failed or Recovering) and fenced.',
      labelNames: ['pool', 'state'],
      registers,
    });
  }

  /** The conditions and node counts of a status fragment, as the controller is about to write it. */
  report(pool: string, fragment: FailoverStatusFragment): void {
    for (const c of fragment.conditions)
      this.condition.set({ pool, condition: c.type }, c.status === 'True' ? 1 : 0);
    this.nodes.set({ pool, state: 'unhealthy' }, fragment.nodes.unhealthy);
    this.nodes.set({ pool, state: 'fenced' }, fragment.nodes.fenced);
  }
}
