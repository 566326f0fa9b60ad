import { isTerminal, type PodInfo } from './pod-info.js';
import type { NodeInfo } from './node-info.js';
import { accumulate, zeroResources, type ResourceVector } from './resources.js';

const ZERO: Readonly<ResourceVector> = Object.freeze(zeroResources());

/** Per-node aggregate kept up to date on every pod event, so no decision has to scan all pods. */
export interface NodeAggregate {
  requested: ResourceVector;
  podKeys: Set<string>;
}

/**
 * The in-memory cluster: nodes, pods, and per-node requested totals.
 *
 * Guarantees: after any sequence of upserts and deletes, `requested(node)` equals the sum of the effective
 * requests of the non-terminal pods bound to that node (a property the unit tests check). Pods may arrive
 * before their node; their requests are held under the node name until it appears.
 */
export class ClusterModel {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodInfo>();
  private readonly perNode = new Map<string, NodeAggregate>();

  upsertNode(node: NodeInfo): void {
    this.nodes.set(node.name, node);
  }

  deleteNode(name: string): void {
    this.nodes.delete(name);
  }

  upsertPod(pod: PodInfo): void {
    this.deletePod(pod.key);
    this.pods.set(pod.key, pod);
    if (pod.nodeName && !isTerminal(pod)) {
      const aggregate = this.aggregateFor(pod.nodeName);
      accumulate(aggregate.requested, pod.requests);
      aggregate.podKeys.add(pod.key);
    }
  }

  deletePod(key: string): void {
    const old = this.pods.get(key);
    if (!old) return;
    this.pods.delete(key);
    if (!old.nodeName) return;
    const aggregate = this.perNode.get(old.nodeName);
    if (!aggregate?.podKeys.delete(key)) return;
    accumulate(aggregate.requested, old.requests, -1);
    if (aggregate.podKeys.size === 0) this.perNode.delete(old.nodeName);
  }

  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  pod(key: string): PodInfo | undefined {
    return this.pods.get(key);
  }

  allNodes(): IterableIterator<NodeInfo> {
    return this.nodes.values();
  }

  allPods(): IterableIterator<PodInfo> {
    return this.pods.values();
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  get podCount(): number {
    return this.pods.size;
  }

  /** Sum of effective requests of the running (non-terminal) pods bound to `nodeName`. */
  requested(nodeName: string): ResourceVector {
    const aggregate = this.perNode.get(nodeName);
    return aggregate ? { ...aggregate.requested } : zeroResources();
  }

  /**
   * The same sum as `requested`, without the copy: for scans over every node (capacity advice, packing),
   * where 5,000 copies a plan add up. Read it at once; the model changes it in place.
   */
  requestedView(nodeName: string): Readonly<ResourceVector> {
    return this.perNode.get(nodeName)?.requested ?? ZERO;
  }

  /** Keys of the non-terminal pods bound to `nodeName`. */
  podsOn(nodeName: string): ReadonlySet<string> {
    return this.perNode.get(nodeName)?.podKeys ?? new Set();
  }

  private aggregateFor(nodeName: string): NodeAggregate {
    let aggregate = this.perNode.get(nodeName);
    if (!aggregate) {
      aggregate = { requested: zeroResources(), podKeys: new Set() };
      this.perNode.set(nodeName, aggregate);
    }
    return aggregate;
  }
}
