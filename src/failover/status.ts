/**
 * The failover part of a ResourcePool's status, pure: the FailoverActive and PartitionSuspected conditions,
 * `failover.failedNodes`, `failover.lastFailover`, and the unhealthy/fenced node counts. Messages never depend
 * on the current time, so re-applying an unchanged status is a no-op for watchers.
 */
import type { z } from 'zod';
import type { EnforcementMode, FailedNodeSchema, FailoverRecord } from '../api/index.js';
import { ResourcePoolConditionType } from '../api/index.js';
import type { DesiredCondition } from '../model/conditions.js';
import type { ConfirmedBy } from './confirmed-down.js';
import { describeFailure, type NodeHealthState } from './detector.js';
import type { GuardVerdict } from './partition-guard.js';
import { probesHealthyCondition, type ProbeReportInput } from './probe-report.js';

export type FailedNode = z.output<typeof FailedNodeSchema>;

/** The phase of a failed node a human uncordoned while it was fenced (failover holds for it). */
export const UNCORDONED_BY_USER = 'UncordonedByUser';

/** The schema's bound on `failover.failedNodes`. */
export const MAX_FAILED_NODES = 100;

/**
 * What the failover controller has done for one failed node. The caller keeps one entry per node from
 * detection until the node is unfenced (or deleted), updating it as the steps complete.
 */
export interface FailoverProgress {
  node: string;
  /** When the detector declared it Failed. */
  detectedAt: number;
  /** When the fence was confirmed. */
  fencedAt?: number;
  /** When the pod deletions were issued. */
  deletionsIssuedAt?: number;
  /** When every deleted pod had a replacement bound elsewhere (at-most-once pods included). */
  completedAt?: number;
  podsRescheduled?: number;
  /** When the node was confirmed down and its at-most-once pods released, and by what. */
  releasedAt?: number;
  confirmedBy?: ConfirmedBy;
  /** At-most-once pods still waiting for the node to be confirmed down. */
  awaiting?: number;
}

export interface FailoverStatusInput {
  mode: EnforcementMode;
  generation?: number;
  members: readonly string[];
  health: ReadonlyMap<string, NodeHealthState>;
  verdict: GuardVerdict;
  progress: ReadonlyMap<string, FailoverProgress>;
  /** `status.failover.lastFailover` as currently written, kept when no newer failover is in `progress`. */
  previous?: FailoverRecord;
  /** How the pool's probes fare: adds the ProbesHealthy condition. */
  probes?: Omit<ProbeReportInput, 'generation'>;
  /**
   * When a human uncordoned the node while Fulcrum had it fenced, if that still stands (uncordonedByHand of
   * fence-marker.ts): failover holds for it, so it is no longer fenced, whatever the steps reached.
   */
  uncordonedAt?: (node: string) => number | undefined;
}

export interface FailoverStatusFragment {
  conditions: DesiredCondition[];
  failover: { failedNodes: FailedNode[]; lastFailover?: FailoverRecord };
  nodes: { unhealthy: number; fenced: number };
}

/** Builds the status fragment; O(members + progress). */
export function planStatus(input: FailoverStatusInput): FailoverStatusFragment {
  const failedNodes = failedNodeList(input);
  const lastFailover = latestRecord(input.progress) ?? input.previous;
  let fenced = 0;
  for (const p of input.progress.values())
    if (p.fencedAt !== undefined && input.uncordonedAt?.(p.node) === undefined) fenced++;
  const conditions = [failoverActive(input, failedNodes), partitionSuspected(input)];
  if (input.probes) {
    const generation = input.generation !== undefined ? { generation: input.generation } : {};
    conditions.push(probesHealthyCondition({ ...input.probes, ...generation }));
  }
  return {
    conditions,
    failover: lastFailover ? { failedNodes, lastFailover } : { failedNodes },
    nodes: { unhealthy: input.verdict.unhealthy.length, fenced },
  };
}

/** Failed and Recovering members, oldest failure first (then by name), at most MAX_FAILED_NODES. */
function failedNodeList(input: FailoverStatusInput): FailedNode[] {
  const entries: Array<{ name: string; since: number; phase: string }> = [];
  for (const name of input.members) {
    const state = input.health.get(name);
    if (!state || (state.health !== 'Failed' && state.health !== 'Recovering')) continue;
    const progress = input.progress.get(name);
    const since = state.failedAt ?? progress?.detectedAt ?? state.lastObservedAt ?? 0;
    const phase =
      state.health === 'Recovering'
        ? 'Recovering'
        : // A human's uncordon outranks every step: the node is schedulable, nothing more is cordoned or deleted.
          input.uncordonedAt?.(name) !== undefined
          ? UNCORDONED_BY_USER
          : phaseOf(progress);
    entries.push({ name, since, phase });
  }
  entries.sort((a, b) => a.since - b.since || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.slice(0, MAX_FAILED_NODES).map((e) => {
    const awaiting = input.progress.get(e.name)?.awaiting ?? 0;
    return {
      name: e.name,
      since: iso(e.since),
      phase: e.phase,
      ...(awaiting > 0 ? { podsAwaitingConfirmedDown: awaiting } : {}),
    };
  });
}

function phaseOf(progress: FailoverProgress | undefined): string {
  if (progress?.completedAt !== undefined) return 'Done';
  if ((progress?.awaiting ?? 0) > 0) return 'AwaitingConfirmedDown';
  if (progress?.deletionsIssuedAt !== undefined) return 'Rescheduling';
  if (progress?.fencedAt !== undefined) return 'Fenced';
  return 'Detected';
}

function latestRecord(progress: ReadonlyMap<string, FailoverProgress>): FailoverRecord | undefined {
  let latest: FailoverProgress | undefined;
  for (const p of progress.values()) {
    if (
      !latest ||
      p.detectedAt > latest.detectedAt ||
      (p.detectedAt === latest.detectedAt && p.node > latest.node)
    )
      latest = p;
  }
  if (!latest) return undefined;
  const record: FailoverRecord = { node: latest.node, detectedAt: iso(latest.detectedAt) };
  if (latest.fencedAt !== undefined) record.fencedAt = iso(latest.fencedAt);
  if (latest.completedAt !== undefined) {
    record.completedAt = iso(latest.completedAt);
    record.durationMs = Math.max(0, latest.completedAt - latest.detectedAt);
  }
  if (latest.podsRescheduled !== undefined) record.podsRescheduled = latest.podsRescheduled;
  if (latest.releasedAt !== undefined) record.releasedAt = iso(latest.releasedAt);
  if (latest.confirmedBy !== undefined) record.confirmedBy = latest.confirmedBy;
  return record;
}

function failoverActive(input: FailoverStatusInput, failedNodes: readonly FailedNode[]): DesiredCondition {
  const type = ResourcePoolConditionType.FailoverActive;
  const base = input.generation !== undefined ? { observedGeneration: input.generation } : {};
  const failed = failedNodes.filter((n) => n.phase !== 'Recovering');
  // Done, or held because a human uncordoned it: nothing more in progress for the node.
  const pending = failed.filter((n) => n.phase !== 'Done' && n.phase !== UNCORDONED_BY_USER);
  const describe = (nodes: readonly FailedNode[]): string =>
    nodes
      .slice(0, 5)
      .map((n) => {
        const reason = input.health.get(n.name)?.failureReason;
        return `${n.name} ${n.phase}${reason ? ` (${describeFailure(reason)})` : ''}`;
      })
      .join('; ') + (nodes.length > 5 ? `; and ${nodes.length - 5} more` : '');
  if (input.mode === 'Off') {
    return { type, status: 'False', reason: 'FailoverDisabled', message: 'failover.mode is Off', ...base };
  }
  if (input.verdict.verdict === 'PartitionSuspected') {
    return {
      type,
      status: 'False',
      reason: 'PartitionSuspected',
      message: `holding back: ${input.verdict.message}`,
      ...base,
    };
  }
  if (input.mode === 'DryRun') {
    return pending.length > 0
      ? {
          type,
          status: 'False',
          reason: 'DryRun',
          message: `would fail over: ${describe(pending)}`,
          ...base,
        }
      : { type, status: 'False', reason: 'NoFailedNodes', message: 'no node has failed', ...base };
  }
  if (pending.length > 0) {
    return { type, status: 'True', reason: 'NodeFailed', message: describe(pending), ...base };
  }
  if (failed.length > 0) {
    return {
      type,
      status: 'False',
      reason: 'FailoverComplete',
      message: `${failed.every((n) => n.phase === 'Done') ? 'pods moved off' : 'nothing in progress'}: ${describe(failed)}`,
      ...base,
    };
  }
  return { type, status: 'False', reason: 'NoFailedNodes', message: 'no node has failed', ...base };
}

function partitionSuspected(input: FailoverStatusInput): DesiredCondition {
  const type = ResourcePoolConditionType.PartitionSuspected;
  const base = input.generation !== undefined ? { observedGeneration: input.generation } : {};
  return input.verdict.verdict === 'PartitionSuspected'
    ? { type, status: 'True', reason: input.verdict.reason, message: input.verdict.message, ...base }
    : { type, status: 'False', reason: 'WithinMaxUnhealthy', message: input.verdict.message, ...base };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
