/**
 * The ProbesHealthy condition of a pool, pure: whether Fulcrum's own probe, the fast channel of evidence,
 * works for this pool, with the counts that say why not.
 *
 * | situation                                              | status  | reason               |
 * |--------------------------------------------------------|---------|----------------------|
 * | the pool's probe settings cannot start a prober        | False   | ProbeSettingsInvalid |
 * | probe type Lease (no network probes)                   | True    | LeaseOnly            |
 * | more than half of the members refused or unaddressed   | False   | ProbesRefused        |
 *   (failover then acts on no node of the pool: see probesUsable)                                   |
 * | some members refused or unaddressed                    | False   | SomeProbesRefused    |
 * | otherwise                                              | True    | ProbesAnswering      |
 *
 * A refused probe is one the address guard would not let out (an annotation pointing outside the allowed
 * CIDRs, a link-local or metadata address) or a node without a usable address: it was never sent, so it
 * says nothing about the node.
 */
import type { DesiredCondition } from '../model/conditions.js';
import { ResourcePoolConditionType } from '../api/index.js';

export interface ProbeCounts {
  members: number;
  /** Last probe answered. */
  answering: number;
  /** Last probe sent and failed. */
  failing: number;
  /** Last probe never sent: address refused by the guard, or no usable address. */
  refused: number;
  /** Not probed yet in this leadership term. */
  pending: number;
  /** One refusal message, as an example for the condition. */
  example?: string;
}

export interface ProbeReportInput {
  probeType: 'TCP' | 'HTTP' | 'Lease';
  /** Set when the pool's probe settings could not start a prober. */
  settingsError?: string;
  counts: ProbeCounts;
  generation?: number;
}

/**
 * Whether the probe channel may count as evidence for this pool: false when most probes are refused, so
 * the pool's failover acts on nothing rather than on the remaining channels of a misconfigured pool.
 */
export function probesUsable(input: ProbeReportInput): boolean {
  if (input.settingsError !== undefined) return false;
  if (input.probeType === 'Lease') return true;
  return !mostlyRefused(input.counts);
}

function mostlyRefused(counts: ProbeCounts): boolean {
  return counts.members > 0 && counts.refused * 2 > counts.members;
}

/** The ProbesHealthy condition; see the table in the file comment. */
export function probesHealthyCondition(input: ProbeReportInput): DesiredCondition {
  const type = ResourcePoolConditionType.ProbesHealthy;
  const base = input.generation !== undefined ? { observedGeneration: input.generation } : {};
  const c = input.counts;
  if (input.settingsError !== undefined) {
    return {
      type,
      status: 'False',
      reason: 'ProbeSettingsInvalid',
      message: `${input.settingsError}; failover of this pool is on hold`,
      ...base,
    };
  }
  if (input.probeType === 'Lease') {
    return {
      type,
      status: 'True',
      reason: 'LeaseOnly',
      message: 'probe type Lease: no network probes; evidence is the node Lease and Ready condition',
      ...base,
    };
  }
  const counts =
    `${c.answering} answering, ${c.failing} failing, ${c.refused} refused, ${c.pending} not probed yet ` +
    `(of ${c.members})`;
  const example = c.example ? `; e.g. ${c.example}` : '';
  if (mostlyRefused(c)) {
    return {
      type,
      status: 'False',
      reason: 'ProbesRefused',
      message:
        `${counts}${example}. Most probes are refused, so this pool fails over no node until they are ` +
        'fixed (the probe is the fast channel of evidence)',
      ...base,
    };
  }
  if (c.refused > 0) {
    return { type, status: 'False', reason: 'SomeProbesRefused', message: `${counts}${example}`, ...base };
  }
  return { type, status: 'True', reason: 'ProbesAnswering', message: counts, ...base };
}
