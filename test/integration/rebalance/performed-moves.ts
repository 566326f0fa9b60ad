/**
 * What the two rebalancing end-to-end tests (metrics-server and Prometheus sources) check alike: the
 * performed evictions, collected from the pool's status while it is polled (status keeps only the newest
 * actions), the budgets they kept, and the pods that must never move.
 */
import { expect } from '@jest/globals';
import { eventually } from '../support/cluster.js';
import { condition, type PoolObject, type RebalanceScenario } from './scenario.js';

export interface PerformedMove {
  at: number;
  from: string;
  to?: string;
}

export class PerformedMoves {
  /** Performed evictions seen in status, by pod. */
  readonly byPod = new Map<string, PerformedMove>();
  /** Pod uid → node of the pods that must never move (critical, fragile), taken before the operator starts. */
  readonly untouchable = new Map<string, string>();

  constructor(private readonly scenario: RebalanceScenario) {}

  /** Records where the critical and PDB-protected (fragile) pods are; call before the operator starts. */
  async rememberUntouchable(): Promise<void> {
    for (const p of await this.scenario.pods()) {
      const tier = p.metadata?.labels?.tier;
      if (tier === 'critical' || tier === 'fragile')
        this.untouchable.set(p.metadata?.uid as string, p.spec?.nodeName as string);
    }
  }

  /** The pool now, with every performed eviction in its status added to `byPod`. */
  async pool(): Promise<PoolObject> {
    const object = await this.scenario.poolObject();
    for (const a of object.status?.lastActions ?? []) {
      if (a.action === 'Evict' && a.dryRun !== true && a.pod && a.node)
        this.byPod.set(a.pod, {
          at: Date.parse(a.time),
          from: a.node,
          ...(a.targetNode ? { to: a.targetNode } : {}),
        });
    }
    return object;
  }

  async podUids(): Promise<Set<string>> {
    return new Set((await this.scenario.pods()).map((p) => p.metadata?.uid as string));
  }

  /**
   * Every move came off a hot node and only batch pods left, at most maxEvictionsPerCycle (2) per interval,
   * a node losing a pod at most once per cooldown; the status counter agrees.
   */
  expectWithinBudgets(balanced: PoolObject, intervalMs: number, cooldownMs: number): void {
    const moves = [...this.byPod.values()];
    for (const move of moves) expect(this.scenario.hotNodes).toContain(move.from);
    expect([...this.byPod.keys()].every((pod) => pod.split('/')[1]?.startsWith('batch-'))).toBe(true);
    expect(balanced.status?.counters?.evictions).toBe(this.byPod.size);
    const times = moves.map((e) => e.at).sort((a, b) => a - b);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + intervalMs / 2).length).toBeLessThanOrEqual(2);
    for (const node of this.scenario.hotNodes) {
      const off = moves
        .filter((e) => e.from === node)
        .map((e) => e.at)
        .sort((a, b) => a - b);
      for (let i = 1; i < off.length; i++)
        expect((off[i] as number) - (off[i - 1] as number)).toBeGreaterThanOrEqual(cooldownMs);
    }
  }

  /** High-priority and PDB-protected pods were never touched, and the PDB's hold was reported. */
  async expectUntouchedAndHoldReported(): Promise<void> {
    const pods = await this.scenario.pods();
    for (const [uid, node] of this.untouchable) {
      const pod = pods.find((p) => p.metadata?.uid === uid);
      expect(pod?.spec?.nodeName).toBe(node);
      expect(pod?.metadata?.deletionTimestamp).toBeUndefined();
    }
    const holds = await this.scenario.poolEvents('EvictionBlocked');
    expect(holds.some((e) => e.message?.includes('fragile') && e.message.includes('disruption budget'))).toBe(
      true,
    );
  }

  /** Nothing was evicted, no pod replaced and no node tainted hot since `before` (the pods' uids). */
  async expectNothingMoved(before: Set<string>): Promise<void> {
    expect(this.byPod.size).toBe(0);
    expect(await this.podUids()).toEqual(before);
    expect(await this.scenario.nodesWithHotTaint()).toEqual([]);
  }

  /** DryRun: waits until two would-be evictions are recorded, all off the three hot nodes, and nothing moved. */
  async expectDryRunOnly(): Promise<PoolObject> {
    const before = await this.podUids();
    const object = await eventually(
      'DryRun evictions recorded',
      async () => {
        const p = await this.pool();
        return (p.status?.counters?.dryRunEvictions ?? 0) >= 2 ? p : undefined;
      },
      60_000,
      1_000,
    );
    expect(object.status?.nodes?.hot).toBe(3);
    expect(condition(object, 'Balanced')).toMatchObject({ status: 'False', reason: 'Rebalancing' });
    const dry = (object.status?.lastActions ?? []).filter((a) => a.action === 'Evict' && a.dryRun === true);
    expect(dry.length).toBeGreaterThanOrEqual(2);
    for (const a of dry) expect(this.scenario.hotNodes).toContain(a.node);
    await this.expectNothingMoved(before);
    return object;
  }
}
