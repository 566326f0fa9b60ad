/**
 * The `placement` suite: decision latency of the placement engine on one pool of N nodes with a given number
 * of pods already placed per node, for each strategy, on the Usage basis (the API default).
 *
 *  1. Build the model once per size (seeded, so runs are comparable): mixed 16- and 32-core nodes, 2% tainted,
 *     1% cordoned, measured usage at 40–100% of requests.
 *  2. Per strategy: warm up, then time `schedule` alone for each pending pod with process.hrtime.bigint, on
 *     a snapshot taken every BATCH decisions (timed apart), and `assume` every placed pod (untimed) so each
 *     decision sees the previous ones, as in production. 10% of pending pods carry a nodeSelector and 5% a
 *     toleration, so every filter works.
 *  3. A lone pending pod (LeastLoaded): with a snapshot kept across decisions and refreshed on one node, and
 *     with a snapshot of its own — refresh or take timed with the decision.
 *  4. Remove the assumed pods after each run, so every run starts from the same cluster.
 *  5. The slow paths: a pod that fits nowhere (diagnosis over every node) and a preemption search, on the
 *     pool snapshot the scheduler controller keeps (production) and on one they take themselves.
 */
import { loadavg } from 'node:os';
import type { AllocationStrategy } from '../src/api/index.js';
import { ClusterModel } from '../src/model/cluster-model.js';
import type { NodeInfo } from '../src/model/node-info.js';
import type { PodInfo } from '../src/model/pod-info.js';
import type { ResourceVector } from '../src/model/resources.js';
import {
  assume,
  findPreemption,
  newPlacementState,
  PoolSnapshot,
  schedule,
  type PlacementContext,
  type PlacementPool,
} from '../src/placement/index.js';
import type { BenchArgs } from './args.js';
import {
  type BenchResult,
  type LatencySummary,
  machine,
  mib,
  prng,
  round,
  settledMemory,
  summarizeLatencies,
  table,
} from './stats.js';

const STRATEGIES: AllocationStrategy[] = ['LeastLoaded', 'BinPack', 'Weighted', 'RoundRobin'];
const DEFAULT_SIZES = [100, 1_000, 5_000];
/** Decisions per snapshot: a scheduling batch taken from the pending queue without awaiting in between. */
const BATCH = 64;
const batch: SnapshotMode = { kind: 'batch', size: BATCH };
const GI = 2 ** 30;
const MI = 2 ** 20;

export interface Cluster {
  model: ClusterModel;
  members: string[];
  usage: Map<string, ResourceVector>;
}

export function buildCluster(nodes: number, podsPerNode: number, rand: () => number): Cluster {
  const model = new ClusterModel();
  const members: string[] = [];
  const usage = new Map<string, ResourceVector>();
  for (let i = 0; i < nodes; i++) {
    const name = `node-${String(i).padStart(5, '0')}`;
    const cores = rand() < 0.5 ? 16 : 32;
    const info: NodeInfo = {
      name,
      labels: {
        'fulcrum.io/pool': 'general',
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
        'fulcrum.io/weight': String(1 + (i % 3)),
      },
      annotations: { 'fulcrum.io/network-capacity': '25G' },
      allocatable: {
        cpu: cores * 1000,
        memory: cores * 4 * GI,
        ephemeralStorage: 200 * GI,
        network: 25e9,
        pods: 110,
      },
      ready: true,
      unschedulable: i % 100 === 99,
      taints: i % 50 === 7 ? [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] : [],
    };
    model.upsertNode(info);
    members.push(name);
    for (let j = 0; j < podsPerNode; j++) {
      model.upsertPod(podOf(`placed-${i}-${j}`, rand, name, Math.floor(rand() * 1000)));
    }
    const requested = model.requested(name);
    const factor = 0.4 + rand() * 0.6;
    usage.set(name, {
      cpu: Math.round(requested.cpu * factor),
      memory: Math.round(requested.memory * factor),
      ephemeralStorage: Math.round(requested.ephemeralStorage * factor),
      network: Math.round(requested.network * factor),
      pods: requested.pods,
    });
  }
  return { model, members, usage };
}

function podOf(name: string, rand: () => number, nodeName: string | undefined, priority = 0): PodInfo {
  const pod: PodInfo = {
    key: `bench/${name}`,
    namespace: 'bench',
    name,
    uid: name,
    labels: { app: `app-${name.length % 7}` },
    nodeName,
    schedulerName: 'fulcrum',
    priority,
    phase: nodeName ? 'Running' : 'Pending',
    requests: {
      cpu: 50 + Math.floor(rand() * 350),
      memory: (64 + Math.floor(rand() * 960)) * MI,
      ephemeralStorage: Math.floor(rand() * 512) * MI,
      network: Math.floor(rand() * 50) * 1e6,
      pods: 1,
    },
    creationTimestamp: 0,
    deleting: false,
    nodeSelector: undefined,
    requiredNodeAffinity: undefined,
    tolerations: undefined,
  };
  if (!nodeName) {
    const roll = rand();
    if (roll < 0.1) pod.nodeSelector = { 'topology.kubernetes.io/zone': `zone-${Math.floor(rand() * 3)}` };
    else if (roll < 0.15) pod.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'infra' }];
  }
  return pod;
}

function poolOf(strategy: AllocationStrategy, members: string[]): PlacementPool {
  return {
    name: 'general',
    ceilings: { cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 },
    weights: { cpu: 1, memory: 1, ephemeralStorage: 0.5, network: 0.5 },
    allocation: {
      strategy,
      basis: 'Usage',
      ...(strategy === 'Weighted' ? { nodeWeightLabel: 'fulcrum.io/weight' } : {}),
    },
    members,
  };
}

interface Row {
  nodes: number;
  pods: number;
  case: string;
  placed: number;
  latency: LatencySummary;
  /** CPU time per call, where measured (the slow paths). */
  cpu?: LatencySummary;
}

/**
 * How decisions get their snapshot: `batch` — one taken every `size` decisions (timed apart) and kept current
 * by `assume`, as the scheduler controller does within a synchronous batch; `kept` — one snapshot for the
 * whole run, refreshed before each decision on the node the previous pod went to (its informer event), the
 * refresh timed with the decision; `own` — every decision takes its own (a lone pod, no kept snapshot).
 */
type SnapshotMode = { kind: 'batch'; size: number } | { kind: 'kept' } | { kind: 'own' };

/**
 * Times the decisions for `count` pending pods after `warmup` untimed ones, assuming every placement so each
 * decision sees the previous ones; removes the assumed pods again at the end.
 */
function timeDecisions(
  cluster: Cluster,
  strategy: AllocationStrategy,
  count: number,
  warmup: number,
  mode: SnapshotMode,
  rand: () => number,
): { latency: LatencySummary; placed: number; snapshots: number[] } {
  const pool = poolOf(strategy, cluster.members);
  const state = newPlacementState();
  const pending = Array.from({ length: warmup + count }, (_, i) =>
    podOf(`pending-${strategy}-${mode.kind}-${i}`, rand, undefined),
  );
  const samples = new Float64Array(count);
  const snapshots: number[] = [];
  const assumed: string[] = [];
  let snapshot: PoolSnapshot | undefined;
  let lastNode: string | undefined;
  let placed = 0;
  for (let i = 0; i < pending.length; i++) {
    const pod = pending[i] as PodInfo;
    const base = { model: cluster.model, pool, now: i, usage: cluster.usage, state };
    if ((mode.kind === 'batch' && i % mode.size === 0) || (mode.kind === 'kept' && snapshot === undefined)) {
      const start = process.hrtime.bigint();
      snapshot = PoolSnapshot.take(base, snapshot);
      if (i >= warmup) snapshots.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const ctx: PlacementContext = { ...base, podPool: 'general', snapshot };
    const start = process.hrtime.bigint();
    if (mode.kind === 'kept' && lastNode !== undefined) snapshot?.refresh(base, [lastNode]);
    const decision = schedule(pod, ctx);
    const end = process.hrtime.bigint();
    if (i >= warmup) samples[i - warmup] = Number(end - start) / 1e6;
    if (decision.kind === 'placed') {
      assume(cluster.model, pod, decision, { state, now: i, snapshot });
      assumed.push(pod.key);
      lastNode = decision.node;
      if (i >= warmup) placed++;
    }
  }
  for (const key of assumed) cluster.model.deletePod(key);
  return { latency: summarizeLatencies(samples), placed, snapshots };
}

/**
 * How a slow-path case gets its snapshot: `kept` — the pool's snapshot the scheduler controller keeps across
 * batches (PoolSnapshots; taken once, untimed), the production path; `own` — the call takes one itself.
 */
type SlowPathSnapshot = 'kept' | 'own';

/** Wall and CPU time (process.cpuUsage: every thread of the process, GC helpers included) of `count` calls. */
function timeCalls(
  count: number,
  warmup: number,
  call: (i: number) => void,
): { latency: LatencySummary; cpu: LatencySummary } {
  const samples = new Float64Array(count);
  const cpu = new Float64Array(count);
  for (let i = 0; i < warmup + count; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    call(i);
    const end = process.hrtime.bigint();
    const used = process.cpuUsage(cpuStart);
    if (i < warmup) continue;
    samples[i - warmup] = Number(end - start) / 1e6;
    cpu[i - warmup] = (used.user + used.system) / 1000;
  }
  return { latency: summarizeLatencies(samples), cpu: summarizeLatencies(cpu) };
}

/** The context of a lone pending pod of the pool: with the pool's kept snapshot, or none (`schedule` takes one). */
function slowPathContext(cluster: Cluster, mode: SlowPathSnapshot): (i: number) => PlacementContext {
  const pool = poolOf('LeastLoaded', cluster.members);
  const base = { model: cluster.model, pool, now: 0, usage: cluster.usage };
  const snapshot = mode === 'kept' ? PoolSnapshot.take(base) : undefined;
  return (i) => ({ ...base, now: i, podPool: 'general', ...(snapshot ? { snapshot } : {}) });
}

/** A pod bigger than any node: the engine filters every member and then diagnoses every node. */
function timeUnschedulable(
  cluster: Cluster,
  count: number,
  mode: SlowPathSnapshot,
): { latency: LatencySummary; cpu: LatencySummary } {
  const contextAt = slowPathContext(cluster, mode);
  const rand = prng(7);
  const warmup = Math.max(5, Math.round(count / 10));
  return timeCalls(count, warmup, (i) => {
    const pod = podOf(`huge-${i}`, rand, undefined);
    pod.requests.cpu = 64_000;
    const decision = schedule(pod, contextAt(i));
    if (decision.kind !== 'unschedulable') throw new Error('expected the huge pod to be unschedulable');
  });
}

/**
 * A high-priority pod that fits only after evictions: preemption looks at the pods of every member node it
 * visits, up to the default candidate bound (the larger of 100 and 10% of the pool).
 */
function timePreemption(
  cluster: Cluster,
  count: number,
  mode: SlowPathSnapshot,
): { latency: LatencySummary; cpu: LatencySummary; found: number } {
  const contextAt = slowPathContext(cluster, mode);
  const rand = prng(11);
  const warmup = Math.max(5, Math.round(count / 10));
  let found = 0;
  const input = { priorityOf: (p: PodInfo) => p.priority, movable: () => true };
  const timed = timeCalls(count, warmup, (i) => {
    const pod = podOf(`urgent-${i}`, rand, undefined, 5_000);
    pod.requests.cpu = 24_000;
    if (findPreemption(pod, contextAt(i), input) && i >= warmup) found++;
  });
  return { ...timed, found };
}

/** The diagnosis and preemption rows of one size, on the kept snapshot and on one of their own. */
function slowPathRows(cluster: Cluster, size: number, runs: number, metrics: Record<string, number>): Row[] {
  const rows: Row[] = [];
  const pods = cluster.model.podCount;
  for (const mode of ['kept', 'own'] as const) {
    const label = mode === 'kept' ? 'kept snapshot' : 'own snapshot';
    const key = mode === 'kept' ? '' : '_own_snapshot';
    const diagnosis = timeUnschedulable(cluster, runs * 4, mode);
    rows.push({ nodes: size, pods, case: `unschedulable (diagnosis), ${label}`, placed: 0, ...diagnosis });
    metrics[`nodes_${size}_unschedulable${key}_p50_ms`] = round(diagnosis.latency.p50);
    metrics[`nodes_${size}_unschedulable${key}_p99_ms`] = round(diagnosis.latency.p99);
    metrics[`nodes_${size}_unschedulable${key}_cpu_p99_ms`] = round(diagnosis.cpu.p99);
    const preemption = timePreemption(cluster, runs, mode);
    const { found, ...times } = preemption;
    rows.push({ nodes: size, pods, case: `preemption search, ${label}`, placed: found, ...times });
    metrics[`nodes_${size}_preemption${key}_p50_ms`] = round(preemption.latency.p50);
    metrics[`nodes_${size}_preemption${key}_p99_ms`] = round(preemption.latency.p99);
    metrics[`nodes_${size}_preemption${key}_cpu_p99_ms`] = round(preemption.cpu.p99);
  }
  return rows;
}

export function runPlacement(args: BenchArgs): BenchResult {
  const sizes = args.nodes.length > 0 ? args.nodes : DEFAULT_SIZES;
  const decisions = args.decisions ?? (args.quick ? 300 : 3_000);
  const warmup = args.quick ? 100 : 500;
  const slowPathRuns = args.quick ? 5 : 100;
  const loadBefore = loadavg()[0] as number;
  const rows: Row[] = [];
  const metrics: Record<string, number> = {};
  let rss = 0;
  let heapUsed = 0;
  let modelHeap = 0;
  let modelRss = 0;
  let buildMs = 0;

  for (const size of sizes) {
    const rand = prng(args.seed + size);
    const buildStart = process.hrtime.bigint();
    const cluster = buildCluster(size, args.podsPerNode, rand);
    buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
    const settled = settledMemory(); // the model alone (earlier sizes are garbage by now)
    modelHeap = settled.heapUsed;
    modelRss = settled.rss;
    const pods = cluster.model.podCount;
    const snapshotTimes: number[] = [];
    for (const strategy of STRATEGIES) {
      const { latency, placed, snapshots } = timeDecisions(cluster, strategy, decisions, warmup, batch, rand);
      snapshotTimes.push(...snapshots);
      rows.push({ nodes: size, pods, case: strategy, placed, latency });
      metrics[`nodes_${size}_${strategy.toLowerCase()}_decision_p50_ms`] = round(latency.p50);
      metrics[`nodes_${size}_${strategy.toLowerCase()}_decision_p99_ms`] = round(latency.p99);
    }
    const snapshotLatency = summarizeLatencies(Float64Array.from(snapshotTimes));
    rows.push({
      nodes: size,
      pods,
      case: `snapshot (per ${BATCH} decisions)`,
      placed: 0,
      latency: snapshotLatency,
    });
    metrics[`nodes_${size}_snapshot_p50_ms`] = round(snapshotLatency.p50);
    metrics[`nodes_${size}_snapshot_p99_ms`] = round(snapshotLatency.p99);
    for (const mode of [{ kind: 'kept' }, { kind: 'own' }] as const) {
      const lone = timeDecisions(cluster, 'LeastLoaded', decisions, warmup, mode, rand);
      const label = mode.kind === 'kept' ? 'kept snapshot + refresh' : 'own snapshot';
      rows.push({
        nodes: size,
        pods,
        case: `LeastLoaded, ${label}`,
        placed: lone.placed,
        latency: lone.latency,
      });
      metrics[`nodes_${size}_${mode.kind}_snapshot_decision_p50_ms`] = round(lone.latency.p50);
      metrics[`nodes_${size}_${mode.kind}_snapshot_decision_p99_ms`] = round(lone.latency.p99);
    }
    rows.push(...slowPathRows(cluster, size, slowPathRuns, metrics));
    const memory = settledMemory();
    rss = Math.max(rss, memory.rss);
    heapUsed = Math.max(heapUsed, memory.heapUsed);
  }

  const largest = Math.max(...sizes);
  const atLargest = rows.filter(
    (r) => r.nodes === largest && STRATEGIES.includes(r.case as AllocationStrategy),
  );
  console.log(
    table(
      [
        'nodes',
        'pods',
        'case',
        'measured',
        'placed',
        'p50 ms',
        'p99 ms',
        'max ms',
        'mean ms',
        'cpu p50',
        'cpu p99',
      ],
      rows.map((r) => [
        r.nodes,
        r.pods,
        r.case,
        r.latency.count,
        r.placed,
        r.latency.p50.toFixed(3),
        r.latency.p99.toFixed(3),
        r.latency.max.toFixed(3),
        r.latency.mean.toFixed(3),
        r.cpu ? r.cpu.p50.toFixed(3) : '-',
        r.cpu ? r.cpu.p99.toFixed(3) : '-',
      ]),
    ),
  );
  console.log(
    `\nmemory after GC: model of ${largest} nodes heap ${mib(modelHeap)} MiB, rss ${mib(modelRss)} MiB; ` +
      `peak after a size's runs heap ${mib(heapUsed)} MiB, rss ${mib(rss)} MiB; model build ${buildMs.toFixed(0)} ms`,
  );
  return {
    suite: 'placement',
    params: {
      nodes: sizes,
      pods_per_node: args.podsPerNode,
      decisions_per_strategy: decisions,
      warmup,
      strategies: STRATEGIES,
      basis: 'Usage',
      batch: BATCH,
      seed: args.seed,
      quick: args.quick,
      ...machine(),
      // 1-minute load average before and after: other work on the machine inflates tail latencies.
      loadavg_before: Math.round(loadBefore * 100) / 100,
      loadavg_after: Math.round((loadavg()[0] as number) * 100) / 100,
    },
    metrics: {
      // Worst strategy at the largest size, on a batch snapshot: the figure to hold against the 1 ms target.
      decision_p50_ms: round(Math.max(...atLargest.map((r) => r.latency.p50))),
      decision_p99_ms: round(Math.max(...atLargest.map((r) => r.latency.p99))),
      // A lone pending pod at the largest size: with a kept snapshot refreshed on one node, and with its own.
      kept_snapshot_decision_p99_ms: metrics[`nodes_${largest}_kept_snapshot_decision_p99_ms`] as number,
      own_snapshot_decision_p99_ms: metrics[`nodes_${largest}_own_snapshot_decision_p99_ms`] as number,
      rss_mib: mib(rss),
      heap_used_mib: mib(heapUsed),
      model_heap_mib: mib(modelHeap),
      model_rss_mib: mib(modelRss),
      model_build_ms: Math.round(buildMs),
      ...metrics,
    },
  };
}
