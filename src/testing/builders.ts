/**
 * Fluent fixture builders for tests and benchmarks:
 * `node('n1').allocatable({ cpu: '4', memory: '8Gi' }).label('fulcrum.io/pool', 'general').obj()`.
 */
import type { V1Node, V1NodeSelectorTerm, V1Pod, V1Toleration, V1Volume } from '@kubernetes/client-node';
import type { AllocationBasis, AllocationStrategy, Ceilings, Weights } from '../api/index.js';
import { ClusterModel } from '../model/cluster-model.js';
import { nodeInfoFromNode } from '../model/node-info.js';
import { podInfoFromPod } from '../model/pod-info.js';
import type { PlacementPool } from '../placement/framework.js';

export class NodeBuilder {
  private readonly node: V1Node;

  constructor(name: string) {
    this.node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: {}, annotations: {} },
      spec: {},
      status: {
        allocatable: { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi', pods: '110' },
        capacity: { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
  }

  allocatable(resources: Record<string, string>): this {
    const status = this.node.status as NonNullable<V1Node['status']>;
    status.allocatable = { ...status.allocatable, ...resources };
    status.capacity = { ...status.capacity, ...resources };
    return this;
  }

  label(key: string, value: string): this {
    (this.node.metadata!.labels as Record<string, string>)[key] = value;
    return this;
  }

  inPool(pool: string): this {
    return this.label('fulcrum.io/pool', pool);
  }

  annotate(key: string, value: string): this {
    (this.node.metadata!.annotations as Record<string, string>)[key] = value;
    return this;
  }

  notReady(): this {
    this.node.status!.conditions = [{ type: 'Ready', status: 'False' }];
    return this;
  }

  unschedulable(): this {
    this.node.spec!.unschedulable = true;
    return this;
  }

  taint(key: string, effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute', value?: string): this {
    const taints = this.node.spec!.taints ?? [];
    taints.push({ key, effect, ...(value !== undefined ? { value } : {}) });
    this.node.spec!.taints = taints;
    return this;
  }

  obj(): V1Node {
    return structuredClone(this.node);
  }
}

export class PodBuilder {
  private readonly pod: V1Pod;

  constructor(name: string, namespace = 'default') {
    this.pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels: {}, annotations: {} },
      spec: { containers: [{ name: 'main', image: 'registry.invalid/app', resources: { requests: {} } }] },
      status: { phase: 'Pending' },
    };
  }

  requests(resources: Record<string, string>): this {
    const container = this.pod.spec!.containers[0]!;
    container.resources = { requests: { ...container.resources?.requests, ...resources } };
    return this;
  }

  container(name: string, requests: Record<string, string>): this {
    this.pod.spec!.containers.push({ name, image: 'registry.invalid/app', resources: { requests } });
    return this;
  }

  initContainer(name: string, requests: Record<string, string>, sidecar = false): this {
    const init = this.pod.spec!.initContainers ?? [];
    init.push({
      name,
      image: 'registry.invalid/app',
      resources: { requests },
      ...(sidecar ? { restartPolicy: 'Always' } : {}),
    });
    this.pod.spec!.initContainers = init;
    return this;
  }

  onNode(nodeName: string): this {
    this.pod.spec!.nodeName = nodeName;
    this.pod.status!.phase = 'Running';
    return this;
  }

  phase(phase: string): this {
    this.pod.status!.phase = phase;
    return this;
  }

  priority(priority: number): this {
    this.pod.spec!.priority = priority;
    return this;
  }

  label(key: string, value: string): this {
    (this.pod.metadata!.labels as Record<string, string>)[key] = value;
    return this;
  }

  annotate(key: string, value: string): this {
    (this.pod.metadata!.annotations as Record<string, string>)[key] = value;
    return this;
  }

  scheduler(name: string): this {
    this.pod.spec!.schedulerName = name;
    return this;
  }

  /** Sets spec.nodeSelector entries. */
  nodeSelector(labels: Record<string, string>): this {
    this.pod.spec!.nodeSelector = { ...this.pod.spec!.nodeSelector, ...labels };
    return this;
  }

  /** Adds a term to required node affinity (terms are ORed, requirements within a term ANDed). */
  requireNodeAffinity(term: V1NodeSelectorTerm): this {
    const spec = this.pod.spec!;
    const nodeAffinity = spec.affinity?.nodeAffinity ?? {};
    const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? { nodeSelectorTerms: [] };
    required.nodeSelectorTerms.push(term);
    nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = required;
    spec.affinity = { ...spec.affinity, nodeAffinity };
    return this;
  }

  tolerate(toleration: V1Toleration): this {
    this.pod.spec!.tolerations = [...(this.pod.spec!.tolerations ?? []), toleration];
    return this;
  }

  /** Makes `kind/name` the pod's controller (a bare pod, the default, is never evicted). */
  ownedBy(kind: string, name: string): this {
    this.pod.metadata!.ownerReferences = [
      { apiVersion: 'apps/v1', kind, name, uid: `uid-${kind}-${name}`, controller: true },
    ];
    return this;
  }

  /** Sets spec.priorityClassName (spec.priority stays as set: admission is not simulated). */
  priorityClass(name: string): this {
    this.pod.spec!.priorityClassName = name;
    return this;
  }

  /** Adds a volume to the pod spec. */
  volume(volume: V1Volume): this {
    this.pod.spec!.volumes = [...(this.pod.spec!.volumes ?? []), volume];
    return this;
  }

  /** Sets metadata.creationTimestamp (milliseconds since the epoch). */
  createdAt(ms: number): this {
    this.pod.metadata!.creationTimestamp = new Date(ms);
    return this;
  }

  obj(): V1Pod {
    return structuredClone(this.pod);
  }
}

export const node = (name: string): NodeBuilder => new NodeBuilder(name);
export const pod = (name: string, namespace?: string): PodBuilder => new PodBuilder(name, namespace);

/**
 * A pool as the placement engine sees it, with the API defaults (LeastLoaded on Usage, ceilings 80/85/75/70,
 * weights 1/1/0.5/0.5): `placementPoolFixture('general').strategy('BinPack').members(['n1', 'n2']).obj()`.
 */
export class PlacementPoolBuilder {
  private readonly pool: PlacementPool;

  constructor(name: string) {
    this.pool = {
      name,
      ceilings: { cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 },
      weights: { cpu: 1, memory: 1, ephemeralStorage: 0.5, network: 0.5 },
      allocation: { strategy: 'LeastLoaded', basis: 'Usage' },
      members: [],
    };
  }

  strategy(strategy: AllocationStrategy): this {
    this.pool.allocation = { ...this.pool.allocation, strategy };
    return this;
  }

  basis(basis: AllocationBasis): this {
    this.pool.allocation = { ...this.pool.allocation, basis };
    return this;
  }

  nodeWeightLabel(key: string): this {
    this.pool.allocation = { ...this.pool.allocation, nodeWeightLabel: key };
    return this;
  }

  ceilings(ceilings: Partial<Ceilings>): this {
    this.pool.ceilings = { ...this.pool.ceilings, ...ceilings };
    return this;
  }

  weights(weights: Partial<Weights>): this {
    this.pool.weights = { ...this.pool.weights, ...weights };
    return this;
  }

  members(names: readonly string[]): this {
    this.pool.members = [...names];
    return this;
  }

  obj(): PlacementPool {
    return structuredClone(this.pool);
  }
}

export const placementPoolFixture = (name: string): PlacementPoolBuilder => new PlacementPoolBuilder(name);

/** A cluster model holding `nodes` and `pods`. */
export function modelOf(nodes: readonly V1Node[], pods: readonly V1Pod[] = []): ClusterModel {
  const model = new ClusterModel();
  for (const n of nodes) model.upsertNode(nodeInfoFromNode(n));
  for (const p of pods) model.upsertPod(podInfoFromPod(p));
  return model;
}
