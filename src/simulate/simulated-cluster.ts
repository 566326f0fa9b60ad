/**
 * The cluster of a snapshot as the placement engine sees it: the model with every node and pod, the valid
 * pools with their members (oldest pool keeps a contested node, as in the operator), the policies, and the
 * per-pod answers the engine asks for — pool, priority, mobility. Built once per simulation; pure.
 */
import type { ResourcePool, WorkloadPolicy } from '../api/index.js';
import { readFenceMarker } from '../failover/fence-marker.js';
import { ClusterModel } from '../model/cluster-model.js';
import { nodeInfoFromNode } from '../model/node-info.js';
import { podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import { assignNodesToPools, type PoolMembership } from '../model/pool-membership.js';
import { maxPriorityFor } from '../model/priority-limits.js';
import {
  placementPool,
  podMovable,
  podPriority,
  resolvePodPool,
  type PlacementPool,
  type PoolResolution,
} from '../placement/index.js';
import type { ClusterSnapshot } from './cluster-snapshot.js';

export class SimulatedCluster {
  readonly model = new ClusterModel();
  /** Valid pools by name, defaults applied. */
  readonly pools = new Map<string, ResourcePool>();
  readonly placementPools = new Map<string, PlacementPool>();
  readonly membership: PoolMembership;
  /** Nodes Fulcrum's failover has fenced (they carry its fence marker): placement treats them as failed. */
  readonly failedNodes = new Set<string>();
  private readonly policiesByNamespace = new Map<string, WorkloadPolicy[]>();
  private readonly resolutions = new Map<string, PoolResolution | undefined>();
  private readonly priorities = new Map<string, number>();

  constructor(snapshot: ClusterSnapshot) {
    for (const { value } of snapshot.nodes) {
      const info = nodeInfoFromNode(value);
      this.model.upsertNode(info);
      const marker = readFenceMarker(info.annotations);
      if (marker !== undefined && marker !== 'invalid') this.failedNodes.add(info.name);
    }
    for (const { value } of snapshot.pods) this.model.upsertPod(podInfoFromPod(value));
    for (const { value } of snapshot.pools) this.pools.set(value.metadata.name, value);
    for (const { value } of snapshot.policies) {
      const list = this.policiesByNamespace.get(value.metadata.namespace) ?? [];
      list.push(value);
      this.policiesByNamespace.set(value.metadata.namespace, list);
    }
    this.membership = assignNodesToPools(
      [...this.pools.values()].map((pool) => ({
        name: pool.metadata.name,
        creationTimestamp: Date.parse(String(pool.metadata.creationTimestamp ?? '')) || 0,
        nodeSelector: pool.spec.nodeSelector,
      })),
      this.model.allNodes(),
    );
    for (const [name, pool] of this.pools) {
      this.placementPools.set(name, placementPool(pool, this.membership.nodesByPool.get(name) ?? []));
    }
  }

  /** Adds or replaces a pod in the model, forgetting what was resolved for an earlier pod of that name. */
  upsertPod(pod: PodInfo): void {
    this.resolutions.delete(pod.key);
    this.priorities.delete(pod.key);
    this.model.upsertPod(pod);
  }

  /** The pod's pool and policy (resolvePodPool), remembered by key until `upsertPod` replaces the pod. */
  resolution(pod: PodInfo): PoolResolution | undefined {
    if (!this.resolutions.has(pod.key)) {
      this.resolutions.set(pod.key, resolvePodPool(pod, this.policiesByNamespace.get(pod.namespace) ?? []));
    }
    return this.resolutions.get(pod.key);
  }

  policyOf(pod: PodInfo): WorkloadPolicy | undefined {
    const resolution = this.resolution(pod);
    return resolution?.source === 'policy' ? resolution.policy : undefined;
  }

  /** The priority placement and preemption use: the policy's, lowered to the pool's limit, else the pod's. */
  priorityOf(pod: PodInfo): number {
    let priority = this.priorities.get(pod.key);
    if (priority === undefined) {
      const resolution = this.resolution(pod);
      const pool = resolution ? this.pools.get(resolution.pool) : undefined;
      priority = podPriority(pod, resolution, maxPriorityFor(pool?.spec.priorityLimits, pod.namespace));
      this.priorities.set(pod.key, priority);
    }
    return priority;
  }

  movable(pod: PodInfo): boolean {
    return podMovable(this.resolution(pod));
  }
}
