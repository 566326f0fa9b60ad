/**
 * Rebalancing across a change of leader, on the real control plane (scenario.ts: 10 nodes, 3 hot,
 * metrics-server serving kwok's emulated usage). Two `fulcrum run` processes compete for the Lease; the pool
 * is switched to Enforce, and the moment the test's pod watch sees the first eviction the leader is
 * SIGKILLed, in the middle of its rebalancing interval (its other evictions, node stamps and status write may
 * or may not have happened). The standby takes over and finishes the job.
 *
 * Everything is judged from the cluster's own record, not from either operator's memory: the pod deletions
 * the watch saw (the ground truth: nothing else deletes pods in the namespace), the Evict Events from source
 * rebalance, and `status.lastActions`. Across the leader change:
 *  - no interval evicts more than maxEvictionsPerCycle pods;
 *  - no node loses more than maxEvictionsPerNode pods within the cooldown;
 *  - no pod is evicted twice, and no workload (the pods of one Deployment) moves twice within the cooldown;
 *  - the pool ends balanced (its own condition and metrics-server agree) with every workload running.
 */
import * as k8s from '@kubernetes/client-node';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { startOperatorProcess, type OperatorProcess } from '../support/operator-process.js';
import {
  condition,
  COOLDOWN_MS,
  INTERVAL_MS,
  REBALANCING,
  RebalanceScenario,
  type PoolObject,
} from './scenario.js';

const LEASE_SECONDS = 4;
const RETRY_SECONDS = 0.5;
/**
 * Observed deletion times are when the test's watch saw them, not when the plan was made: an interval's
 * evictions are issued one after the other (each followed by its node stamps), so they spread over some
 * milliseconds, more on two busy cores. Windows measured on these times are shortened by this much.
 */
const JITTER_MS = 2_000;

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const scenario = new RebalanceScenario(kc, `rl-${Math.random().toString(36).slice(2, 7)}`);
const processes: OperatorProcess[] = [];

interface Deletion {
  pod: string;
  uid: string;
  app: string | undefined;
  tier: string | undefined;
  node: string | undefined;
  /** When the watch first saw the pod going (deletionTimestamp set, or DELETED). */
  at: number;
}

interface Placement {
  pod: string;
  app: string | undefined;
  node: string;
  at: number;
}

/**
 * The namespace's pods as the API server reports them: every deletion and every pod bound after the start.
 * `onDeletion` runs synchronously inside the watch callback, so the leader can be killed without a round trip.
 */
class PodRecord {
  readonly deletions: Deletion[] = [];
  readonly placements: Placement[] = [];
  onDeletion: ((d: Deletion) => void) | undefined;
  private readonly gone = new Set<string>();
  private readonly bound = new Set<string>();
  private request: AbortController | undefined;
  private stopped = false;
  private resourceVersion = '';

  async start(): Promise<void> {
    const list = await core.listNamespacedPod({ namespace: scenario.namespace });
    for (const p of list.items) if (p.spec?.nodeName) this.bound.add(p.metadata?.uid as string);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    await this.watch();
  }

  stop(): void {
    this.stopped = true;
    this.request?.abort();
  }

  /** Watches from the last seen resourceVersion; a watch the server ends is resumed where it stopped. */
  private async watch(): Promise<void> {
    if (this.stopped) return;
    this.request = await new k8s.Watch(kc).watch(
      `/api/v1/namespaces/${scenario.namespace}/pods`,
      { resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
      (type: string, pod: k8s.V1Pod) => this.onEvent(type, pod),
      () => void this.watch().catch(() => undefined),
    );
  }

  private onEvent(type: string, pod: k8s.V1Pod): void {
    const meta = pod.metadata ?? {};
    if (meta.resourceVersion) this.resourceVersion = meta.resourceVersion;
    if (type === 'BOOKMARK') return;
    const uid = meta.uid as string;
    const node = pod.spec?.nodeName;
    if (node && !this.bound.has(uid) && type !== 'DELETED') {
      this.bound.add(uid);
      this.placements.push({ pod: meta.name as string, app: meta.labels?.app, node, at: Date.now() });
    }
    if ((type === 'DELETED' || meta.deletionTimestamp) && !this.gone.has(uid)) {
      this.gone.add(uid);
      const deletion: Deletion = {
        pod: `${meta.namespace}/${meta.name}`,
        uid,
        app: meta.labels?.app,
        tier: meta.labels?.tier,
        node,
        at: Date.now(),
      };
      this.deletions.push(deletion);
      this.onDeletion?.(deletion);
    }
  }
}

type LastAction = NonNullable<NonNullable<PoolObject['status']>['lastActions']>[number];

/** Performed evictions ever seen in status.lastActions (it keeps only the 20 newest: poll and collect). */
const listedMoves = new Map<string, LastAction>();

async function readPool(): Promise<PoolObject> {
  const object = await scenario.poolObject();
  for (const a of object.status?.lastActions ?? [])
    if (a.action === 'Evict' && a.dryRun !== true && a.pod) listedMoves.set(`${a.pod}@${a.time}`, a);
  return object;
}

async function start(identity: string): Promise<OperatorProcess> {
  const p = await startOperatorProcess(identity, [
    '--lease-namespace',
    scenario.namespace,
    '--lease-duration',
    String(LEASE_SECONDS),
    '--renew-deadline',
    '3',
    '--retry-period',
    String(RETRY_SECONDS),
    // Only rebalancing is under test; failover would probe the scenario's nodes for nothing.
    '--failover',
    'false',
    '--log-level',
    'info',
  ]);
  processes.push(p);
  await eventually(
    `${identity} ready`,
    async () => ((await fetch(`http://127.0.0.1:${p.port}/readyz`)).ok ? true : undefined),
    30_000,
  );
  return p;
}

async function isLeader(p: OperatorProcess): Promise<boolean> {
  return (await p.metric('fulcrum_leader').catch(() => undefined)) === 1;
}

/** The most of `times` (ms) that fall in any half-open window [t, t + windowMs). */
function mostWithin(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    while (i + n < sorted.length && (sorted[i + n] as number) < (sorted[i] as number) + windowMs) n++;
    most = Math.max(most, n);
  }
  return most;
}

/** The groups (by `key`) holding more than `limit` of their times within any window of `windowMs`. */
function overLimit<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
  time: (item: T) => number,
  windowMs: number,
  limit: number,
): string[] {
  const over: string[] = [];
  for (const [k, group] of groupBy(items, key)) {
    const most = mostWithin(group.map(time), windowMs);
    if (most > limit) over.push(`${k}: ${most} within ${windowMs} ms`);
  }
  return over;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

const record = new PodRecord();
let first: OperatorProcess;
let second: OperatorProcess;

beforeAll(async () => {
  await scenario.setUp();
  // The replicas start only once metrics-server reports the scenario, so the first Enforce interval already
  // sees the hot nodes (DryRun intervals before it build up their `consecutive` streaks).
  await scenario.waitForUsage();
  await record.start();
  first = await start('rebalancer-a');
  second = await start('rebalancer-b');
}, 240_000);

afterAll(async () => {
  record.stop();
  for (const p of processes) await p.kill('SIGKILL');
  await scenario.cleanUp();
}, 60_000);

test('the leader is killed after its first eviction; the standby finishes within every budget and cooldown', async () => {
  const [leader, standby] = await eventually(
    'one leader among the two replicas',
    async () => {
      const [a, b] = [await isLeader(first), await isLeader(second)];
      if (a === b) return undefined;
      return a ? [first, second] : [second, first];
    },
    30_000,
    200,
  );
  // Both replicas run the metrics loop; the standby must have planned nothing so far.
  expect(record.deletions).toEqual([]);

  let killedAt = 0;
  const killed = new Promise<Deletion>((resolve) => {
    record.onDeletion = (d) => {
      record.onDeletion = undefined;
      leader.child.kill('SIGKILL');
      killedAt = Date.now();
      resolve(d);
    };
  });
  const enforcedAt = Date.now();
  await scenario.setMode('Enforce');
  const trigger = await Promise.race([
    killed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no eviction within 90 s of Enforce')), 90_000),
    ),
  ]);
  await leader.kill('SIGKILL'); // waits for the exit
  expect(trigger.tier).toBe('batch');

  // What the dead leader left behind: how far it got with its interval shows in stamps and status.
  await readPool();
  const stamps: Record<string, string> = {};
  for (const name of scenario.nodes) {
    const value = (await core.readNode({ name })).metadata?.annotations?.['fulcrum.io/rebalanced-at'];
    if (value) stamps[name] = value;
  }
  console.log(
    `Enforce at +0 ms; first eviction (${trigger.pod} off ${trigger.node}) seen at +${killedAt - enforcedAt} ms, ` +
      `leader ${leader.identity} SIGKILLed then. Deleted by then: ${record.deletions.map((d) => d.pod).join(', ')}; ` +
      `node stamps: ${JSON.stringify(stamps)}; moves in lastActions: ${listedMoves.size}`,
  );

  await eventually(
    'the standby leads',
    async () => ((await isLeader(standby)) ? true : undefined),
    30_000,
    100,
  );
  const takeoverAt = Date.now();
  console.log(`${standby.identity} leads ${takeoverAt - killedAt} ms after the kill`);

  const balanced = await eventually(
    'Balanced=True after the standby’s moves',
    async () => {
      const p = await readPool();
      const done = condition(p, 'Balanced')?.status === 'True' && p.status?.nodes?.hot === 0;
      // A new term starts with no heat (a node is hot only after `consecutive` intervals), so right after
      // the takeover Balanced=True means nothing yet: it counts once it has held that long since the last move.
      const last = Math.max(takeoverAt, ...record.deletions.map((d) => d.at));
      const settled = Date.now() - last > (REBALANCING.consecutive + 1) * INTERVAL_MS;
      return done && settled && record.deletions.some((d) => d.at > takeoverAt) ? p : undefined;
    },
    300_000,
    1_000,
  );
  const finishedAt = Date.now();
  expect(condition(balanced, 'MetricsAvailable')?.status).toBe('True');
  await scenario.waitWithinTolerance();
  await eventually(
    'hot taints lifted',
    async () => ((await scenario.nodesWithHotTaint()).length === 0 ? true : undefined),
    60_000,
    1_000,
  );
  // Every workload runs again (the standby's scheduler placed the replacements), and the base pods stayed.
  await eventually(
    'every scenario pod Running',
    async () => {
      const live = (await scenario.pods()).filter((p) => !p.metadata?.deletionTimestamp);
      const running = live.filter((p) => p.status?.phase === 'Running');
      return running.length === scenario.workloads.length + 7 && live.length === running.length
        ? true
        : undefined;
    },
    60_000,
    1_000,
  );

  const deletions = [...record.deletions];
  const summary = deletions.map((d) => `${d.pod.split('/')[1]}@${d.node}+${d.at - enforcedAt}ms`).join(', ');
  console.log(`balanced ${finishedAt - enforcedAt} ms after Enforce; deletions: ${summary}`);
  console.log(
    `placements: ${record.placements.map((p) => `${p.pod}@${p.node}+${p.at - enforcedAt}ms`).join(', ')}`,
  );

  // Both leaders moved pods: the old one before it died, the standby after taking over.
  expect(deletions.filter((d) => d.at < takeoverAt).length).toBeGreaterThanOrEqual(1);
  expect(deletions.filter((d) => d.at > takeoverAt).length).toBeGreaterThanOrEqual(1);
  // Only movable low-priority pods went, and only off the hot nodes; critical, fragile and base pods stayed.
  for (const d of deletions) {
    expect(d.tier).toBe('batch');
    expect(scenario.hotNodes).toContain(d.node);
  }

  // Per interval: never more than maxEvictionsPerCycle, also across the leader change.
  const times = deletions.map((d) => d.at);
  expect(mostWithin(times, INTERVAL_MS - JITTER_MS)).toBeLessThanOrEqual(REBALANCING.maxEvictionsPerCycle);
  // Per node within the cooldown: never more than maxEvictionsPerNode.
  const byNode = overLimit(
    deletions,
    (d) => d.node,
    (d) => d.at,
    COOLDOWN_MS - JITTER_MS,
    REBALANCING.maxEvictionsPerNode,
  );
  expect(byNode).toEqual([]);
  // Per workload within the cooldown: one move (its replacement pod is a new pod of the same Deployment).
  const byWorkload = overLimit(
    deletions,
    (d) => d.app,
    (d) => d.at,
    COOLDOWN_MS - JITTER_MS,
    1,
  );
  expect(byWorkload).toEqual([]);

  // The Events: every Evict from source rebalance names a pod that was deleted, none twice, and every move
  // the standby made has its Event (the dead leader's last Events may have died with it).
  const events = await eventually(
    'the standby’s Evict Events written',
    async () => {
      const list = await core.listNamespacedEvent({
        namespace: scenario.namespace,
        fieldSelector: 'reason=Evict',
      });
      const ours = list.items.filter((e) => e.message?.includes(`(rebalance, pool ${scenario.pool})`));
      const named = new Set(ours.map((e) => `${e.involvedObject.namespace}/${e.involvedObject.name}`));
      return deletions.filter((d) => d.at > takeoverAt).every((d) => named.has(d.pod)) ? ours : undefined;
    },
    30_000,
    1_000,
  );
  const evicted = new Map<string, number>();
  for (const e of events) {
    const pod = `${e.involvedObject.namespace}/${e.involvedObject.name}`;
    evicted.set(pod, (evicted.get(pod) ?? 0) + (e.count ?? 1));
  }
  expect([...evicted].filter(([, count]) => count > 1)).toEqual([]);
  for (const pod of evicted.keys()) expect(deletions.map((d) => d.pod)).toContain(pod);

  // status.lastActions: the performed moves, none of one pod twice; the plan times it records are exact, so
  // there the interval budget holds to the millisecond: at most maxEvictionsPerCycle per plan, plans at least
  // one interval apart, the dead leader's last plan and the standby's first included when both are listed.
  await readPool();
  const listed = [...listedMoves.values()];
  expect(new Set(listed.map((a) => a.pod)).size).toBe(listed.length);
  for (const a of listed) expect(deletions.map((d) => d.pod)).toContain(a.pod);
  for (const d of deletions.filter((x) => x.at > takeoverAt))
    expect(listed.map((a) => a.pod)).toContain(d.pod);
  const plans = [...groupBy(listed, (a) => a.time)].map(([time, moves]) => ({
    at: Date.parse(time),
    n: moves.length,
  }));
  plans.sort((a, b) => a.at - b.at);
  for (const plan of plans) expect(plan.n).toBeLessThanOrEqual(REBALANCING.maxEvictionsPerCycle);
  for (let i = 1; i < plans.length; i++)
    expect((plans[i] as { at: number }).at - (plans[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(
      INTERVAL_MS,
    );
  const listedByNode = overLimit(
    listed,
    (a) => a.node,
    (a) => Date.parse(a.time),
    COOLDOWN_MS,
    REBALANCING.maxEvictionsPerNode,
  );
  expect(listedByNode).toEqual([]);
}, 480_000);
