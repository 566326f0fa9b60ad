/**
 * What to do with a pool's scale target (spec.optimization.scaleTarget) this interval: set its replicas to
 * the recommended node count (one replica per node), clamped to minReplicas..maxReplicas, unless the
 * recommendation is withheld, the replicas already match, or the last change is younger than the target's
 * cooldown. Pure: the replicas read from /scale and the recommendation come in.
 */
export interface ScaleDecisionInput {
  minReplicas: number;
  maxReplicas: number;
  cooldownMs: number;
  /** status.recommendation.nodes of this interval; undefined while it is withheld (stale metrics). */
  recommended?: number;
  /** The recommendation's reason (the CapacityPressure message), for the message. */
  reason?: string;
  /** spec.replicas of the target's scale subresource. */
  replicas: number;
  /** When Fulcrum last changed (or in DryRun would have changed) the replicas, ms. */
  lastScaleTime?: number;
  now: number;
}

export interface ScaleDecision {
  /** Set the replicas to `desired` now. */
  scale: boolean;
  /** The clamped recommendation; undefined without one. */
  desired?: number;
  message: string;
}

export function decideScale(input: ScaleDecisionInput): ScaleDecision {
  const { replicas, recommended } = input;
  if (recommended === undefined)
    return {
      scale: false,
      message: `no recommendation this interval (metrics stale): ${replicas} replicas left as they are`,
    };
  const desired = Math.min(input.maxReplicas, Math.max(input.minReplicas, recommended));
  const why = `the pool needs ${recommended} node(s)${clampNote(recommended, desired, input)}`;
  if (desired === replicas) return { scale: false, desired, message: `${replicas} replicas: ${why}` };
  const since = input.lastScaleTime === undefined ? Infinity : input.now - input.lastScaleTime;
  if (since < input.cooldownMs) {
    const wait = Math.ceil((input.cooldownMs - since) / 1000);
    return {
      scale: false,
      desired,
      message: `${replicas}→${desired} replicas waits ${wait}s for the cooldown: ${why}`,
    };
  }
  const detail = input.reason ? ` (${input.reason})` : '';
  return { scale: true, desired, message: `${replicas}→${desired} replicas: ${why}${detail}` };
}

function clampNote(recommended: number, desired: number, input: ScaleDecisionInput): string {
  if (desired > recommended) return `, raised to minReplicas ${input.minReplicas}`;
  if (desired < recommended) return `, capped at maxReplicas ${input.maxReplicas}`;
  return '';
}
