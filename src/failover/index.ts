/**
 * The pure failover core: observations → detector state per node → partition guard → recovery plans → pool
 * status. No I/O, no clock (time comes in as numbers), no awaits. The probes that produce observations are in
 * src/probes; the failover controller wires both to informers and the actuator.
 */
export {
  describeEvidence,
  describeFailure,
  detectorConfig,
  isUnhealthy,
  newNodeHealth,
  provenHealthy,
  step,
  type ConditionObservation,
  type DetectorConfig,
  type FailureReason,
  type LeaseObservation,
  type NodeHealth,
  type NodeHealthState,
  type Observation,
  type ProbeObservation,
  type ReadyStatus,
  type StepResult,
  type Transition,
} from './detector.js';
export {
  allowedUnhealthy,
  partitionGuard,
  SMALL_POOL_SIZE,
  type GuardInput,
  type GuardVerdict,
  type PartitionReason,
  type PartitionVerdict,
  type ProceedVerdict,
} from './partition-guard.js';
export {
  globalGuard,
  globalHoldOf,
  UNHEALTHY_PERCENT,
  ZONE_LABEL,
  type GlobalGuardInput,
  type GlobalHold,
  type GlobalHoldReason,
  type GlobalVerdict,
  type ProbedNode,
} from './global-guard.js';
export {
  FENCED_BY_ANNOTATION,
  formatFenceMarker,
  readFenceMarker,
  uncordonedByHand,
  type FenceMarker,
} from './fence-marker.js';
export {
  OUT_OF_SERVICE_TAINT_KEY,
  OUT_OF_SERVICE_TAINT_VALUE,
  hasOutOfServiceTaint,
  isFenced,
  outOfServiceTaint,
  planFailover,
  planNodeGone,
  planUnfence,
  podClassOf,
  podsOnNode,
  type AwaitingPod,
  type DeletePodAction,
  type FailoverPlan,
  type FailoverPlanInput,
  type FailoverPodPolicy,
  type FencePlan,
  type FenceAction,
  type Fencing,
  type HoldPlan,
  type NotFencedPlan,
  type OutOfServiceEffect,
  type RecoveryPlan,
  type ReleasePlan,
  type ReschedulePlan,
  type SkippedPod,
  type SkipReason,
  type UnfenceAction,
  type UnfenceInput,
  type UnfencePlan,
} from './recovery-plan.js';
export { planPool, type PoolPlan, type PoolPlanInput } from './pool-plan.js';
export {
  evidenceVerdict,
  failingChannels,
  type ConditionSignal,
  type Evidence,
  type EvidenceVerdict,
  type LeaseSignal,
  type ProbeSignal,
} from './evidence.js';
export {
  MAX_FAILED_NODES,
  planStatus,
  UNCORDONED_BY_USER,
  type FailedNode,
  type FailoverProgress,
  type FailoverStatusFragment,
  type FailoverStatusInput,
} from './status.js';
export {
  probesHealthyCondition,
  probesUsable,
  type ProbeCounts,
  type ProbeReportInput,
} from './probe-report.js';
export {
  classifyPod,
  describePodClass,
  type FailoverClass,
  type FailoverClassSetting,
  type PodClass,
  type PodClassInput,
  type PodClassReason,
} from './pod-class.js';
export {
  confirmedDown,
  fenceAgentTime,
  FENCE_CONFIRMED_ANNOTATION,
  leaseSilentSince,
  type ConfirmedBy,
  type ConfirmedDown,
  type ConfirmedDownInput,
} from './confirmed-down.js';
