/**
 * Failover end to end on the real control plane: 100 kwok nodes of this suite's own pool, 1,000 pods placed
 * by Fulcrum's scheduler, the real operator (in this process, failover on, probing every 500 ms), and one
 * loopback TCP listener per node that the test stops to kill the node's host.
 *
 * Invariants shown: half a pool failing at once trips the partition guard and nothing is fenced or deleted;
 * a dead node is fenced (cordon, out-of-service taint, marker), its Reschedule pods are recreated on other
 * nodes and its `failover: None` pods are left alone; a StatefulSet pod is never running twice (the old
 * object is gone before its replacement exists); the node coming back is unfenced. Measured times are
 * printed (and, from the benchmark, in bench/REPORT.md).
 */
import * as k8s from '@kubernetes/client-node';
import { FENCED_BY_ANNOTATION } from '../../../src/failover/index.js';
import { installCrds } from '../api/fulcrum-api.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { startFailoverOperator, type RunningFailoverOperator } from './operator.js';
import { condition, FailoverScenario, probePort } from './scenario.js';

const kc = testKubeConfig();
const suffix = Math.random().toString(36).slice(2, 6);
const scenario = new FailoverScenario({
  kc,
  prefix: `fo-${suffix}`,
  nodes: 100,
  pods: 1000,
  ipBlock: 150,
  port: probePort(),
  failoverMode: 'Enforce',
});
let operator: RunningFailoverOperator | undefined;

beforeAll(async () => {
  await installCrds(kc);
  // The operator first: its scheduler places the workload's pods.
  operator = await startFailoverOperator(kc);
  await scenario.setUp();
  // Every node answers its probe before anything fails (a node that never answered is not failed by probes).
  await eventually(
    'pool reports failover idle',
    async () => {
      const status = await scenario.poolStatus();
      return condition(status, 'FailoverActive')?.reason === 'NoFailedNodes' &&
        condition(status, 'PartitionSuspected')?.status === 'False'
        ? true
        : undefined;
    },
    30_000,
  );
}, 420_000);

afterAll(async () => {
  await operator?.stop();
  await scenario.cleanup();
}, 120_000);

test('half the pool failing at once trips the partition guard: nothing is fenced or deleted', async () => {
  const before = new Map((await scenario.pods()).map((p) => [p.uid, p]));
  const half = scenario.nodeNames.slice(0, 50);
  for (const node of half) await scenario.stopListener(node);
  try {
    const status = await eventually(
      'PartitionSuspected=True',
      async () => {
        const s = await scenario.poolStatus();
        return condition(s, 'PartitionSuspected')?.status === 'True' ? s : undefined;
      },
      20_000,
    );
    expect(condition(status, 'FailoverActive')).toMatchObject({
      status: 'False',
      reason: 'PartitionSuspected',
    });
    // Three times the detection time: long enough for any node to be declared failed and acted on.
    await new Promise((r) => setTimeout(r, 4_500));
    const after = await scenario.pods();
    expect(after.filter((p) => !before.has(p.uid))).toEqual([]);
    expect(after.filter((p) => p.deleting)).toEqual([]);
    expect(after).toHaveLength(before.size);
    for (const node of half.slice(0, 10)) {
      const n = await scenario.node(node);
      expect(n.spec?.unschedulable).toBeFalsy();
      expect(n.metadata?.annotations?.[FENCED_BY_ANNOTATION]).toBeUndefined();
    }
  } finally {
    for (const node of half) await scenario.startListener(node);
  }
  await eventually(
    'PartitionSuspected=False again',
    async () =>
      condition(await scenario.poolStatus(), 'PartitionSuspected')?.status === 'False' ? true : undefined,
    20_000,
  );
});

test('a dead node is fenced, its Reschedule pods move, its None pods stay, a StatefulSet pod never runs twice', async () => {
  const victim = await scenario.victim();
  const podsBefore = await scenario.pods();
  const onVictim = podsBefore.filter((p) => p.node === victim);
  const stays = onVictim.filter((p) => p.app === 'jobs');
  const moves = onVictim.filter((p) => p.app !== 'jobs');
  const db = new StatefulSetWatch(kc, scenario.namespace);
  await db.start();
  try {
    const killedAt = Date.now();
    await scenario.kill(victim);

    const fenced = await eventually(
      `node ${victim} fenced`,
      async () => {
        const node = await scenario.node(victim);
        const tainted = node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/out-of-service');
        return node.spec?.unschedulable && tainted && node.metadata?.annotations?.[FENCED_BY_ANNOTATION]
          ? node
          : undefined;
      },
      20_000,
      50,
    );
    const fencedSeen = Date.now();
    expect(fenced.spec?.taints?.find((t) => t.key === 'node.kubernetes.io/out-of-service')?.effect).toBe(
      'NoSchedule',
    );

    const pods = await scenario.waitAllRunning('every Reschedule pod Running elsewhere', 60_000, victim, 100);
    const runningElsewhere = Date.now();

    // The moved pods are gone; their replacements run on other nodes.
    const uids = new Set(pods.map((p) => p.uid));
    for (const p of moves) expect(uids.has(p.uid)).toBe(false);
    // failover: None pods are left exactly as they were.
    for (const p of stays)
      expect(pods.find((q) => q.uid === p.uid)).toMatchObject({ node: victim, deleting: false });
    // Every db ordinal exists once, elsewhere; no name ever had two live pods.
    const dbPods = pods.filter((p) => p.app === 'db');
    expect(new Set(dbPods.map((p) => p.name)).size).toBe(scenario.counts.db);
    expect(db.overlaps()).toEqual([]);

    const status = await eventually(
      'lastFailover completed',
      async () => {
        const s = await scenario.poolStatus();
        return s.failover?.lastFailover?.node === victim && s.failover.lastFailover.completedAt
          ? s
          : undefined;
      },
      20_000,
    );
    const last = status.failover!.lastFailover!;
    expect(last.podsRescheduled).toBe(moves.length);
    const detected = Date.parse(last.detectedAt!);
    const fencedAt = Date.parse(last.fencedAt!);
    const completed = Date.parse(last.completedAt!);
    console.log(
      [
        `failover of ${victim} (${moves.length} pods to move, ${stays.length} failover: None pods left alone):`,
        `  detection (listener stopped → Failed):          ${ms(detected - killedAt)}`,
        `  fencing   (listener stopped → fence written):   ${ms(fencedAt - killedAt)} (seen by the test ${ms(fencedSeen - killedAt)})`,
        `  bound     (listener stopped → all bound elsewhere, operator): ${ms(completed - killedAt)}`,
        `  running   (listener stopped → all Running elsewhere, test):   ${ms(runningElsewhere - killedAt)}`,
      ].join('\n'),
    );

    // The node comes back: unfenced (taint, cordon and marker gone), FailoverActive False.
    await scenario.revive(victim);
    await eventually(
      `node ${victim} unfenced`,
      async () => {
        const node = await scenario.node(victim);
        const tainted = node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/out-of-service');
        return !node.spec?.unschedulable && !tainted && !node.metadata?.annotations?.[FENCED_BY_ANNOTATION]
          ? true
          : undefined;
      },
      60_000,
    );
    const final = await eventually(
      'FailoverActive False after recovery',
      async () => {
        const s = await scenario.poolStatus();
        return condition(s, 'FailoverActive')?.status === 'False' && !s.failover?.failedNodes?.length
          ? s
          : undefined;
      },
      20_000,
    );
    expect(condition(final, 'FailoverActive')?.reason).toBe('NoFailedNodes');
  } finally {
    db.stop();
  }
}, 240_000);

function ms(value: number): string {
  return `${(value / 1000).toFixed(2)} s`;
}

/**
 * Watches the StatefulSet's pods and records, per pod name, whether a new uid appeared while an older one
 * with the same name still existed: a pod "running twice".
 */
class StatefulSetWatch {
  private readonly live = new Map<string, string>();
  private readonly overlapping: string[] = [];
  private request: { abort(): void } | undefined;

  constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly namespace: string,
  ) {}

  async start(): Promise<void> {
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: this.namespace, labelSelector: 'app=db' });
    for (const p of list.items) this.live.set(p.metadata!.name!, p.metadata!.uid!);
    const watch = new k8s.Watch(this.kc);
    this.request = await watch.watch(
      `/api/v1/namespaces/${this.namespace}/pods`,
      { labelSelector: 'app=db', resourceVersion: list.metadata?.resourceVersion },
      (type: string, pod: k8s.V1Pod) => this.onEvent(type, pod),
      () => undefined,
    );
  }

  private onEvent(type: string, pod: k8s.V1Pod): void {
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    const current = this.live.get(name);
    if (type === 'DELETED') {
      if (current === uid) this.live.delete(name);
      return;
    }
    if (current !== undefined && current !== uid) this.overlapping.push(`${name}: ${current} and ${uid}`);
    this.live.set(name, uid);
  }

  overlaps(): string[] {
    return [...this.overlapping];
  }

  stop(): void {
    this.request?.abort();
  }
}
