/**
 * The actuator: the one path for every disruptive action (pod evictions and deletions, node cordons, taints
 * and annotations), with budgets, DryRun, and a log line, an Event and a metric for every outcome.
 */
export { ActionMetrics } from './action-metrics.js';
export { Actuator, type ActuatorOptions, type EventSink } from './actuator.js';
export {
  BudgetLedger,
  type Admission,
  type BudgetRule,
  type BudgetScope,
  type LedgerEntry,
  type Ticket,
} from './budget-ledger.js';
export { DEFAULT_BUDGET_RULES } from './default-budgets.js';
export { kubeActuationClient, type ActuationClient } from './kube-client.js';
export { createKubeActuator } from './kube-actuator.js';
export { applyNodeChanges, nodePatch, type JsonPatchOperation } from './node-patch.js';
export type {
  ActionContext,
  ActionKind,
  ActionOutcome,
  ActionResult,
  ActionSource,
  ActuationMode,
  DeletePodRequest,
  EvictRequest,
  NodeChange,
  NodeRequest,
  PodRef,
  ScaleRef,
  ScaleRequest,
} from './action-requests.js';
