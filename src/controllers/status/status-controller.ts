import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/index.js';
import type { EventRecorder } from '../../kube/event-recorder.js';
import type { Informer } from '../../kube/informer.js';
import type { CustomObject } from '../../kube/informers.js';
import { objectKey, splitKey } from '../../kube/object-key.js';
import { StatusWriter } from '../../kube/status-writer.js';
import { watches, type Watch } from '../../kube/watches.js';
import { mergeConditions, type Condition, type DesiredCondition } from '../../model/conditions.js';
import type { ControllerMetrics } from '../../observability/controller-metrics.js';
import type { Logger } from '../../logging/logger.js';
import type { OperatorMetrics } from '../../observability/metrics.js';
import { QueuedController } from '../queued-controller.js';

/** The part of a status every Fulcrum kind shares. */
export interface StatusWithConditions {
  observedGeneration?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export interface StatusControllerOptions<S extends StatusWithConditions> {
  /** Queue name (`pool`, `policy`). */
  name: string;
  kind: string;
  plural: string;
  informer: Informer<CustomObject>;
  /** What else triggers a reconcile; a change of the object itself (and its resync) always does. */
  watches: readonly Watch[];
  /** The status the object should have now; pure apart from reading caches. */
  desiredStatus: (object: CustomObject, now: Date) => S;
  waitFor: ReadonlyArray<{ hasSynced(): boolean }>;
  customObjects: CustomObjectsApi;
  events: EventRecorder;
  logger: Logger;
  metrics?: OperatorMetrics;
  controllerMetrics?: ControllerMetrics;
  now?: () => Date;
}

/**
 * A controller whose whole job is to keep one kind's status true: for each key, compute the desired
 * status from the caches, write it by server-side apply only if it differs from the stored one, and record
 * an Event when the Ready condition changes. A deleted object needs nothing.
 */
export function createStatusController<S extends StatusWithConditions>(
  options: StatusControllerOptions<S>,
): QueuedController {
  const writer = new StatusWriter(options.customObjects);
  const now = options.now ?? (() => new Date());
  return new QueuedController({
    name: options.name,
    logger: options.logger,
    waitFor: options.waitFor,
    metrics: options.metrics?.workQueue(options.name),
    reconcileMetrics: options.metrics?.reconciles(options.name),
    allKeys: () => options.informer.list().map(objectKey),
    watches: [watches(options.informer, objectKey, { resyncs: true }), ...options.watches],
    reconcile: async (key, signal) => {
      const object = options.informer.get(key);
      if (!object) return;
      const status = options.desiredStatus(object, now());
      const { namespace, name } = splitKey(key);
      const ref = {
        group: GROUP,
        version: VERSION,
        plural: options.plural,
        kind: options.kind,
        name,
        namespace,
      };
      const wrote = await writer.applyIfChanged(ref, status, object.status, signal);
      if (!wrote) return;
      options.controllerMetrics?.statusWritten(options.kind);
      reportReadyTransition(object, status, options.events);
    },
  });
}

/** The status of an object whose spec the operator cannot use: only Ready=False naming the bad fields. */
export function invalidSpecStatus(
  object: CustomObject,
  message: string,
  now: Date,
): { observedGeneration: number; conditions: Condition[] } {
  const generation = object.metadata?.generation ?? 0;
  const ready: DesiredCondition = {
    type: 'Ready',
    status: 'False',
    reason: 'InvalidSpec',
    message,
    observedGeneration: generation,
  };
  return {
    observedGeneration: generation,
    conditions: mergeConditions(existingConditions(object), [ready], now),
  };
}

/** The conditions currently stored on the object, for `mergeConditions`. */
export function existingConditions(object: CustomObject): Condition[] | undefined {
  return (object.status as StatusWithConditions | undefined)?.conditions as Condition[] | undefined;
}

/** One Event per change of Ready, so `kubectl describe` tells the story. */
function reportReadyTransition(
  object: CustomObject,
  status: StatusWithConditions,
  events: EventRecorder,
): void {
  const before = (object.status as StatusWithConditions | undefined)?.conditions?.find(
    (c) => c.type === 'Ready',
  );
  const after = status.conditions?.find((c) => c.type === 'Ready');
  if (!after?.reason || (before?.status === after.status && before.reason === after.reason)) return;
  events.record(object, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message ?? '');
}
