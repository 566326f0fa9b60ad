import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InformerHealth, InformerStats } from '../kube/informer.js';
import type { WorkQueueMetrics } from '../kube/work-queue.js';
import type { ReconcileMetrics } from '../kube/workers.js';

export interface BuildInfo {
  version: string;
  commit?: string;
}

/** What the metrics need from an informer (the `Informer` class satisfies it). */
export interface InformerLike {
  readonly name: string;
  stats(): InformerStats;
  health(): InformerHealth;
}

// controller-runtime's workqueue buckets: 10 ns … 10^3 s.
const DURATION_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
// controller-runtime's reconcile_time_seconds buckets: 5 ms … 60 s.
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];

/**
 * The operator's Prometheus metrics, all registered in the injected registry (never the global one):
 * `fulcrum_build_info`, `fulcrum_leader`, client-go style `workqueue_*` with a `name` label,
 * `fulcrum_reconcile_*` by `controller` (controller-runtime's reconcile metrics), and `fulcrum_informer_*`
 * with a `resource` label (read from the informers at scrape time).
 */
export class OperatorMetrics {
  /** 1 while this replica is the elected leader. */
  readonly leader: Gauge;
  private readonly queueDepth: Gauge<'name'>;
  private readonly queueAdds: Counter<'name'>;
  private readonly queueRetries: Counter<'name'>;
  private readonly queueLatency: Histogram<'name'>;
  private readonly workDuration: Histogram<'name'>;
  private readonly reconciled: ReconcileSeries;
  private readonly informers: InformerLike[] = [];

  constructor(
    readonly registry: Registry,
    build: BuildInfo,
    options: { defaultMetrics?: boolean } = {},
  ) {
    const registers = [registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'fulcrum_' });
    new Gauge({
      name: 'fulcrum_build_info',
      help: 'Build information; always 1.',
      labelNames: ['version', 'commit', 'node_version'],
      registers,
    }).set({ version: build.version, commit: build.commit ?? 'unknown', node_version: process.version }, 1);
    this.leader = new Gauge({
      name: 'fulcrum_leader',
      help: '1 if this replica is the leader (always 1 with leader election off: it acts alone).',
      registers,
    });
    this.leader.set(0);
    const name = ['name'] as const;
    this.queueDepth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of the work queue.',
      labelNames: name,
      registers,
    });
    this.queueAdds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Adds handled by the work queue.',
      labelNames: name,
      registers,
    });
    this.queueRetries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Rate-limited retries.',
      labelNames: name,
      registers,
    });
    this.queueLatency = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'Seconds a key waits in the queue before being processed.',
      labelNames: name,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'Seconds processing a key takes.',
      labelNames: name,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.reconciled = reconcileSeries(registers);
    this.registerInformerCollectors(registers);
  }

  /** The sink for the reconciles of `controller`; its three result series start at 0. */
  reconciles(controller: string): ReconcileMetrics {
    const { total, duration } = this.reconciled;
    for (const result of ['success', 'requeue', 'error']) total.inc({ controller, result }, 0);
    return {
      reconciled: (result, seconds) => {
        total.inc({ controller, result });
        duration.observe({ controller }, seconds);
      },
    };
  }

  /** The sink for a `WorkQueue` named `name`. */
  workQueue(name: string): WorkQueueMetrics {
    const labels = { name };
    this.queueDepth.set(labels, 0);
    this.queueAdds.inc(labels, 0);
    this.queueRetries.inc(labels, 0);
    return {
      depth: (n) => this.queueDepth.set(labels, n),
      added: () => this.queueAdds.inc(labels),
      retried: () => this.queueRetries.inc(labels),
      queued: (s) => this.queueLatency.observe(labels, s),
      worked: (s) => this.workDuration.observe(labels, s),
    };
  }

  /** Exposes informers' counters (read at scrape time). */
  registerInformers(informers: readonly InformerLike[]): void {
    this.informers.push(...informers);
  }

  private registerInformerCollectors(registers: Registry[]): void {
    const each = this.informers;
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      read: (i: InformerLike) => Array<[Record<L, string>, number]>,
    ) =>
      new Counter<L | 'resource'>({
        name,
        help,
        labelNames: ['resource', ...labelNames],
        registers,
        collect() {
          this.reset();
          for (const i of each)
            for (const [labels, v] of read(i)) this.inc({ resource: i.name, ...labels }, v);
        },
      });
    const gauge = (name: string, help: string, read: (i: InformerLike) => number) =>
      new Gauge<'resource'>({
        name,
        help,
        labelNames: ['resource'],
        registers,
        collect() {
          this.reset();
          for (const i of each) this.set({ resource: i.name }, read(i));
        },
      });
    counter('fulcrum_informer_events_total', 'Watch events received, by type.', ['type'], (i) =>
      Object.entries(i.stats().events).map(([type, v]) => [{ type }, v]),
    );
    counter('fulcrum_informer_lists_total', 'Successful (re)lists, by reason.', ['reason'], (i) =>
      Object.entries(i.stats().lists).map(([reason, v]) => [{ reason }, v]),
    );
    counter(
      'fulcrum_informer_restarts_total',
      'Failed list/watch attempts retried after backoff.',
      [],
      (i) => [[{}, i.stats().restarts]],
    );
    counter('fulcrum_informer_resyncs_total', 'Periodic resyncs delivered.', [], (i) => [
      [{}, i.stats().resyncs],
    ]);
    gauge('fulcrum_informer_objects', 'Objects in the informer cache.', (i) => i.stats().objects);
    gauge('fulcrum_informer_synced', '1 once the informer completed its first list.', (i) =>
      i.stats().synced ? 1 : 0,
    );
    gauge(
      'fulcrum_informer_silence_seconds',
      'Seconds since the informer last received a list or watch event.',
      (i) => (i.health().silentForMs ?? 0) / 1000,
    );
  }
}

interface ReconcileSeries {
  total: Counter<'controller' | 'result'>;
  duration: Histogram<'controller'>;
}

/** controller-runtime's reconcile_total and reconcile_time_seconds, under Fulcrum's prefix. */
function reconcileSeries(registers: Registry[]): ReconcileSeries {
  return {
    total: new Counter({
      name: 'fulcrum_reconcile_total',
      help: 'Reconciles by controller (pool, policy, failover; rebalance counts pool intervals, scheduler batches) and result: success, requeue or error.',
      labelNames: ['controller', 'result'],
      registers,
    }),
    duration: new Histogram({
      name: 'fulcrum_reconcile_duration_seconds',
      help: 'Seconds one reconcile (or one rebalance or scheduling cycle) takes, by controller.',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
  };
}
