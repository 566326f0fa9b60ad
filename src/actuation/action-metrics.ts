import { Counter, Gauge, type Registry } from 'prom-client';
import type { BudgetRule } from './budget-ledger.js';
import type { ActionKind, ActionOutcome, ActionSource } from './action-requests.js';

/**
 * `fulcrum_actions_total{source,action,outcome}`: every disruptive action the actuator handled, whatever its
 * outcome (Done, DryRun, Denied, Blocked, Gone, Failed). A node request of several changes counts each.
 */
export class ActionMetrics {
  private readonly actions: Counter<'source' | 'action' | 'outcome'>;
  private readonly budgetLimit: Gauge<'rule' | 'scope' | 'sources' | 'actions' | 'window_seconds'>;
  private readonly budgetDenials: Counter<'rule'>;

  constructor(registry: Registry) {
    this.actions = new Counter({
      name: 'fulcrum_actions_total',
      help: 'Disruptive actions handled by the actuator, by source, action and outcome.',
      labelNames: ['source', 'action', 'outcome'],
      registers: [registry],
    });
    this.budgetLimit = new Gauge({
      name: 'fulcrum_action_budget_limit',
      help:
        "The operator's own safety budgets (docs/rebalancing.md): at most this many actions per scope value " +
        'in any window of window_seconds.',
      labelNames: ['rule', 'scope', 'sources', 'actions', 'window_seconds'],
      registers: [registry],
    });
    this.budgetDenials = new Counter({
      name: 'fulcrum_action_budget_denials_total',
      help: 'Actions an operator safety budget denied, by rule.',
      labelNames: ['rule'],
      registers: [registry],
    });
  }

  /** Publishes the budget rules in force, once, when the actuator is built. */
  describeBudgets(rules: readonly BudgetRule[]): void {
    for (const rule of rules) {
      this.budgetLimit.set(
        {
          rule: rule.name,
          scope: rule.scope,
          sources: (rule.sources ?? ['*']).join(','),
          actions: (rule.actions ?? ['*']).join(','),
          window_seconds: String(rule.windowMs / 1000),
        },
        rule.limit,
      );
      this.budgetDenials.inc({ rule: rule.name }, 0);
    }
  }

  /** One action denied by `rule`. */
  denied(rule: string): void {
    this.budgetDenials.inc({ rule });
  }

  count(source: ActionSource, action: ActionKind, outcome: ActionOutcome): void {
    this.actions.inc({ source, action, outcome });
  }
}
