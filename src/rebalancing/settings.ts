/** A pool's spec.rebalancing with durations in milliseconds, as the planner reads it. */
import { parseDuration, type EnforcementMode, type Rebalancing } from '../api/index.js';

export interface RebalanceSettings {
  mode: EnforcementMode;
  intervalMs: number;
  /** Points above the pool mean load at which a node starts to breach. */
  tolerance: number;
  /** Points above the pool mean below which a hot node counts as cool again (< tolerance). */
  recoveryTolerance: number;
  /** Consecutive breaching intervals before a node is hot. */
  consecutive: number;
  maxEvictionsPerCycle: number;
  maxEvictionsPerNode: number;
  maxEvictionsPerNamespace: number;
  /** Urgent moves (off nodes over a ceiling) per interval; 0 turns them off. */
  maxUrgentEvictionsPerCycle: number;
  minPodAgeMs: number;
  cooldownMs: number;
  metricsWindowMs: number;
}

/** The settings of a parsed (defaulted, validated) spec.rebalancing. */
export function rebalanceSettings(spec: Rebalancing): RebalanceSettings {
  return {
    mode: spec.mode,
    intervalMs: parseDuration(spec.interval),
    tolerance: spec.tolerance,
    recoveryTolerance: spec.recoveryTolerance,
    consecutive: spec.consecutive,
    maxEvictionsPerCycle: spec.maxEvictionsPerCycle,
    maxEvictionsPerNode: spec.maxEvictionsPerNode,
    maxEvictionsPerNamespace: spec.maxEvictionsPerNamespace,
    maxUrgentEvictionsPerCycle: spec.maxUrgentEvictionsPerCycle,
    minPodAgeMs: parseDuration(spec.minPodAge),
    cooldownMs: parseDuration(spec.cooldown),
    metricsWindowMs: parseDuration(spec.metricsWindow),
  };
}
