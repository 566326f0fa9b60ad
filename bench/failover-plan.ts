/**
 * The `failover-plan` suite: the decision side of failover on one pool of N nodes (default 5,000).
 *
 *  1. Build the model with the test builders (seeded): every node in pool `general`, `--pods-per-node` pods
 *     each (default 30), and one node, the victim, with 110 pods (Kubernetes' per-node limit): mixed
 *     priorities, 10% with `failover: None`, 5 DaemonSet pods.
 *  2. Detector: time `step` alone for many observations spread over every node (a pool-wide round after
 *     another, 5% failing probes, some nodes failing for good), and one whole round (every node once).
 *  3. Partition guard over the whole pool.
 *  4. Recovery plan for the fenced victim: `podsOnNode` + `planFailover` (policy and owner lookups included),
 *     the figure to hold against the 5 ms target; also the fence plan and the status fragment.
 */
import { newNodeHealth, step, type NodeHealthState, type Observation } from '../src/failover/detector.js';
import { partitionGuard } from '../src/failover/partition-guard.js';
import {
  planFailover,
  podsOnNode,
  type FailoverPlanInput,
  type FailoverPodPolicy,
} from '../src/failover/recovery-plan.js';
import { planStatus, type FailoverProgress } from '../src/failover/status.js';
import { ClusterModel } from '../src/model/cluster-model.js';
import { nodeInfoFromNode, type NodeInfo } from '../src/model/node-info.js';
import { podInfoFromPod, type PodInfo } from '../src/model/pod-info.js';
import { node, pod } from '../src/testing/builders.js';
import type { BenchArgs } from './args.js';
import {
  machine,
  mib,
  prng,
  summarizeLatencies,
  table,
  type BenchResult,
  type LatencySummary,
} from './stats.js';

const DEFAULT_NODES = 5_000;
const VICTIM_PODS = 110;
const DAEMONSET_PODS = 5;
const APPS = 20;
const DETECTOR = { failureThreshold: 3, successThreshold: 2 };

interface Cluster {
  model: ClusterModel;
  members: string[];
  victim: string;
  policies: Map<string, FailoverPodPolicy>;
  owners: Map<string, string>;
}

function buildCluster(nodes: number, podsPerNode: number, rand: () => number): Cluster {
  const model = new ClusterModel();
  const members: string[] = [];
  const owners = new Map<string, string>();
  const victim = `node-${String(Math.floor(nodes / 2)).padStart(5, '0')}`;
  for (let i = 0; i < nodes; i++) {
    const name = `node-${String(i).padStart(5, '0')}`;
    const n = node(name).inPool('general').allocatable({ cpu: '32', memory: '128Gi', pods: '110' });
    n.annotate('fulcrum.io/probe-address', `127.0.${(i >> 8) & 255}.${i & 255}`);
    model.upsertNode(nodeInfoFromNode(n.obj()));
    members.push(name);
    const count = name === victim ? VICTIM_PODS : podsPerNode;
    for (let j = 0; j < count; j++) {
      const app = `app-${Math.floor(rand() * APPS)}`;
      const p = pod(`${name}-p${j}`, `ns-${j % 7}`)
        .onNode(name)
        .label('app', app)
        .priority(Math.floor(rand() * 1000))
        .requests({ cpu: '100m', memory: '256Mi' })
        .obj();
      const info = podInfoFromPod(p);
      model.upsertPod(info);
      owners.set(info.key, j < DAEMONSET_PODS ? 'DaemonSet' : 'ReplicaSet');
    }
  }
  // WorkloadPolicies by app: 10% of apps say failover: None.
  const policies = new Map<string, FailoverPodPolicy>();
  for (let a = 0; a < APPS; a++) {
    policies.set(`app-${a}`, {
      failover: a % 10 === 3 ? 'None' : 'Reschedule',
      priority: Math.floor(rand() * 1000),
    });
  }
  return { model, members, victim, policies, owners };
}

const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Times `step` alone over `count` observations, pool-wide rounds one after another. */
function timeDetector(cluster: Cluster, count: number, rand: () => number) {
  const states = new Map<string, NodeHealthState>();
  for (const name of cluster.members) states.set(name, newNodeHealth(name));
  // 1% of the nodes are down for good; the others fail 5% of their probes.
  const down = new Set(cluster.members.filter(() => rand() < 0.01));
  const samples = new Float64Array(count);
  let transitions = 0;
  const n = cluster.members.length;
  for (let i = 0; i < count; i++) {
    const name = cluster.members[i % n] as string;
    const ok = !down.has(name) && rand() >= 0.05;
    const observation: Observation = ok
      ? { kind: 'probe', node: name, at: i, ok: true }
      : { kind: 'probe', node: name, at: i, ok: false, reason: 'tcp 127.0.0.1:10250: connection refused' };
    const state = states.get(name) as NodeHealthState;
    const start = process.hrtime.bigint();
    const result = step(state, observation, DETECTOR);
    samples[i] = elapsedMs(start);
    states.set(name, result.state);
    transitions += result.transitions.length;
  }
  // Whole rounds, every node once, as the failover controller handles a period's results.
  const rounds = new Float64Array(20);
  for (let r = 0; r < rounds.length; r++) {
    const roundStart = process.hrtime.bigint();
    for (const name of cluster.members) {
      const state = states.get(name) as NodeHealthState;
      const observation: Observation = { kind: 'probe', node: name, at: count + r, ok: !down.has(name) };
      states.set(name, step(state, observation, DETECTOR).state);
    }
    rounds[r] = elapsedMs(roundStart);
  }
  const roundMs = summarizeLatencies(rounds).p50;
  return { latency: summarizeLatencies(samples), transitions, roundMs, states, down: down.size };
}

/** Times `fn` `count` times after a quarter as many untimed warm-up runs (so the JIT has settled). */
function repeat(count: number, fn: () => void): LatencySummary {
  for (let i = 0; i < Math.ceil(count / 4); i++) fn();
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples[i] = elapsedMs(start);
  }
  return summarizeLatencies(samples);
}

interface Row {
  case: string;
  detail: string;
  latency: LatencySummary;
}

export function runFailoverPlan(args: BenchArgs): BenchResult {
  const nodes = args.nodes.length > 0 ? Math.max(...args.nodes) : DEFAULT_NODES;
  const steps = args.decisions ?? (args.quick ? 20_000 : 200_000);
  const plans = args.quick ? 200 : 2_000;
  const rand = prng(args.seed + nodes);

  const buildStart = process.hrtime.bigint();
  const cluster = buildCluster(nodes, args.podsPerNode, rand);
  const buildMs = elapsedMs(buildStart);

  // 2. Detector.
  const detector = timeDetector(cluster, steps, rand);

  // 3. Partition guard over the whole pool, with the states the detector left.
  const guardLatency = repeat(plans, () =>
    partitionGuard({ members: cluster.members, health: detector.states, maxUnhealthy: '30%' }),
  );

  // 4. Recovery plans for the victim: fence first, then the pods once fenced.
  const victimState: NodeHealthState = newNodeHealth(cluster.victim, {
    at: 0,
    reason: { source: 'probe', message: 'tcp 127.0.0.1:10250: connection refused' },
  });
  const base: Omit<FailoverPlanInput, 'pods' | 'node' | 'fenced'> = {
    pool: 'general',
    health: victimState,
    fencing: 'OutOfServiceTaint',
    policyOf: (p: PodInfo) =>
      cluster.policies.get(p.labels.app ?? '') ?? { failover: 'Reschedule', priority: 0 },
    ownerKind: (p: PodInfo) => cluster.owners.get(p.key),
    // Within the safe time of a failure at 0: the fast path (replaceable pods deleted, the rest awaiting).
    now: 60_000,
    safeTimeMs: 300_000,
  };
  const victimNode = cluster.model.node(cluster.victim) as NodeInfo;
  const fence = planFailover({ ...base, node: victimNode, fenced: false, pods: [] });
  if (fence.step !== 'Fence') throw new Error(`expected a fence plan, got ${fence.step}`);
  const fenceLatency = repeat(plans, () =>
    planFailover({ ...base, node: victimNode, fenced: false, pods: [] }),
  );
  // Apply the fence to the model, as the informer would show it.
  const fencedNode: NodeInfo = {
    ...victimNode,
    unschedulable: true,
    annotations: { ...victimNode.annotations },
    taints: [...victimNode.taints],
  };
  for (const action of fence.actions) {
    if (action.kind === 'Mark') fencedNode.annotations[action.annotation] = action.value;
    if (action.kind === 'Taint') fencedNode.taints.push(action.taint);
  }
  cluster.model.upsertNode(fencedNode);
  let deletions = 0;
  let skipped = 0;
  const planLatency = repeat(plans, () => {
    const plan = planFailover({
      ...base,
      node: cluster.model.node(cluster.victim) as NodeInfo,
      fenced: true,
      pods: podsOnNode(cluster.model, cluster.victim),
    });
    if (plan.step !== 'Reschedule') throw new Error(`expected a reschedule plan, got ${plan.step}`);
    deletions = plan.deletions.length;
    skipped = plan.skipped.length;
  });

  // 5. The status fragment for the pool.
  const verdict = partitionGuard({ members: cluster.members, health: detector.states, maxUnhealthy: '30%' });
  const progress = new Map<string, FailoverProgress>(
    verdict.failed.map((name, i) => [name, { node: name, detectedAt: i, fencedAt: i + 40 }]),
  );
  const statusLatency = repeat(plans, () =>
    planStatus({ mode: 'Enforce', members: cluster.members, health: detector.states, verdict, progress }),
  );

  const rows: Row[] = [
    {
      case: 'detector step',
      detail: `${steps} observations, ${detector.transitions} transitions`,
      latency: detector.latency,
    },
    {
      case: 'partition guard',
      detail: `${nodes} nodes, ${verdict.unhealthy.length} unhealthy`,
      latency: guardLatency,
    },
    { case: 'fence plan', detail: '1 node', latency: fenceLatency },
    {
      case: 'recovery plan',
      detail: `${VICTIM_PODS} pods: ${deletions} deletions, ${skipped} skipped`,
      latency: planLatency,
    },
    { case: 'pool status', detail: `${verdict.failed.length} failed nodes`, latency: statusLatency },
  ];
  console.log(
    table(
      ['case', 'detail', 'runs', 'p50 ms', 'p99 ms', 'max ms', 'mean ms'],
      rows.map((r) => [
        r.case,
        r.detail,
        r.latency.count,
        r.latency.p50.toFixed(4),
        r.latency.p99.toFixed(4),
        r.latency.max.toFixed(4),
        r.latency.mean.toFixed(4),
      ]),
    ),
  );
  const memory = process.memoryUsage();
  console.log(
    `\n${nodes} nodes, ${cluster.model.podCount} pods; detector round over every node (median of 20) ` +
      `${detector.roundMs.toFixed(2)} ms; model build ${buildMs.toFixed(0)} ms; rss ${mib(memory.rss)} MiB`,
  );
  console.log(
    `targets: detector step p99 < 1 ms (${detector.latency.p99 < 1 ? 'met' : 'MISSED'}), ` +
      `recovery plan p99 < 5 ms (${planLatency.p99 < 5 ? 'met' : 'MISSED'})`,
  );
  return {
    suite: 'failover-plan',
    params: {
      nodes,
      pods: cluster.model.podCount,
      pods_per_node: args.podsPerNode,
      victim_pods: VICTIM_PODS,
      detector_steps: steps,
      plan_runs: plans,
      failure_threshold: DETECTOR.failureThreshold,
      success_threshold: DETECTOR.successThreshold,
      seed: args.seed,
      quick: args.quick,
      ...machine(),
    },
    metrics: {
      detector_step_p50_ms: round(detector.latency.p50),
      detector_step_p99_ms: round(detector.latency.p99),
      detector_round_ms: round(detector.roundMs),
      guard_p99_ms: round(guardLatency.p99),
      fence_plan_p99_ms: round(fenceLatency.p99),
      plan_p50_ms: round(planLatency.p50),
      plan_p99_ms: round(planLatency.p99),
      status_p99_ms: round(statusLatency.p99),
      plan_deletions: deletions,
      model_build_ms: Math.round(buildMs),
      rss_mib: mib(memory.rss),
    },
  };
}

const round = (ms: number): number => Math.round(ms * 10_000) / 10_000;
