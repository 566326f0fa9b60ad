import { Counter, type Registry } from 'prom-client';
import type { ActionKind, ActionOutcome, ActionSource } from './types.js';

/**
 * `fulcrum_actions_total{source,action,outcome}`: every disruptive action the actuator handled, whatever its
 * outcome (Done, DryRun, Denied, Blocked, Gone, Failed). A node request of several changes counts each.
 */
export class ActionMetrics {
  private readonly actions: Counter<'source' | 'action' | 'outcome'>;

  constructor(registry: Registry) {
    this.actions = new Counter({
      name: 'fulcrum_actions_total',
      help: 'Disruptive actions handled by the actuator, by source, action and outcome.',
      labelNames: ['source', 'action', 'outcome'],
      registers: [registry],
    });
  }

  count(source: ActionSource, action: ActionKind, outcome: ActionOutcome): void {
    this.actions.inc({ source, action, outcome });
  }
}
