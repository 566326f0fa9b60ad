/**
 * Manifests the Fulcrum API must refuse, each with the field the error has to name. The same table runs against
 * the zod schemas (unit) and the real API server (integration), which proves the CRD and `parse*()` agree.
 */
import { API_VERSION, RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND } from '../group.js';

export interface InvalidManifestCase {
  scenario: string;
  kind: typeof RESOURCE_POOL_KIND | typeof WORKLOAD_POLICY_KIND;
  spec: Record<string, unknown>;
  /** Field path, in the API server's notation, that the rejection must name. */
  wantField: string;
}

/** A valid pool spec with `overrides` on top. */
function pool(overrides: Record<string, unknown>): Record<string, unknown> {
  return { nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'test' } }, ...overrides };
}

/** A valid policy spec with `overrides` on top. */
function policy(overrides: Record<string, unknown>): Record<string, unknown> {
  return { selector: { matchLabels: { app: 'test' } }, pool: 'general', ...overrides };
}

/** A pool with an otherwise default probe. */
function poolWithProbe(probe: Record<string, unknown>): Record<string, unknown> {
  return pool({ failover: { probe } });
}

const R = RESOURCE_POOL_KIND;
const W = WORKLOAD_POLICY_KIND;

export const invalidManifests: InvalidManifestCase[] = [
  {
    scenario: 'cpu ceiling over 100',
    kind: R,
    spec: pool({ ceilings: { cpu: 120 } }),
    wantField: 'spec.ceilings.cpu',
  },
  {
    scenario: 'memory ceiling below 1',
    kind: R,
    spec: pool({ ceilings: { memory: 0 } }),
    wantField: 'spec.ceilings.memory',
  },
  {
    scenario: 'ceiling is a string',
    kind: R,
    spec: pool({ ceilings: { network: '70' } }),
    wantField: 'spec.ceilings.network',
  },
  { scenario: 'ceilings is a list', kind: R, spec: pool({ ceilings: [80, 85] }), wantField: 'spec.ceilings' },
  {
    scenario: 'unknown consolidation mode',
    kind: R,
    spec: pool({ optimization: { consolidation: { mode: 'Aggressive' } } }),
    wantField: 'spec.optimization.consolidation.mode',
  },
  {
    scenario: 'consolidation drainTimeout under a minute',
    kind: R,
    spec: pool({ optimization: { consolidation: { drainTimeout: '30s' } } }),
    wantField: 'spec.optimization.consolidation.drainTimeout',
  },
  {
    scenario: 'scale target without maxReplicas',
    kind: R,
    spec: pool({
      optimization: {
        scaleRecommendations: true,
        scaleTarget: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'a', name: 'b' },
      },
    }),
    wantField: 'spec.optimization.scaleTarget.maxReplicas',
  },
  {
    scenario: 'scale target minReplicas over maxReplicas',
    kind: R,
    spec: pool({
      optimization: {
        scaleRecommendations: true,
        scaleTarget: {
          apiVersion: 'cluster.x-k8s.io/v1beta1',
          kind: 'MachineDeployment',
          namespace: 'capi',
          name: 'md-0',
          minReplicas: 5,
          maxReplicas: 3,
        },
      },
    }),
    wantField: 'spec.optimization.scaleTarget.minReplicas',
  },
  {
    scenario: 'scale target apiVersion without a group',
    kind: R,
    spec: pool({
      optimization: {
        scaleRecommendations: true,
        scaleTarget: {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          namespace: 'a',
          name: 'b',
          maxReplicas: 3,
        },
      },
    }),
    wantField: 'spec.optimization.scaleTarget.apiVersion',
  },
  {
    scenario: 'scale target without scaleRecommendations',
    kind: R,
    spec: pool({
      optimization: {
        scaleTarget: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'a', name: 'b', maxReplicas: 3 },
      },
    }),
    wantField: 'spec.optimization.scaleTarget',
  },
  {
    scenario: 'tuning minTolerance over maxTolerance',
    kind: R,
    spec: pool({ rebalancing: { tuning: { mode: 'Adaptive', minTolerance: 30, maxTolerance: 20 } } }),
    wantField: 'spec.rebalancing.tuning.minTolerance',
  },
  {
    scenario: 'tuning minInterval over maxInterval',
    kind: R,
    spec: pool({ rebalancing: { tuning: { minInterval: '2m', maxInterval: '1m' } } }),
    wantField: 'spec.rebalancing.tuning.minInterval',
  },
  {
    scenario: 'unknown tuning mode',
    kind: R,
    spec: pool({ rebalancing: { tuning: { mode: 'Auto' } } }),
    wantField: 'spec.rebalancing.tuning.mode',
  },
  {
    scenario: 'unknown allocation strategy',
    kind: R,
    spec: pool({ allocation: { strategy: 'Random' } }),
    wantField: 'spec.allocation.strategy',
  },
  {
    scenario: 'unknown allocation basis',
    kind: R,
    spec: pool({ allocation: { basis: 'Limits' } }),
    wantField: 'spec.allocation.basis',
  },
  {
    scenario: 'nodeWeightLabel without Weighted',
    kind: R,
    spec: pool({ allocation: { nodeWeightLabel: 'fulcrum.io/weight' } }),
    wantField: 'spec.allocation.nodeWeightLabel',
  },
  {
    scenario: 'empty nodeSelector',
    kind: R,
    spec: pool({ nodeSelector: {} }),
    wantField: 'spec.nodeSelector',
  },
  {
    scenario: 'nodeSelector with empty matchLabels',
    kind: R,
    spec: pool({ nodeSelector: { matchLabels: {} } }),
    wantField: 'spec.nodeSelector',
  },
  {
    scenario: 'missing nodeSelector',
    kind: R,
    spec: { ceilings: { cpu: 50 } },
    wantField: 'spec.nodeSelector',
  },
  {
    scenario: 'In expression without values',
    kind: R,
    spec: pool({ nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'In' }] } }),
    wantField: 'spec.nodeSelector.matchExpressions[0].values',
  },
  {
    scenario: 'unknown selector operator',
    kind: R,
    spec: pool({ nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'Like', values: ['a'] }] } }),
    wantField: 'spec.nodeSelector.matchExpressions[0].operator',
  },
  {
    scenario: 'negative weight',
    kind: R,
    spec: pool({ weights: { network: -1 } }),
    wantField: 'spec.weights.network',
  },
  {
    scenario: 'all weights zero',
    kind: R,
    spec: pool({ weights: { cpu: 0, memory: 0, ephemeralStorage: 0, network: 0 } }),
    wantField: 'spec.weights',
  },
  {
    scenario: 'duration without unit',
    kind: R,
    spec: pool({ rebalancing: { interval: '15' } }),
    wantField: 'spec.rebalancing.interval',
  },
  {
    scenario: 'duration in words',
    kind: R,
    spec: pool({ rebalancing: { cooldown: '5 minutes' } }),
    wantField: 'spec.rebalancing.cooldown',
  },
  {
    scenario: 'interval below 1s',
    kind: R,
    spec: pool({ rebalancing: { interval: '500ms' } }),
    wantField: 'spec.rebalancing.interval',
  },
  {
    scenario: 'unknown rebalancing mode',
    kind: R,
    spec: pool({ rebalancing: { mode: 'Auto' } }),
    wantField: 'spec.rebalancing.mode',
  },
  {
    scenario: 'consecutive 0',
    kind: R,
    spec: pool({ rebalancing: { consecutive: 0 } }),
    wantField: 'spec.rebalancing.consecutive',
  },
  {
    scenario: 'consecutive not an integer',
    kind: R,
    spec: pool({ rebalancing: { consecutive: 1.5 } }),
    wantField: 'spec.rebalancing.consecutive',
  },
  {
    scenario: 'recoveryTolerance not below tolerance',
    kind: R,
    spec: pool({ rebalancing: { tolerance: 10, recoveryTolerance: 10 } }),
    wantField: 'spec.rebalancing.recoveryTolerance',
  },
  {
    scenario: 'more evictions per node than per cycle',
    kind: R,
    spec: pool({ rebalancing: { maxEvictionsPerCycle: 2, maxEvictionsPerNode: 3 } }),
    wantField: 'spec.rebalancing.maxEvictionsPerNode',
  },
  {
    scenario: 'probe timeout equal to period',
    kind: R,
    spec: poolWithProbe({ period: '500ms', timeout: '500ms' }),
    wantField: 'spec.failover.probe.timeout',
  },
  {
    scenario: 'probe timeout longer than period',
    kind: R,
    spec: poolWithProbe({ period: '1s', timeout: '2s' }),
    wantField: 'spec.failover.probe.timeout',
  },
  {
    scenario: 'probe period below 100ms',
    kind: R,
    spec: poolWithProbe({ period: '50ms', timeout: '10ms' }),
    wantField: 'spec.failover.probe.period',
  },
  {
    scenario: 'probe timeout 0s (a prober cannot run with it)',
    kind: R,
    spec: poolWithProbe({ timeout: '0s' }),
    wantField: 'spec.failover.probe.timeout',
  },
  {
    scenario: 'probe timeout below 50ms',
    kind: R,
    spec: poolWithProbe({ timeout: '10ms' }),
    wantField: 'spec.failover.probe.timeout',
  },
  {
    scenario: 'probe period over 10m (beyond what a timer holds sanely)',
    kind: R,
    spec: poolWithProbe({ period: '100000h', timeout: '1s' }),
    wantField: 'spec.failover.probe.period',
  },
  {
    scenario: 'failover safeTime below 10s (shorter than a Lease renewal can be judged)',
    kind: R,
    spec: pool({ failover: { safeTime: '5s' } }),
    wantField: 'spec.failover.safeTime',
  },
  {
    scenario: 'failover safeTime over 24h',
    kind: R,
    spec: pool({ failover: { safeTime: '48h' } }),
    wantField: 'spec.failover.safeTime',
  },
  {
    scenario: 'failover safeTime not a duration',
    kind: R,
    spec: pool({ failover: { safeTime: 'five minutes' } }),
    wantField: 'spec.failover.safeTime',
  },
  {
    scenario: 'unknown failoverClass',
    kind: W,
    spec: policy({ failoverClass: 'Stateful' }),
    wantField: 'spec.failoverClass',
  },
  {
    scenario: 'failureThreshold 0',
    kind: R,
    spec: poolWithProbe({ failureThreshold: 0 }),
    wantField: 'spec.failover.probe.failureThreshold',
  },
  {
    scenario: 'successThreshold 0',
    kind: R,
    spec: poolWithProbe({ successThreshold: 0 }),
    wantField: 'spec.failover.probe.successThreshold',
  },
  {
    scenario: 'HTTP path on a TCP probe',
    kind: R,
    spec: poolWithProbe({ type: 'TCP', path: '/healthz' }),
    wantField: 'spec.failover.probe.path',
  },
  {
    scenario: 'probe port out of range',
    kind: R,
    spec: poolWithProbe({ port: 70000 }),
    wantField: 'spec.failover.probe.port',
  },
  {
    scenario: 'unknown probe type',
    kind: R,
    spec: poolWithProbe({ type: 'ICMP' }),
    wantField: 'spec.failover.probe.type',
  },
  {
    scenario: 'unknown fencing',
    kind: R,
    spec: pool({ failover: { fencing: 'PowerOff' } }),
    wantField: 'spec.failover.fencing',
  },
  {
    scenario: 'maxUnhealthy over 100%',
    kind: R,
    spec: pool({ failover: { maxUnhealthy: '150%' } }),
    wantField: 'spec.failover.maxUnhealthy',
  },
  {
    scenario: 'maxUnhealthy negative',
    kind: R,
    spec: pool({ failover: { maxUnhealthy: -1 } }),
    wantField: 'spec.failover.maxUnhealthy',
  },
  {
    scenario: 'unknown forecast',
    kind: R,
    spec: pool({ optimization: { forecast: 'ARIMA' } }),
    wantField: 'spec.optimization.forecast',
  },
  {
    scenario: 'forecast horizon shorter than a minute',
    kind: R,
    spec: pool({ optimization: { forecast: 'Holt', horizon: '30s' } }),
    wantField: 'spec.optimization.horizon',
  },
  {
    scenario: 'priority limit for an invalid namespace name',
    kind: R,
    spec: pool({ priorityLimits: { namespaces: [{ names: ['Team_A'], maxPriority: 10 }] } }),
    wantField: 'spec.priorityLimits.namespaces[0].names[0]',
  },
  {
    scenario: 'default priority cap above the WorkloadPolicy maximum',
    kind: R,
    spec: pool({ priorityLimits: { defaultMaxPriority: 2_000_000_000 } }),
    wantField: 'spec.priorityLimits.defaultMaxPriority',
  },
  {
    scenario: 'eviction namespaces with both include and exclude',
    kind: R,
    spec: pool({ eviction: { namespaces: { include: ['a'], exclude: ['b'] } } }),
    wantField: 'spec.eviction.namespaces',
  },
  {
    scenario: 'eviction namespaces with an empty include list',
    kind: R,
    spec: pool({ eviction: { namespaces: { include: [] } } }),
    wantField: 'spec.eviction.namespaces.include',
  },
  {
    scenario: 'evictPvcPods is a string',
    kind: R,
    spec: pool({ eviction: { evictPvcPods: 'yes' } }),
    wantField: 'spec.eviction.evictPvcPods',
  },
  {
    scenario: 'policy with empty selector',
    kind: W,
    spec: policy({ selector: {} }),
    wantField: 'spec.selector',
  },
  {
    scenario: 'policy without pool',
    kind: W,
    spec: { selector: { matchLabels: { app: 'x' } } },
    wantField: 'spec.pool',
  },
  {
    scenario: 'pool name with capitals and underscore',
    kind: W,
    spec: policy({ pool: 'General_Pool' }),
    wantField: 'spec.pool',
  },
  {
    scenario: 'priority above 1e9',
    kind: W,
    spec: policy({ priority: 2_000_000_000 }),
    wantField: 'spec.priority',
  },
  {
    scenario: 'priority not an integer',
    kind: W,
    spec: policy({ priority: 1.5 }),
    wantField: 'spec.priority',
  },
  { scenario: 'movable is a string', kind: W, spec: policy({ movable: 'yes' }), wantField: 'spec.movable' },
  {
    scenario: 'unknown failover',
    kind: W,
    spec: policy({ failover: 'Migrate' }),
    wantField: 'spec.failover',
  },
  {
    scenario: 'minAvailable over 100%',
    kind: W,
    spec: policy({ minAvailable: '120%' }),
    wantField: 'spec.minAvailable',
  },
  {
    scenario: 'network request with units in words',
    kind: W,
    spec: policy({ network: { request: '200 Mbps' } }),
    wantField: 'spec.network.request',
  },
  {
    scenario: 'negative network request',
    kind: W,
    spec: policy({ network: { request: '-5M' } }),
    wantField: 'spec.network.request',
  },
  {
    scenario: 'network without request',
    kind: W,
    spec: policy({ network: {} }),
    wantField: 'spec.network.request',
  },
];

/** The full object for `testCase`, named `name` (and placed in `namespace` for namespaced kinds). */
export function invalidManifestObject(testCase: InvalidManifestCase, name: string, namespace: string) {
  const metadata = testCase.kind === WORKLOAD_POLICY_KIND ? { name, namespace } : { name };
  return { apiVersion: API_VERSION, kind: testCase.kind, metadata, spec: testCase.spec };
}
