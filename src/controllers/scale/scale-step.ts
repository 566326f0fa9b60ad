/**
 * The scale target, as a step of the rebalance controller's interval, after the capacity advice:
 *
 *  1. a pool without spec.optimization.scaleTarget, or with its mode Off, reads and writes nothing (a
 *     status.scaleTarget left from before is removed);
 *  2. resolve the target by discovery and read its replicas from the scale subresource;
 *  3. decide with the pure core (optimize/scale-decision.ts): the recommended node count within
 *     minReplicas..maxReplicas, after the target's cooldown;
 *  4. act through the Actuator (source `scale`: budgeted, logged, an Event on the target; DryRun writes
 *     nothing), and write status.scaleTarget (what was done and why) under the field manager `fulcrum-scaler`,
 *     with a pool Event when the replicas change (or would, in DryRun).
 */
import type { ActionResult, Actuator, ScaleRef } from '../../actuation/index.js';
import {
  parseDuration,
  type ResourcePool,
  type ResourcePoolStatus,
  type ScaleTarget,
  type ScaleTargetStatus,
} from '../../api/index.js';
import { describeError } from '../../kube/errors.js';
import type { CustomObject } from '../../kube/informers.js';
import { decideScale } from '../../optimize/index.js';
import type { ControllerDeps } from '../controller-deps.js';
import type { CapacityAdvice } from '../../optimize/capacity-advice.js';
import { ScaleStatusWriter } from './scale-status-writer.js';
import type { ScaleTargetClient } from './scale-target-client.js';

export interface ScaleStepDeps extends Pick<ControllerDeps, 'customObjects' | 'events' | 'logger'> {
  actuator: Actuator;
  client: ScaleTargetClient;
}

export interface ScaleStepInput {
  pool: ResourcePool;
  object: CustomObject;
  /** This interval's capacity advice; its recommendation is absent while metrics are stale. */
  advice: CapacityAdvice | undefined;
  now: number;
  signal: AbortSignal;
}

export class ScaleStep {
  private readonly statusWriter: ScaleStatusWriter;

  constructor(private readonly deps: ScaleStepDeps) {
    this.statusWriter = new ScaleStatusWriter(deps.customObjects);
  }

  async run(input: ScaleStepInput): Promise<void> {
    const target = input.pool.spec.optimization.scaleTarget;
    const status = target && target.mode !== 'Off' ? await this.step(target, input) : undefined;
    await this.statusWriter.write(input.object, status, input.signal);
  }

  private async step(target: ScaleTarget, input: ScaleStepInput): Promise<ScaleTargetStatus> {
    const name = `${target.kind} ${target.namespace}/${target.name}`;
    const stored = (input.object.status as ResourcePoolStatus | undefined)?.scaleTarget;
    const kept = stored?.lastScaleTime ? { lastScaleTime: stored.lastScaleTime } : {};
    const ref = await this.deps.client.resolve(target);
    if ('error' in ref) return { target: name, ...kept, message: ref.error };
    let replicas: number;
    try {
      replicas = await this.deps.client.readReplicas(ref, input.signal);
    } catch (error) {
      return { target: name, ...kept, message: `cannot read ${name} /scale: ${describeError(error)}` };
    }
    const recommendation = input.advice?.recommendation;
    const decision = decideScale({
      minReplicas: target.minReplicas,
      maxReplicas: target.maxReplicas,
      cooldownMs: parseDuration(target.cooldown),
      ...(recommendation ? { recommended: recommendation.nodes, reason: recommendation.reason } : {}),
      replicas,
      ...(stored?.lastScaleTime ? { lastScaleTime: Date.parse(stored.lastScaleTime) } : {}),
      now: input.now,
    });
    const base = {
      target: name,
      replicas,
      ...(decision.desired !== undefined ? { desiredReplicas: decision.desired } : {}),
    };
    if (!decision.scale || decision.desired === undefined)
      return { ...base, ...kept, message: decision.message };
    // DryRun reports a change once: the same would-be change is not reported (nor budgeted) every cooldown.
    if (target.mode === 'DryRun' && sameDryRun(stored, base))
      return { ...base, ...kept, message: stored!.message! };
    const result = await this.scale(target, ref, input, replicas, decision.desired, decision.message);
    const changed = result.outcome === 'Done' || result.outcome === 'DryRun';
    return {
      ...base,
      ...(result.outcome === 'Done' ? { replicas: decision.desired } : {}),
      ...(changed ? { lastScaleTime: new Date(input.now).toISOString() } : kept),
      message: result.message.slice(0, 1024), // the actuator's words, with the decision's reason
    };
  }

  private async scale(
    target: ScaleTarget,
    ref: ScaleRef,
    input: ScaleStepInput,
    from: number,
    replicas: number,
    reason: string,
  ): Promise<ActionResult> {
    const pool = input.pool.metadata.name;
    const mode = target.mode === 'DryRun' ? 'DryRun' : 'Enforce';
    const result = await this.deps.actuator.scale(
      { source: 'scale', pool, reason, mode, target: ref, from, replicas },
      input.signal,
    );
    if (result.outcome === 'Done' || result.outcome === 'DryRun')
      this.deps.events.record(
        input.object,
        'Normal',
        mode === 'DryRun' ? 'ScaleDryRun' : 'Scaled',
        result.message,
      );
    else this.deps.logger.warn({ controller: 'rebalance', pool, outcome: result.outcome }, result.message);
    return result;
  }
}

/** Whether `stored` already reports this would-be change (same replicas, same desired count). */
function sameDryRun(stored: ScaleTargetStatus | undefined, now: ScaleTargetStatus): boolean {
  return (
    stored?.lastScaleTime !== undefined &&
    stored.message !== undefined &&
    stored.message.startsWith('would scale') &&
    stored.replicas === now.replicas &&
    stored.desiredReplicas === now.desiredReplicas
  );
}
