import { parseResourcePool, type ResourcePool } from '../../api/index.js';
import type { Informer } from '../../kube/informer.js';
import type { CustomObject } from '../../kube/informers.js';
import { isDeepStrictEqual } from 'node:util';
import type { ClusterModel } from '../../model/cluster-model.js';
import { assignNodesToPools, type PoolMembership } from '../../model/pool-membership.js';
import type { LeanNode } from '../../kube/lean-node.js';

/**
 * The valid pools and which nodes each owns, derived from the pool informer and the model. Parsing and
 * membership are recomputed lazily, at most once per change of pools or of node labels, so reconciles and
 * event handlers can ask as often as they like. Construct it after the model is wired to the informers:
 * handlers run in registration order, so the model already holds a node when the cache hears of it.
 */
export class PoolCache {
  private cachedPools: Map<string, ResourcePool> | undefined;
  private cachedMembership: PoolMembership | undefined;

  constructor(
    private readonly pools: Informer<CustomObject>,
    nodes: Informer<LeanNode>,
    private readonly model: ClusterModel,
  ) {
    const poolsChanged = (): void => {
      this.cachedPools = undefined;
      this.cachedMembership = undefined;
    };
    pools.addHandler({
      onAdd: poolsChanged,
      onUpdate: (old, p) => old !== p && poolsChanged(),
      onDelete: poolsChanged,
    });
    const nodesChanged = (): void => {
      this.cachedMembership = undefined;
    };
    nodes.addHandler({
      onAdd: nodesChanged,
      onUpdate: (old, n) => !isDeepStrictEqual(old.metadata?.labels, n.metadata?.labels) && nodesChanged(),
      onDelete: nodesChanged,
    });
  }

  /** Pools whose spec is valid, by name, with defaults applied. */
  validPools(): Map<string, ResourcePool> {
    if (!this.cachedPools) {
      this.cachedPools = new Map();
      for (const object of this.pools.values()) {
        const parsed = parseResourcePool(object);
        if (parsed.ok) this.cachedPools.set(parsed.value.metadata.name, parsed.value);
      }
    }
    return this.cachedPools;
  }

  membership(): PoolMembership {
    if (!this.cachedMembership) {
      const definitions = [...this.validPools().values()].map((pool) => ({
        name: pool.metadata.name,
        creationTimestamp: Date.parse(String(pool.metadata.creationTimestamp ?? '')) || 0,
        nodeSelector: pool.spec.nodeSelector,
      }));
      this.cachedMembership = assignNodesToPools(definitions, this.model.allNodes());
    }
    return this.cachedMembership;
  }

  poolOfNode(nodeName: string): string | undefined {
    return this.membership().poolOfNode.get(nodeName);
  }
}
