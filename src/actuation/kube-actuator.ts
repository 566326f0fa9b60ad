import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import { ActionMetrics } from './action-metrics.js';
import { Actuator, type EventSink } from './actuator.js';
import type { BudgetRule } from './budget-ledger.js';
import { kubeActuationClient } from './kube-client.js';

/**
 * The operator's one Actuator, talking to the cluster of `kubeConfig`, counting into `registry`. Build it
 * once and hand it to every controller that disrupts anything, so budgets are shared across sources.
 */
export function createKubeActuator(
  kubeConfig: KubeConfig,
  options: { events: EventSink; logger: Logger; registry: Registry; budgets?: readonly BudgetRule[] },
): Actuator {
  return new Actuator({
    client: kubeActuationClient(
      kubeConfig.makeApiClient(CoreV1Api),
      'fulcrum',
      kubeConfig.makeApiClient(CustomObjectsApi),
    ),
    events: options.events,
    logger: options.logger,
    metrics: new ActionMetrics(options.registry),
    ...(options.budgets ? { budgets: options.budgets } : {}),
  });
}
