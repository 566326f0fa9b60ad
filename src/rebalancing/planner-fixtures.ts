/**
 * Compact scenarios for the planner's tests and benchmark: nodes and pods as plain figures, turned into a
 * ClusterModel, a PlacementPool and a RebalanceInput with the API defaults. Not used by production code.
 */
import { ClusterModel } from '../model/cluster-model.js';
import type { NodeInfo } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import type { AllocationBasis, AllocationStrategy } from '../api/index.js';
import type { DisruptionBudget } from '../placement/preemption.js';
import type { PlacementPool } from '../placement/framework.js';
import { HOT_TAINT } from './hot-taint.js';
import { REBALANCED_AT_ANNOTATION } from './move-history.js';
import type { RebalanceSettings } from './settings.js';
import type { MoveRecord, NodeHeat, PodFacts, QosClass, RebalanceInput } from './rebalance-plan.js';

export const GI = 2 ** 30;
export const NOW = Date.parse('2026-01-01T00:00:00Z');

export interface PodSpec {
  name: string;
  namespace?: string;
  /** Millicores and bytes requested. */
  cpu: number;
  memory?: number;
  priority?: number;
  qos?: QosClass;
  movable?: boolean;
  /** Age at NOW; default one hour. */
  ageMs?: number;
  workload?: string;
  /** PDB names covering the pod. */
  pdbs?: string[];
  nodeSelector?: Record<string, string>;
  labels?: Record<string, string>;
  /** EvictionTrait bits (default none: an ordinary controller-owned pod). */
  evictionTraits?: number;
}

export interface NodeSpec {
  name: string;
  /** Allocatable millicores (default 8000) and bytes (default 32 Gi). */
  cpu?: number;
  memory?: number;
  pods?: PodSpec[];
  hotTaint?: boolean;
  ready?: boolean;
  rebalancedAt?: number;
  labels?: Record<string, string>;
}

export const DEFAULT_SETTINGS: RebalanceSettings = {
  mode: 'Enforce',
  intervalMs: 15_000,
  tolerance: 10,
  recoveryTolerance: 5,
  consecutive: 1,
  maxEvictionsPerCycle: 5,
  maxEvictionsPerNode: 1,
  maxEvictionsPerNamespace: 2,
  maxUrgentEvictionsPerCycle: 20,
  minPodAgeMs: 120_000,
  cooldownMs: 300_000,
  metricsWindowMs: 60_000,
};

export interface Scenario {
  model: ClusterModel;
  pool: PlacementPool;
  /** Facts behind the PodFacts callbacks, by pod key. */
  pods: Map<string, PodSpec & { key: string; node: string }>;
  pdbAllowance: Map<string, number>;
}

export function nodeInfo(spec: NodeSpec): NodeInfo {
  return {
    name: spec.name,
    labels: { 'fulcrum.io/pool': 'general', ...spec.labels },
    annotations:
      spec.rebalancedAt !== undefined
        ? { [REBALANCED_AT_ANNOTATION]: new Date(spec.rebalancedAt).toISOString() }
        : {},
    allocatable: {
      cpu: spec.cpu ?? 8000,
      memory: spec.memory ?? 32 * GI,
      ephemeralStorage: 100 * GI,
      network: 0,
      pods: 110,
    },
    ready: spec.ready ?? true,
    unschedulable: false,
    taints: spec.hotTaint ? [{ ...HOT_TAINT }] : [],
  };
}

export function podInfo(spec: PodSpec, node: string): PodInfo {
  const namespace = spec.namespace ?? 'default';
  return {
    key: `${namespace}/${spec.name}`,
    namespace,
    name: spec.name,
    uid: `uid-${namespace}-${spec.name}`,
    labels: spec.labels ?? {},
    nodeName: node,
    schedulerName: 'fulcrum',
    priority: spec.priority ?? 0,
    phase: 'Running',
    requests: { cpu: spec.cpu, memory: spec.memory ?? 0, ephemeralStorage: 0, network: 0, pods: 1 },
    creationTimestamp: NOW - (spec.ageMs ?? 3_600_000),
    deleting: false,
    ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
    ...(spec.evictionTraits !== undefined ? { evictionTraits: spec.evictionTraits } : {}),
  };
}

export function scenario(
  nodes: readonly NodeSpec[],
  options: {
    strategy?: AllocationStrategy;
    basis?: AllocationBasis;
    pdbs?: Record<string, number>;
    /** Default: cpu only, so a node's load is its cpu utilization and tests read plainly. */
    weights?: PlacementPool['weights'];
    eviction?: PlacementPool['eviction'];
  } = {},
): Scenario {
  const model = new ClusterModel();
  const pods = new Map<string, PodSpec & { key: string; node: string }>();
  for (const spec of nodes) {
    model.upsertNode(nodeInfo(spec));
    for (const p of spec.pods ?? []) {
      const info = podInfo(p, spec.name);
      model.upsertPod(info);
      pods.set(info.key, { ...p, key: info.key, node: spec.name });
    }
  }
  const pool: PlacementPool = {
    name: 'general',
    ceilings: { cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 },
    weights: options.weights ?? { cpu: 1, memory: 0, ephemeralStorage: 0, network: 0 },
    allocation: { strategy: options.strategy ?? 'LeastLoaded', basis: options.basis ?? 'Requests' },
    members: nodes.map((n) => n.name),
    ...(options.eviction ? { eviction: options.eviction } : {}),
  };
  return { model, pool, pods, pdbAllowance: new Map(Object.entries(options.pdbs ?? {})) };
}

export function factsOf(s: Scenario): PodFacts {
  const spec = (pod: PodInfo) => s.pods.get(pod.key);
  return {
    priorityOf: (pod) => pod.priority,
    movable: (pod) => spec(pod)?.movable ?? true,
    qosOf: (pod) => spec(pod)?.qos ?? 'Burstable',
    workloadOf: (pod) => spec(pod)?.workload,
    pdbs: (pod): DisruptionBudget[] =>
      (spec(pod)?.pdbs ?? []).map((name) => ({ name, disruptionsAllowed: s.pdbAllowance.get(name) ?? 0 })),
  };
}

export function inputOf(
  s: Scenario,
  overrides: Omit<Partial<RebalanceInput>, 'settings'> & { settings?: Partial<RebalanceSettings> } = {},
): RebalanceInput {
  const { settings, ...rest } = overrides;
  return {
    model: s.model,
    pool: s.pool,
    now: NOW,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    metrics: { stale: [] },
    heat: new Map<string, NodeHeat>(),
    history: [] as MoveRecord[],
    facts: factsOf(s),
    ...rest,
  };
}

/** `count` pods of `cpu` millicores each, named `<prefix>-<i>`. */
export function podsOf(prefix: string, count: number, cpu: number, extra: Partial<PodSpec> = {}): PodSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i}`, cpu, ...extra }));
}
