import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  VersionApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { createKubeActuator, type Actuator } from '../actuation/index.js';
import { createFailoverController } from '../controllers/failover/failover-controller.js';
import { syncModelFromInformers } from '../controllers/caches/model-sync.js';
import { createPolicyController } from '../controllers/policy/policy-controller.js';
import { createRebalancing } from '../controllers/rebalancing/rebalance-controller.js';
import { createPoolController } from '../controllers/pool/pool-controller.js';
import { PoolCache } from '../controllers/caches/pool-cache.js';
import { PolicyCache } from '../controllers/caches/policy-cache.js';
import { AssumedBindings } from '../placement/assumed-bindings.js';
import { actuatorEvictor } from '../controllers/scheduler/preemption-evictor.js';
import {
  SchedulerController,
  type SchedulerControllerOptions,
} from '../controllers/scheduler/scheduler-controller.js';
import { EventRecorder } from '../kube/event-recorder.js';
import { createClusterInformers, type ClusterInformers } from '../kube/informers.js';
import { LeaderElector } from '../kube/leader-election.js';
import { kubeLeaseClient } from '../kube/lease-client.js';
import { requestOptions } from '../kube/request-options.js';
import { ClusterModel } from '../model/cluster-model.js';
import type { ResourceVector } from '../model/resources.js';
import { ControllerMetrics } from '../observability/controller-metrics.js';
import { HealthServer, informersNotWedged, informersSynced } from '../observability/health-server.js';
import { DelegatingMetricsAuthorizer, kubeReviewClient } from '../observability/metrics-authorizer.js';
import { MetricsServer } from '../observability/metrics-server.js';
import type { ServingCertificate } from '../observability/self-signed-cert.js';
import type { MetricsSourceConfig, Smoothing } from '../metrics/index.js';
import type { Logger } from '../logging/logger.js';
import type { AddressGuard } from '../probes/index.js';
import { OperatorMetrics } from '../observability/metrics.js';
import { SchedulerMetrics } from '../observability/scheduler-metrics.js';
import { buildInfo } from '../version.js';
import { Manager } from './manager.js';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Compete for a Lease and act only while holding it (default true); off for a single replica. */
  leaderElection?: {
    enabled: boolean;
    namespace: string;
    name: string;
    identity?: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  health?: { host: string; port: number };
  /**
   * `/metrics` on a server of its own: HTTPS with TokenReview + SubjectAccessReview when `certificate` is given
   * (the callers are reviewed by this operator's API server), plain HTTP otherwise. Absent: `/metrics` is
   * served on the health server, in plain HTTP (tests and local runs).
   */
  metrics?: { host: string; port: number; certificate?: ServingCertificate };
  /**
   * Failover (probe nodes, fence failed ones, reschedule their pods): off unless given, so tests of other
   * controllers run without it; `fulcrum run` turns it on by default. Probes only reach addresses the guard
   * admits (default loopback only).
   */
  failover?: { probeRedirects?: AddressGuard; probeConcurrency?: number; ownNode?: string };
  /**
   * Rebalancing (measure usage, move pods off hot nodes, per each pool's spec.rebalancing): off unless given,
   * like failover; `fulcrum run` turns it on by default with the metrics.k8s.io source.
   */
  rebalancing?: { metricsSource: MetricsSourceConfig; smoothing?: Smoothing };
  /**
   * The namespace the operator's pods run in (`fulcrum run` passes $POD_NAMESPACE): rebalancing and
   * preemption never evict pods there. Without it only the operator's labels identify its pods.
   */
  namespace?: string;
}

/** The assembled operator: caches, model, controllers and servers, under one manager. */
export interface Operator {
  manager: Manager;
  informers: ClusterInformers;
  model: ClusterModel;
  metrics: OperatorMetrics;
  health: HealthServer;
  elector: LeaderElector | undefined;
  /** The one path for disruptive actions (budgets shared by failover, preemption, rebalancing). */
  actuator: Actuator;
  /** Runs until `signal` aborts (then stops cleanly and releases the Lease) or a runnable fails. */
  start(signal: AbortSignal): Promise<void>;
}

/**
 * Builds the operator. The order matters: the model subscribes to the informers before the pool index and
 * the controllers, so every handler sees a model that already holds the object it was told about.
 */
export function createOperator(options: OperatorOptions): Operator {
  const { kubeConfig, logger } = options;
  const informers = createClusterInformers(kubeConfig, { logger });
  const model = new ClusterModel();
  const assumed = new AssumedBindings(() => Date.now());
  syncModelFromInformers(informers, model, { podView: (pod) => assumed.view(pod) });
  const pools = new PoolCache(informers.resourcePools, informers.nodes, model);
  const metrics = operatorMetrics(informers);
  const events = new EventRecorder(kubeConfig.makeApiClient(CoreV1Api), { logger });
  const deps = controllerDeps(options, { informers, model, pools, metrics, events });
  const elector = createElector(options, metrics);
  const health = healthServer(options, informers, metrics);
  const policies = new PolicyCache(informers.workloadPolicies);
  // Measured usage, shared by rebalancing (which collects it) and the scheduler (which places by it).
  let nodeUsage: ReadonlyMap<string, ResourceVector> | undefined;
  const actuator = createKubeActuator(kubeConfig, { events, logger, registry: metrics.registry });
  const scheduler = createScheduler({
    ...deps,
    policies,
    assumed,
    actuator,
    kubeConfig,
    usage: () => nodeUsage,
  });
  const manager = new Manager({ logger, leaderElector: elector });
  manager.add(
    ...informers.all(),
    health,
    ...(options.metrics ? [metricsServer(options.metrics, kubeConfig, metrics, logger)] : []),
    createPoolController(deps),
    createPolicyController(deps),
    scheduler,
  );
  if (options.failover) {
    const apiCheck = apiServerCheck(kubeConfig);
    manager.add(createFailoverController({ ...deps, ...options.failover, actuator, policies, apiCheck }));
  }
  if (options.rebalancing) {
    const onNodeUsage = (usage: ReadonlyMap<string, ResourceVector>): void => {
      nodeUsage = usage;
    };
    manager.add(...createRebalancing({ ...deps, ...options.rebalancing, kubeConfig, actuator, onNodeUsage }));
  }
  return {
    manager,
    informers,
    model,
    metrics,
    health,
    elector,
    actuator,
    start: (signal) => runThenCloseEvents(manager, events, signal),
  };
}

/** What every controller is given: caches, model, API clients, metrics and the operator's own identity. */
function controllerDeps(
  options: OperatorOptions,
  shared: {
    informers: ClusterInformers;
    model: ClusterModel;
    pools: PoolCache;
    metrics: OperatorMetrics;
    events: EventRecorder;
  },
) {
  const { informers, model, pools, metrics, events } = shared;
  const { kubeConfig, logger } = options;
  const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
  const controllerMetrics = new ControllerMetrics(metrics.registry);
  const operator = options.namespace !== undefined ? { namespace: options.namespace } : {};
  return {
    informers,
    model,
    pools,
    customObjects,
    events,
    logger,
    metrics,
    controllerMetrics,
    operator,
  };
}

/** The operator's metrics in a registry of its own, with the default process metrics and the informers'. */
function operatorMetrics(informers: ClusterInformers): OperatorMetrics {
  const metrics = new OperatorMetrics(
    new Registry(),
    { version: buildInfo().version },
    { defaultMetrics: true },
  );
  metrics.registerInformers(informers.all());
  return metrics;
}

/** /healthz and /readyz from the informers; /metrics too unless it has a server of its own. */
function healthServer(
  options: OperatorOptions,
  informers: ClusterInformers,
  metrics: OperatorMetrics,
): HealthServer {
  return new HealthServer({
    host: options.health?.host ?? '0.0.0.0',
    port: options.health?.port ?? 8080,
    ...(options.metrics ? {} : { registry: metrics.registry }),
    liveness: { informers: informersNotWedged(informers.all()) },
    readiness: { informers: informersSynced(informers.all()) },
    logger: options.logger,
  });
}

type SchedulerParts = Pick<
  SchedulerControllerOptions,
  'informers' | 'model' | 'pools' | 'policies' | 'assumed' | 'events' | 'logger' | 'operator' | 'usage'
> & { kubeConfig: KubeConfig; metrics: OperatorMetrics; actuator: Actuator };

/** The scheduler, with its own logger and metrics; it preempts through the actuator. */
function createScheduler(parts: SchedulerParts): SchedulerController {
  const { kubeConfig, logger, metrics, actuator } = parts;
  return new SchedulerController({
    informers: parts.informers,
    model: parts.model,
    pools: parts.pools,
    policies: parts.policies,
    assumed: parts.assumed,
    core: kubeConfig.makeApiClient(CoreV1Api),
    events: parts.events,
    logger: logger.child({ controller: 'scheduler' }),
    metrics: new SchedulerMetrics(metrics.registry),
    reconcileMetrics: metrics.reconciles('scheduler'),
    evictor: actuatorEvictor(actuator, logger.child({ controller: 'scheduler' })),
    operator: parts.operator,
    usage: parts.usage,
  });
}

/** Failover's cheap request to the API server (GET /version) before it plans a pool with a Failed member. */
function apiServerCheck(kubeConfig: KubeConfig): (signal: AbortSignal) => Promise<void> {
  const version = kubeConfig.makeApiClient(VersionApi);
  return async (signal: AbortSignal): Promise<void> => {
    await version.getCode(requestOptions(signal));
  };
}

/** Runs the manager until it stops, then flushes the event recorder however the manager ended. */
async function runThenCloseEvents(
  manager: Manager,
  events: EventRecorder,
  signal: AbortSignal,
): Promise<void> {
  try {
    await manager.start(signal);
  } finally {
    await events.close();
  }
}

function metricsServer(
  options: NonNullable<OperatorOptions['metrics']>,
  kubeConfig: KubeConfig,
  metrics: OperatorMetrics,
  logger: Logger,
): MetricsServer {
  const { certificate } = options;
  return new MetricsServer({
    host: options.host,
    port: options.port,
    registry: metrics.registry,
    logger,
    ...(certificate
      ? { secure: { certificate, authorizer: new DelegatingMetricsAuthorizer(kubeReviewClient(kubeConfig)) } }
      : {}),
  });
}

function createElector(options: OperatorOptions, metrics: OperatorMetrics): LeaderElector | undefined {
  const election = options.leaderElection;
  if (!election?.enabled) {
    // A replica without election acts alone: it is the leader that dashboards and alerts look for.
    metrics.leader.set(1);
    return undefined;
  }
  const api = options.kubeConfig.makeApiClient(CoordinationV1Api);
  return new LeaderElector({
    client: kubeLeaseClient(api, election.namespace, election.name),
    identity: election.identity,
    leaseDurationMs: election.leaseDurationMs,
    renewDeadlineMs: election.renewDeadlineMs,
    retryPeriodMs: election.retryPeriodMs,
    logger: options.logger,
    leaderGauge: metrics.leader,
  });
}
