import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type ScheduleResult = 'placed' | 'unschedulable' | 'bind_error';

/**
 * What Fulcrum's scheduler does, after kube-scheduler's own metrics: attempts by result, the time of one
 * placement decision and of a binding, pending pods by queue, preemption victims.
 */
export class SchedulerMetrics {
  private readonly attempts: Counter<'result'>;
  private readonly decision: Histogram;
  private readonly binding: Histogram;
  private readonly pending: Gauge<'queue'>;
  private readonly victims: Counter;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'fulcrum_scheduler_schedule_attempts_total',
      help: 'Placement attempts by result: placed, unschedulable, bind_error.',
      labelNames: ['result'],
      registers: [registry],
    });
    this.decision = new Histogram({
      name: 'fulcrum_scheduler_decision_duration_seconds',
      help: 'Time of one placement decision (filters, scores and, when nothing fits, preemption).',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    });
    this.binding = new Histogram({
      name: 'fulcrum_scheduler_binding_duration_seconds',
      help: 'Time of one pods/binding call to the API server.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    });
    this.pending = new Gauge({
      name: 'fulcrum_scheduler_pending_pods',
      help: 'Pods waiting for a node: active (tried in the next batch) or parked (found no node, backing off).',
      labelNames: ['queue'],
      registers: [registry],
    });
    this.victims = new Counter({
      name: 'fulcrum_scheduler_preemption_victims_total',
      help: 'Pods chosen as preemption victims (their evictions go through the actuator).',
      registers: [registry],
    });
  }

  attempted(result: ScheduleResult): void {
    this.attempts.inc({ result });
  }

  decided(seconds: number): void {
    this.decision.observe(seconds);
  }

  bound(seconds: number): void {
    this.binding.observe(seconds);
  }

  queued(active: number, parked: number): void {
    this.pending.set({ queue: 'active' }, active);
    this.pending.set({ queue: 'parked' }, parked);
  }

  preempting(victims: number): void {
    this.victims.inc(victims);
  }
}
