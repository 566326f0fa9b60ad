/**
 * The budgets the operator starts with: safety nets under the finer limits each source keeps itself (a pool's
 * rebalancing.maxEvictionsPerCycle, failover's maxUnhealthy). They only bite when something upstream is wrong,
 * such as a flapping detector or a rebalancer in a loop, and then they bound the damage.
 *
 * Sized for one failover of a full pool node (110 pods) per pool at once with room to spare, while a runaway
 * rebalancer is held to a trickle. Restorative changes (Uncordon, Untaint, Unannotate) are never limited:
 * undoing a fence must not wait behind a budget.
 */
import type { BudgetRule } from './budget-ledger.js';

const MINUTE = 60_000;
const POD_DISRUPTIONS = ['Evict', 'DeletePod'] as const;
const FENCES = ['Cordon', 'Taint'] as const;

export const DEFAULT_BUDGET_RULES: readonly BudgetRule[] = [
  // Every pod disruption, whatever asks: the last line against a bug that deletes the cluster's pods.
  {
    name: 'pod-disruptions-cluster',
    scope: 'cluster',
    actions: POD_DISRUPTIONS,
    limit: 2000,
    windowMs: MINUTE,
  },
  // Failover: about nine full nodes per pool per minute; maxUnhealthy decides how many nodes, this only
  // bounds a detector gone wrong.
  {
    name: 'failover-pod-disruptions-per-pool',
    scope: 'pool',
    sources: ['failover'],
    actions: POD_DISRUPTIONS,
    limit: 1000,
    windowMs: MINUTE,
  },
  {
    name: 'failover-fences-per-pool',
    scope: 'pool',
    sources: ['failover'],
    actions: FENCES,
    limit: 50,
    windowMs: MINUTE,
  },
  // Preemption makes room for higher-priority pods: bounded per pool and per node.
  {
    name: 'preemption-pod-disruptions-per-pool',
    scope: 'pool',
    sources: ['preemption'],
    actions: POD_DISRUPTIONS,
    limit: 100,
    windowMs: MINUTE,
  },
  {
    name: 'preemption-pod-disruptions-per-node',
    scope: 'node',
    sources: ['preemption'],
    actions: POD_DISRUPTIONS,
    limit: 20,
    windowMs: MINUTE,
  },
  // Balance moves are never urgent: a trickle per pool, and at most a few pods from one node per five minutes.
  {
    name: 'rebalance-pod-disruptions-per-pool',
    scope: 'pool',
    sources: ['rebalance'],
    actions: POD_DISRUPTIONS,
    limit: 30,
    windowMs: MINUTE,
  },
  {
    name: 'rebalance-pod-disruptions-per-node',
    scope: 'node',
    sources: ['rebalance'],
    actions: POD_DISRUPTIONS,
    limit: 5,
    windowMs: 5 * MINUTE,
  },
  // Urgent moves bring nodes back under a ceiling, within the pool's maxUrgentEvictionsPerCycle (default 20 per
  // 15 s interval, 80 a minute): this only bounds a planner gone wrong. Per node, enough to take half of a
  // 110-pod node's pods in a minute, since a node over its ceiling is relieved in one interval.
  {
    name: 'rebalance-urgent-pod-disruptions-per-pool',
    scope: 'pool',
    sources: ['rebalance-urgent'],
    actions: POD_DISRUPTIONS,
    limit: 120,
    windowMs: MINUTE,
  },
  {
    name: 'rebalance-urgent-pod-disruptions-per-node',
    scope: 'node',
    sources: ['rebalance-urgent'],
    actions: POD_DISRUPTIONS,
    limit: 55,
    windowMs: MINUTE,
  },
  // Consolidation drains whole nodes: a node's pods may all go within minutes, but only a few nodes at once.
  {
    name: 'consolidation-pod-disruptions-per-pool',
    scope: 'pool',
    sources: ['consolidation'],
    actions: POD_DISRUPTIONS,
    limit: 60,
    windowMs: MINUTE,
  },
  {
    name: 'consolidation-drains-per-pool',
    scope: 'pool',
    sources: ['consolidation'],
    actions: ['Taint'],
    limit: 10,
    windowMs: 10 * MINUTE,
  },
  // A scale target changes node counts: at most a handful of changes per pool per ten minutes, whatever the
  // pool's own cooldown says.
  {
    name: 'scale-changes-per-pool',
    scope: 'pool',
    sources: ['scale'],
    actions: ['Scale'],
    limit: 5,
    windowMs: 10 * MINUTE,
  },
  {
    name: 'rebalance-taints-per-pool',
    scope: 'pool',
    sources: ['rebalance'],
    actions: ['Taint'],
    limit: 20,
    windowMs: MINUTE,
  },
];
