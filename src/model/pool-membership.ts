import { matchesSelector, type LabelSelector } from './label-selector.js';
import type { NodeInfo } from './node-info.js';

/** The part of a valid ResourcePool that decides which nodes it owns. */
export interface PoolSelectorDefinition {
  name: string;
  /** Milliseconds since the epoch; the older pool wins a contested node. */
  creationTimestamp: number;
  nodeSelector: LabelSelector;
}

export interface PoolMembership {
  /** Member node names per pool, sorted. Every valid pool has an entry, possibly empty. */
  nodesByPool: Map<string, string[]>;
  poolOfNode: Map<string, string>;
  /** Per pool: the nodes it selects that an older pool already owns, with that owner. */
  contested: Map<string, Array<{ node: string; owner: string }>>;
}

/**
 * Assigns each node to at most one pool. When several selectors match a node, the oldest pool (then the
 * smallest name) keeps it: a newly created pool can never take nodes away from a running one, and the
 * newer pool reports the conflict instead.
 */
export function assignNodesToPools(
  pools: readonly PoolSelectorDefinition[],
  nodes: Iterable<NodeInfo>,
): PoolMembership {
  const ordered = [...pools].sort(
    (a, b) => a.creationTimestamp - b.creationTimestamp || a.name.localeCompare(b.name),
  );
  const nodesByPool = new Map<string, string[]>(ordered.map((p) => [p.name, []]));
  const poolOfNode = new Map<string, string>();
  const contested = new Map<string, Array<{ node: string; owner: string }>>();
  for (const node of nodes) {
    for (const pool of ordered) {
      if (!matchesSelector(pool.nodeSelector, node.labels)) continue;
      const owner = poolOfNode.get(node.name);
      if (owner === undefined) {
        poolOfNode.set(node.name, pool.name);
        nodesByPool.get(pool.name)?.push(node.name);
      } else {
        const list = contested.get(pool.name) ?? [];
        list.push({ node: node.name, owner });
        contested.set(pool.name, list);
      }
    }
  }
  for (const members of nodesByPool.values()) members.sort();
  return { nodesByPool, poolOfNode, contested };
}
