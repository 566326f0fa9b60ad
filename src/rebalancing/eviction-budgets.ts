/**
 * The eviction budgets of one planning cycle. Balance moves: per cycle, per source node, per namespace.
 * Urgent moves (off nodes over a ceiling): the pool's urgent budget per cycle only. Both: every disruption
 * budget (PodDisruptionBudgets and WorkloadPolicy minAvailable, each one allowance shared by both modes).
 * `check` says which one a pod would exceed; `spend` charges every one of them at once, so no budget is ever
 * exceeded.
 */
import type { PodInfo } from '../model/pod-info.js';
import type { RebalanceSettings } from './settings.js';
import type { MoveMode, PodFacts, SkipReason } from './rebalance-plan.js';

export type BudgetVerdict =
  { ok: true; budgets: string[] } | { ok: false; reason: SkipReason; detail: string };

export class EvictionBudgets {
  private cycle = 0;
  private urgent = 0;
  private readonly perNode = new Map<string, number>();
  private readonly perNamespace = new Map<string, number>();
  /** Remaining allowance per disruption budget, registered when first seen. */
  private readonly disruptions = new Map<string, number>();

  constructor(
    private readonly settings: Pick<
      RebalanceSettings,
      | 'maxEvictionsPerCycle'
      | 'maxEvictionsPerNode'
      | 'maxEvictionsPerNamespace'
      | 'maxUrgentEvictionsPerCycle'
    >,
    private readonly facts: Pick<PodFacts, 'pdbs' | 'policyBudgets'>,
  ) {}

  /** No more balance evictions are possible this cycle. */
  get exhausted(): boolean {
    return this.cycle >= this.settings.maxEvictionsPerCycle;
  }

  /** No more evictions of `mode` are possible this cycle. */
  exhaustedFor(mode: MoveMode): boolean {
    return mode === 'Urgent' ? this.urgent >= this.settings.maxUrgentEvictionsPerCycle : this.exhausted;
  }

  /** Whether `node` may lose another pod this cycle. */
  nodeAllows(node: string): boolean {
    return (this.perNode.get(node) ?? 0) < this.settings.maxEvictionsPerNode;
  }

  /** Whether evicting `pod` from `node` fits every budget; the budget names it draws on when it does. */
  check(pod: PodInfo, node: string, mode: MoveMode = 'Balance'): BudgetVerdict {
    if (mode === 'Urgent') {
      if (this.exhaustedFor('Urgent'))
        return {
          ok: false,
          reason: 'UrgentBudget',
          detail: `${this.settings.maxUrgentEvictionsPerCycle} urgent per cycle`,
        };
      return this.disruptionVerdict(pod);
    }
    if (this.exhausted)
      return { ok: false, reason: 'CycleBudget', detail: `${this.settings.maxEvictionsPerCycle} per cycle` };
    if (!this.nodeAllows(node))
      return { ok: false, reason: 'NodeBudget', detail: `${this.settings.maxEvictionsPerNode} per node` };
    if ((this.perNamespace.get(pod.namespace) ?? 0) >= this.settings.maxEvictionsPerNamespace)
      return {
        ok: false,
        reason: 'NamespaceBudget',
        detail: `${this.settings.maxEvictionsPerNamespace} per namespace in ${pod.namespace}`,
      };
    return this.disruptionVerdict(pod);
  }

  /** Charges an eviction that `check` allowed, to the budgets of its mode and the disruption budgets. */
  spend(pod: PodInfo, node: string, budgets: readonly string[], mode: MoveMode = 'Balance'): void {
    if (mode === 'Urgent') this.urgent++;
    else {
      this.cycle++;
      this.perNode.set(node, (this.perNode.get(node) ?? 0) + 1);
      this.perNamespace.set(pod.namespace, (this.perNamespace.get(pod.namespace) ?? 0) + 1);
    }
    for (const name of budgets) this.disruptions.set(name, (this.disruptions.get(name) as number) - 1);
  }

  private disruptionVerdict(pod: PodInfo): BudgetVerdict {
    const budgets = this.budgetsOf(pod);
    const spent = budgets.find((name) => (this.disruptions.get(name) as number) <= 0);
    if (spent !== undefined) return { ok: false, reason: 'DisruptionBudget', detail: spent };
    return { ok: true, budgets };
  }

  private budgetsOf(pod: PodInfo): string[] {
    const names: string[] = [];
    for (const [prefix, list] of [
      ['pdb', this.facts.pdbs?.(pod) ?? []],
      ['policy', this.facts.policyBudgets?.(pod) ?? []],
    ] as const) {
      for (const budget of list) {
        // Budgets from preemptionBudgets() already carry the prefix; planner fixtures may not.
        const name = budget.name.startsWith(`${prefix}:`) ? budget.name : `${prefix}:${budget.name}`;
        if (!this.disruptions.has(name)) this.disruptions.set(name, Math.max(0, budget.disruptionsAllowed));
        if (!names.includes(name)) names.push(name);
      }
    }
    return names;
  }
}
