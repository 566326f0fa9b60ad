/**
 * `scheduler-vs-kube`: Fulcrum's scheduler against the real kube-scheduler on one simulated cluster.
 *
 * A cluster of its own (test/cluster, 1,000 kwok nodes of 8 CPU / 32 Gi by default) and a `fulcrum run`
 * process with one LeastLoaded pool (basis Requests) over every node. For each scheduler in turn, into an
 * empty cluster: pause the scheduler, create 2 pods per node (seeded requests, the same set for both), resume
 * it and time until every pod is bound; then the spread of node CPU and memory utilization (standard
 * deviation of requested/allocatable across all nodes).
 *
 * Both run with their defaults: kube-scheduler's client is rate-limited to 50 requests/s (burst 100) and it
 * scores a sample of nodes (percentageOfNodesToScore, adaptive: 42% at 1,000 nodes); Fulcrum's client has no
 * rate limit and its LeastLoaded strategy scores every pool node.
 *
 * The API server's own ceiling, measured in the same run on the same cluster: pods nobody schedules, bound
 * by this process itself with no scheduling logic (node i mod N), at Fulcrum's binding concurrency (32), with
 * the client Fulcrum uses (connection-reuse.ts) — once with one Scheduled Event per pod as Fulcrum writes
 * them, once bindings alone — and once with the client library's default (a new connection and TLS handshake
 * per request), the client Fulcrum had before, when FULCRUM_BENCH_SVK_LIBRARY_CLIENT=1. With FULCRUM_BENCH_BASELINE_DIST set to another build's dist
 * directory, that build's operator runs a round too ("fulcrum-baseline"), so before and after share a run.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { ConnectionReusingKubeConfig } from '../src/kube/connection-reuse.js';
import type { BenchArgs } from './args.js';
import { machine, prng, type BenchResult } from './stats.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const CLUSTER_DIR = process.env.FULCRUM_BENCH_CLUSTER_DIR ?? '/tmp/fulcrum-bench-svk';
const PORT_OFFSET = process.env.FULCRUM_BENCH_PORT_OFFSET ?? '5000';
const clusterEnv = {
  ...process.env,
  FULCRUM_CLUSTER_DIR: CLUSTER_DIR,
  FULCRUM_CLUSTER_PORT_OFFSET: PORT_OFFSET,
};
const NODE_CPU_MILLI = 8000;
/** Pods per node (the 1,000 nodes / 5,000 pods); FULCRUM_BENCH_SVK_PODS_PER_NODE overrides. */
const PODS_PER_NODE = Number(process.env.FULCRUM_BENCH_SVK_PODS_PER_NODE ?? 5);
/** Bindings in flight in the ceiling rounds: Fulcrum's default (maxConcurrentBindings). */
const CEILING_CONCURRENCY = 32;
const NODE_MEMORY_MI = 32 * 1024;

interface PodSpec {
  cpuMilli: number;
  memoryMi: number;
}

interface RoundResult {
  scheduler: string;
  pods: number;
  createAllS: number;
  bindAllS: number;
  podsPerS: number;
  /** 1-minute load average when the round finished. */
  load: number;
  cpu: Spread;
  memory: Spread;
  nodesUsed: number;
}

interface Spread {
  meanPct: number;
  stddevPct: number;
  maxPct: number;
}

export async function runSchedulerVsKube(args: BenchArgs): Promise<BenchResult> {
  const nodes = args.nodes[0] ?? (args.quick ? 100 : 1000);
  const podCount = PODS_PER_NODE * nodes;
  const specs = podSpecs(podCount, args.seed);
  await cluster('down.sh').catch(() => undefined);
  const upStarted = Date.now();
  await cluster('up.sh', ['--nodes', String(nodes), '--no-metrics-server']);
  console.log(`cluster of ${nodes} nodes up in ${((Date.now() - upStarted) / 1000).toFixed(1)} s`);
  const kc = new ConnectionReusingKubeConfig();
  kc.loadFromFile(resolve(CLUSTER_DIR, 'kubeconfig'));
  let operator: ChildProcess | undefined;
  try {
    await kubectl(['apply', '--server-side', '-f', resolve(repoRoot, 'crds')]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/resourcepools.fulcrum.io']);
    await kubectl(['apply', '-f', '-'], POOL_YAML);
    const rounds: RoundResult[] = [];
    const record = (round: RoundResult): void => {
      rounds.push(round);
      printRound(round);
    };
    const kubeScheduler = Number(readFileSync(resolve(CLUSTER_DIR, 'pids/kube-scheduler.pid'), 'utf8'));
    record(await runRound(kc, { name: 'default-scheduler', pid: kubeScheduler }, specs, nodes));
    const baseline = process.env.FULCRUM_BENCH_BASELINE_DIST;
    if (baseline) {
      operator = await startOperator(resolve(baseline, 'src/cli/main.js'));
      const round = await runRound(kc, { name: 'fulcrum', pid: operator.pid as number }, specs, nodes);
      record({ ...round, scheduler: 'fulcrum-baseline' });
      await stopOperator(operator);
    }
    operator = await startOperator(resolve(repoRoot, 'dist/src/cli/main.js'));
    record(await runRound(kc, { name: 'fulcrum', pid: operator.pid as number }, specs, nodes));
    await stopOperator(operator);
    operator = undefined;
    for (const ceiling of CEILINGS) record(await runCeiling(kc, ceiling, specs, nodes));
    return result(nodes, podCount, args, rounds);
  } finally {
    operator?.kill('SIGTERM');
    await cluster('down.sh').catch(() => undefined);
  }
}

/** One way of measuring the API server's ceiling: which client, and whether each binding has its Event. */
interface Ceiling {
  name: string;
  events: boolean;
  /** The client library's default KubeConfig: a new connection (and TLS handshake) per request. */
  libraryClient: boolean;
}

/** The library-client round only with FULCRUM_BENCH_SVK_LIBRARY_CLIENT=1: each round of 5,000 pods takes minutes. */
const CEILINGS: Ceiling[] = [
  { name: 'ceiling: bindings + events', events: true, libraryClient: false },
  { name: 'ceiling: bindings only', events: false, libraryClient: false },
  ...(process.env.FULCRUM_BENCH_SVK_LIBRARY_CLIENT === '1'
    ? [{ name: 'ceiling: bindings + events, library client', events: true, libraryClient: true }]
    : []),
];

/**
 * The API server's ceiling for bindings: the pods are created for a scheduler that does not exist, then this
 * process binds them itself — node i mod N, no scheduling logic — CEILING_CONCURRENCY at a time, each
 * binding followed by a Scheduled Event when `events`, timed as a scheduler round is (until a watch has seen
 * every pod bound).
 */
async function runCeiling(kc: k8s.KubeConfig, ceiling: Ceiling, specs: PodSpec[], nodes: number) {
  let client = kc;
  if (ceiling.libraryClient) {
    client = new k8s.KubeConfig();
    client.loadFromFile(resolve(CLUSTER_DIR, 'kubeconfig'));
  }
  const core = client.makeApiClient(k8s.CoreV1Api);
  const schedulerName = 'nobody';
  return timedRound(kc, `ceiling-${CEILINGS.indexOf(ceiling)}`, schedulerName, specs, nodes, {
    label: ceiling.name,
    pause: () => undefined,
    resume: () => bindAll(core, `ceiling-${CEILINGS.indexOf(ceiling)}`, specs.length, nodes, ceiling.events),
  });
}

/** Binds pods p0..p(count-1) round-robin over the kwok nodes, CEILING_CONCURRENCY at a time. */
async function bindAll(
  core: k8s.CoreV1Api,
  namespace: string,
  count: number,
  nodes: number,
  events: boolean,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const name = `p${i}`;
      const node = `kwok-node-${i % nodes}`;
      await core.createNamespacedPodBinding({
        name,
        namespace,
        body: { metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
      });
      if (events)
        await core.createNamespacedEvent({ namespace, body: scheduledEvent(namespace, name, node) });
    }
  };
  await Promise.all(Array.from({ length: CEILING_CONCURRENCY }, worker));
}

/** A Scheduled Event of the shape Fulcrum's EventRecorder writes. */
function scheduledEvent(namespace: string, pod: string, node: string): k8s.CoreV1Event {
  const now = new Date();
  return {
    metadata: { generateName: `${pod}.`, namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace },
    type: 'Normal',
    reason: 'Scheduled',
    message: `Assigned ${namespace}/${pod} to ${node}`,
    source: { component: 'bench' },
    reportingComponent: 'bench',
    reportingInstance: 'bench',
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
  };
}

const POOL_YAML = `apiVersion: fulcrum.io/v1alpha1
kind: ResourcePool
metadata: {name: bench}
spec:
  nodeSelector: {matchLabels: {type: kwok}}
  allocation: {strategy: LeastLoaded, basis: Requests}
  failover: {mode: "Off"}
  rebalancing: {mode: "Off"}
`;

function podSpecs(count: number, seed: number): PodSpec[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => ({
    cpuMilli: 100 + 50 * Math.floor(random() * 19),
    memoryMi: 128 * (1 + Math.floor(random() * 8)),
  }));
}

/**
 * One scheduler's round: it is paused (SIGSTOP) while the pods are created, so creation speed (the same for
 * both, and slow on a loaded 2-core machine) is not what gets measured; then resumed (SIGCONT), and timed
 * until every pod is bound. A paused process keeps its watches open; the API server may drop them as slow
 * consumers, and the scheduler then relists, as it would after any stall.
 */
async function runRound(kc: k8s.KubeConfig, scheduler: Scheduler, specs: PodSpec[], nodes: number) {
  return timedRound(kc, `svk-${scheduler.name}`, scheduler.name, specs, nodes, {
    label: scheduler.name,
    pause: () => void process.kill(scheduler.pid, 'SIGSTOP'),
    resume: () => void process.kill(scheduler.pid, 'SIGCONT'),
  });
}

/** What a round does around pod creation: stop whoever binds, then let it go (and time it). */
interface RoundControl {
  label: string;
  pause(): void;
  resume(): void | Promise<void>;
}

/** Creates the pods in a fresh namespace while `control` is paused, resumes it, times until all are bound. */
async function timedRound(
  kc: k8s.KubeConfig,
  namespace: string,
  schedulerName: string,
  specs: PodSpec[],
  nodes: number,
  control: RoundControl,
): Promise<RoundResult> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // The service-account controller may be slower than us; pods cannot be created before it exists.
  await core
    .createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  const bound = new Map<string, string>();
  const { allBound, stop } = watchBindings(kc, namespace, specs.length, bound);
  control.pause();
  const creating = Date.now();
  let resumed = creating;
  try {
    await createPods(core, namespace, schedulerName, specs);
  } finally {
    resumed = Date.now();
    await control.resume();
  }
  const finished = await allBound;
  stop();
  const round: RoundResult = {
    scheduler: control.label,
    pods: specs.length,
    createAllS: (resumed - creating) / 1000,
    bindAllS: (finished - resumed) / 1000,
    podsPerS: specs.length / ((finished - resumed) / 1000),
    load: loadavg()[0] as number,
    ...utilization(bound, specs, nodes),
  };
  await core.deleteNamespace({ name: namespace });
  await waitUntil(`namespace ${namespace} deleted`, 600_000, async () => {
    try {
      await core.readNamespace({ name: namespace });
      return false;
    } catch {
      return true;
    }
  });
  return round;
}

interface Scheduler {
  /** The pods' spec.schedulerName. */
  name: string;
  pid: number;
}

/** Creates the pods, 32 requests at a time; pod i gets specs[i]. */
async function createPods(core: k8s.CoreV1Api, namespace: string, scheduler: string, specs: PodSpec[]) {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < specs.length; i = next++) {
      const spec = specs[i] as PodSpec;
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: `p${i}`, labels: { 'fulcrum.io/pool': 'bench' } },
          spec: {
            schedulerName: scheduler,
            automountServiceAccountToken: false,
            containers: [
              {
                name: 'app',
                image: 'registry.invalid/app',
                resources: { requests: { cpu: `${spec.cpuMilli}m`, memory: `${spec.memoryMi}Mi` } },
              },
            ],
          },
        },
      });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/** Resolves with the time the `count`-th pod of `namespace` was seen bound. */
function watchBindings(kc: k8s.KubeConfig, namespace: string, count: number, bound: Map<string, string>) {
  let request: { abort(): void } | undefined;
  let stopped = false;
  const allBound = new Promise<number>((resolveBound, reject) => {
    const timeout = setTimeout(() => reject(new Error(`${bound.size}/${count} bound after 10 min`)), 600_000);
    const open = (): void => {
      void new k8s.Watch(kc)
        .watch(
          `/api/v1/namespaces/${namespace}/pods`,
          { allowWatchBookmarks: false },
          (_type: string, pod: k8s.V1Pod) => {
            const node = pod.spec?.nodeName;
            if (node && pod.metadata?.name) bound.set(pod.metadata.name, node);
            if (bound.size === count) {
              clearTimeout(timeout);
              resolveBound(Date.now());
            }
          },
          () => {
            if (!stopped && bound.size < count) open();
          },
        )
        .then((r) => (request = r));
    };
    open();
  });
  return {
    allBound,
    stop: () => {
      stopped = true;
      request?.abort();
    },
  };
}

function utilization(bound: Map<string, string>, specs: PodSpec[], nodes: number) {
  const cpu = new Map<string, number>();
  const memory = new Map<string, number>();
  for (const [name, node] of bound) {
    const spec = specs[Number(name.slice(1))] as PodSpec;
    cpu.set(node, (cpu.get(node) ?? 0) + spec.cpuMilli);
    memory.set(node, (memory.get(node) ?? 0) + spec.memoryMi);
  }
  return {
    cpu: spread(
      [...cpu.values()].map((v) => (100 * v) / NODE_CPU_MILLI),
      nodes,
    ),
    memory: spread(
      [...memory.values()].map((v) => (100 * v) / NODE_MEMORY_MI),
      nodes,
    ),
    nodesUsed: cpu.size,
  };
}

/** Mean, standard deviation and maximum over all `nodes` (nodes without pods count as 0%). */
function spread(percents: number[], nodes: number): Spread {
  const mean = percents.reduce((a, b) => a + b, 0) / nodes;
  const squares = percents.reduce((a, p) => a + (p - mean) ** 2, 0) + (nodes - percents.length) * mean ** 2;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    meanPct: round(mean),
    stddevPct: round(Math.sqrt(squares / nodes)),
    maxPct: round(Math.max(0, ...percents)),
  };
}

function printRound(r: RoundResult): void {
  console.log(
    `${r.scheduler.padEnd(44)} ${r.pods} pods created in ${r.createAllS.toFixed(1)} s; ` +
      `all bound ${r.bindAllS.toFixed(1)} s after resuming (${r.podsPerS.toFixed(0)} pods/s, load ${r.load.toFixed(1)}); ` +
      `cpu mean ${r.cpu.meanPct}% stddev ${r.cpu.stddevPct}% max ${r.cpu.maxPct}%; memory ` +
      `stddev ${r.memory.stddevPct}%; ${r.nodesUsed} nodes used`,
  );
}

/** The metric prefix of a round: kube, fulcrum, fulcrum_baseline, ceiling_bindings_events, ... */
function prefixOf(label: string): string {
  if (label === 'default-scheduler') return 'kube';
  return label
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function result(nodes: number, pods: number, args: BenchArgs, rounds: RoundResult[]): BenchResult {
  const metrics: Record<string, number> = {};
  for (const r of rounds) {
    const prefix = prefixOf(r.scheduler);
    metrics[`${prefix}_bind_all_s`] = r.bindAllS;
    metrics[`${prefix}_create_all_s`] = r.createAllS;
    metrics[`${prefix}_pods_per_s`] = Math.round(r.podsPerS);
    metrics[`${prefix}_load`] = Math.round(r.load * 10) / 10;
    if (r.scheduler.startsWith('ceiling')) continue; // round-robin: its spread says nothing
    metrics[`${prefix}_cpu_util_stddev_pct`] = r.cpu.stddevPct;
    metrics[`${prefix}_cpu_util_max_pct`] = r.cpu.maxPct;
    metrics[`${prefix}_memory_util_stddev_pct`] = r.memory.stddevPct;
    metrics[`${prefix}_nodes_used`] = r.nodesUsed;
  }
  metrics.cpu_util_mean_pct = rounds[0]?.cpu.meanPct ?? 0;
  return {
    suite: 'scheduler-vs-kube',
    params: {
      nodes,
      pods,
      seed: args.seed,
      ceiling_concurrency: CEILING_CONCURRENCY,
      baseline: process.env.FULCRUM_BENCH_BASELINE_DIST ?? '',
      machine: machine(),
    },
    metrics,
  };
}

/** SIGTERM, and wait until the process has exited (its watches and connections closed). */
async function stopOperator(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  await exited;
}

async function startOperator(main: string): Promise<ChildProcess> {
  // Not 10080: fetch refuses a list of "bad ports", that one among them.
  const port = Number(process.env.FULCRUM_BENCH_HEALTH_PORT ?? 19090);
  const child = spawn(
    process.execPath,
    [
      main,
      'run',
      '--kubeconfig',
      resolve(CLUSTER_DIR, 'kubeconfig'),
      '--leader-elect',
      'false',
      '--health-address',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  try {
    await waitUntil('operator ready', 60_000, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
        signal: AbortSignal.timeout(2000),
      }).catch(() => undefined);
      return response?.ok === true;
    });
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return child;
}

async function cluster(script: string, args: string[] = []): Promise<void> {
  await run('bash', [resolve(repoRoot, 'test/cluster', script), ...args], {
    env: clusterEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function kubectl(args: string[], input?: string): Promise<void> {
  await new Promise<void>((resolveRun, reject) => {
    const child = execFile(
      'bash',
      ['-c', `source "${CLUSTER_DIR}/env" && kubectl "$@"`, 'kubectl', ...args],
      { env: clusterEnv },
      (error) => (error ? reject(error) : resolveRun()),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
