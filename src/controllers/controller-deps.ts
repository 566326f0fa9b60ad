import type { OperatorIdentity } from '../eviction/index.js';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { ClusterInformers } from '../kube/informers.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { ControllerMetrics } from '../observability/controller-metrics.js';
import type { Logger } from '../logging/logger.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import type { PoolCache } from './caches/pool-cache.js';

/** What every Fulcrum controller is built from; `createOperator` makes one set and hands it to each. */
export interface ControllerDeps {
  informers: ClusterInformers;
  model: ClusterModel;
  pools: PoolCache;
  customObjects: CustomObjectsApi;
  events: EventRecorder;
  logger: Logger;
  metrics?: OperatorMetrics;
  controllerMetrics?: ControllerMetrics;
  /** The operator itself (its namespace): rebalancing and preemption never evict its pods. */
  operator?: OperatorIdentity;
  /** The clock for condition timestamps (tests pin it). */
  now?: () => Date;
}
