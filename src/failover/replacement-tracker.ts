import type { LeanPod } from '../kube/lean-pod.js';
/**
 * Knows when failover of a node is complete: every pod it deleted has a replacement bound to another node.
 * A replacement is a pod of the same controller (ownerReference with controller: true), created no earlier
 * than the deletion, bound to a node other than the failed one and not being deleted; each counts once.
 * StatefulSet replacements share the name, so identity is the uid. Pods without a controller are never
 * replaced and are not waited for. No I/O: fed by the pod informer.
 */

interface Expectation {
  needed: number;
  /** creationTimestamp has one-second resolution: a replacement may show the second the deletion began in. */
  sinceSecond: number;
  seen: Set<string>;
}

export class ReplacementTracker {
  /** failed node → controller uid → expectation. */
  private readonly byNode = new Map<string, Map<string, Expectation>>();

  /** The controller uid of a pod, or undefined for a pod nobody recreates. */
  static controllerOf(pod: LeanPod): string | undefined {
    return pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid;
  }

  /** One more replacement is expected for `controller`, for a pod deleted from `failedNode` at `at` (ms). */
  expect(failedNode: string, controller: string, at: number): void {
    let owners = this.byNode.get(failedNode);
    if (!owners) this.byNode.set(failedNode, (owners = new Map()));
    const existing = owners.get(controller);
    if (existing) existing.needed++;
    else owners.set(controller, { needed: 1, sinceSecond: Math.floor(at / 1000) * 1000, seen: new Set() });
  }

  /** Withdraws one expectation (the deletion did not happen after all). */
  unexpect(failedNode: string, controller: string): void {
    const owners = this.byNode.get(failedNode);
    const expectation = owners?.get(controller);
    if (!owners || !expectation) return;
    expectation.needed--;
    if (expectation.needed <= 0) owners.delete(controller);
  }

  /** Counts `pod` if it is an awaited replacement; returns the failed nodes whose count changed. */
  observe(pod: LeanPod): string[] {
    const controller = ReplacementTracker.controllerOf(pod);
    const nodeName = pod.spec?.nodeName;
    const uid = pod.metadata?.uid;
    if (!controller || !nodeName || !uid || pod.metadata?.deletionTimestamp) return [];
    const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : 0;
    const changed: string[] = [];
    for (const [failedNode, owners] of this.byNode) {
      const expectation = owners.get(controller);
      if (!expectation || nodeName === failedNode || created < expectation.sinceSecond) continue;
      if (expectation.seen.has(uid) || expectation.seen.size >= expectation.needed) continue;
      expectation.seen.add(uid);
      changed.push(failedNode);
    }
    return changed;
  }

  /** Replacements still missing for `failedNode`. */
  outstanding(failedNode: string): number {
    let missing = 0;
    for (const e of this.byNode.get(failedNode)?.values() ?? []) missing += e.needed - e.seen.size;
    return missing;
  }

  /** Forgets a node (unfenced, or gone). */
  forget(failedNode: string): void {
    this.byNode.delete(failedNode);
  }
}
