/**
 * The `failover-e2e` suite: node death to pods running elsewhere, on a real control plane of its own
 * (test/cluster, state in /tmp/fulcrum-bench-failover, ports shifted by 5000 (FULCRUM_BENCH_PORT_OFFSET), torn down at the end).
 *
 *  1. Fulcrum on: the failover scenario of test/integration/failover (default 100 kwok nodes, 1,000 pods
 *     placed by Fulcrum's scheduler, one loopback TCP listener per node, TCP probe every 500 ms, threshold 3).
 *     Kill one node (listener stopped, kwok heartbeat stopped) and time: detection (Failed), fencing (fence
 *     written), all bound (every Reschedule pod's replacement bound elsewhere, from the pool status) and all
 *     Running elsewhere (seen by polling the API server).
 *     Then a second node, the fence-agent path: killed, and once fenced a fence agent's
 *     `fulcrum.io/fence-confirmed` (written by the suite) releases its StatefulSet pod without the safe time.
 *  2. Fulcrum off: the same scenario with the pool's failover.mode Off (the operator still places pods), so
 *     the cluster's own node lifecycle handles the failure: Ready=Unknown after the 50 s grace period, then
 *     taint-based eviction after the 300 s default toleration. Times: NotReady, and all Deployment pods
 *     Running elsewhere; the StatefulSet pod is waited for up to --off-timeout (default 480 s) and reported
 *     as not recovered if it stays stuck Terminating on the dead node, which is what Kubernetes does.
 *
 * Times are wall-clock seconds from the kill, one run each: this suite measures a scenario, not a function.
 * The evidence table of the pure detector (src/failover/evidence.ts) is printed and kept in the result's
 * params, so the report shows which verdict each (probe, lease, condition) reading gives.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parseDuration } from '../src/api/index.js';
import {
  evidenceVerdict,
  FENCE_CONFIRMED_ANNOTATION,
  FENCED_BY_ANNOTATION,
  type Evidence,
} from '../src/failover/index.js';
import { createLogger } from '../src/logging/logger.js';
import { createOperator } from '../src/runtime/operator.js';
import { eventually } from '../test/integration/support/cluster.js';
import {
  clusterScript,
  condition,
  FailoverScenario,
  probePort,
  repositoryRoot,
} from '../test/integration/failover/scenario.js';
import type { BenchArgs } from './args.js';
import { machine, table, type BenchResult } from './stats.js';

const CLUSTER_DIR = '/tmp/fulcrum-bench-failover';
// Another engineer's cluster may sit at offsets 0, 1000 (smoke.sh), 2000, 3000: stay clear, or override.
const PORT_OFFSET = process.env.FULCRUM_BENCH_PORT_OFFSET ?? '5000';
const OFF_TIMEOUT_MS = 480_000;

/**
 * The pool's failover.safeTime in the Fulcrum run: short, so the confirmed-down path is measured in one run.
 * Production pools keep the 5-minute default (or a fence agent) unless their nodes self-fence faster.
 */
const BENCH_SAFE_TIME = '20s';

export async function runFailoverE2e(args: BenchArgs): Promise<BenchResult> {
  const nodes = args.nodes[0] ?? (args.quick ? 20 : 100);
  const pods = nodes * (args.quick ? 5 : 10);
  useOwnCluster();
  await clusterScript('up.sh', ['--nodes', '1']);
  try {
    loadClusterEnv();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(`${CLUSTER_DIR}/kubeconfig`);
    await run('kubectl', [
      '--kubeconfig',
      `${CLUSTER_DIR}/kubeconfig`,
      'apply',
      '--server-side',
      '-f',
      resolve(repositoryRoot(), 'crds'),
    ]);
    const evidence = evidenceTable();
    console.log(table(['probe', 'lease', 'condition', 'verdict'], evidence));
    const on = await fulcrumOn(kc, nodes, pods);
    const off = await fulcrumOff(kc, nodes, pods, args.quick ? 150_000 : OFF_TIMEOUT_MS);
    const metrics = { ...prefixed('fulcrum_', on), ...prefixed('kubernetes_', off) };
    console.log(
      table(
        ['phase (s after the kill)', 'Fulcrum', 'Kubernetes alone'],
        [
          ['failure detected', on.detection_s ?? '', off.not_ready_s ?? ''],
          ['node fenced / tainted', on.fencing_s ?? '', off.not_ready_s ?? ''],
          [
            'all Deployment pods Running elsewhere (fast path)',
            on.deployment_running_s ?? '',
            off.deployment_running_s ?? '',
          ],
          [`node confirmed down (safe time ${BENCH_SAFE_TIME}), released`, on.released_s ?? '', ''],
          ['all Reschedule pods bound elsewhere', on.all_bound_s ?? '', ''],
          [
            'StatefulSet pod Running elsewhere',
            on.all_running_s ?? '',
            off.statefulset_running_s ?? 'never (stuck)',
          ],
          ['fence agent: node fenced (second node)', on.agent_fenced_s ?? '', ''],
          ['fence agent: confirmation written', on.agent_confirmed_s ?? '', ''],
          ['fence agent: released (taint, force delete)', on.agent_released_s ?? '', ''],
          ['fence agent: StatefulSet pod Running elsewhere', on.agent_running_s ?? '', ''],
        ],
      ),
    );
    return {
      suite: 'failover-e2e',
      params: {
        nodes,
        pods,
        probe_period_ms: 500,
        safe_time: BENCH_SAFE_TIME,
        evidence_table: evidence.map((row) => row.join(' ')),
        machine: machine(),
      },
      metrics,
    };
  } finally {
    await clusterScript('down.sh').catch(() => undefined);
  }
}

/** One run with Fulcrum's failover on. */
async function fulcrumOn(kc: k8s.KubeConfig, nodes: number, pods: number): Promise<Record<string, number>> {
  const operator = startOperator(kc);
  const scenario = new FailoverScenario({
    kc,
    prefix: 'bench-on',
    nodes,
    pods,
    ipBlock: 150,
    port: probePort(),
    failoverMode: 'Enforce',
    safeTime: BENCH_SAFE_TIME,
  });
  try {
    await scenario.setUp();
    await eventually(
      'every node answering',
      async () => {
        const s = await scenario.poolStatus();
        return condition(s, 'FailoverActive')?.reason === 'NoFailedNodes' ? true : undefined;
      },
      60_000,
    );
    const victim = await scenario.victim();
    const killedAt = Date.now();
    await scenario.kill(victim);
    // Fast path: the Deployment pods (Replaceable) are deleted gracefully as soon as the node is fenced.
    await scenario.waitAppRunning('web', 'Deployment pods Running elsewhere', 120_000, victim);
    const deploymentAt = Date.now();
    // Confirmed-down path: the StatefulSet pod (AtMostOnce) only after the safe time.
    await scenario.waitAllRunning('all Running elsewhere', 180_000, victim, 100);
    const runningAt = Date.now();
    const status = await eventually(
      'failover complete in status',
      async () => {
        const s = await scenario.poolStatus();
        return s.failover?.lastFailover?.node === victim && s.failover.lastFailover.completedAt
          ? s
          : undefined;
      },
      30_000,
    );
    const last = status.failover!.lastFailover!;
    const agent = await fenceAgentPath(kc, scenario, victim);
    return {
      ...agent,
      detection_s: seconds(Date.parse(last.detectedAt!) - killedAt),
      fencing_s: seconds(Date.parse(last.fencedAt!) - killedAt),
      all_bound_s: seconds(Date.parse(last.completedAt!) - killedAt),
      deployment_running_s: seconds(deploymentAt - killedAt),
      released_s: seconds(Date.parse(last.releasedAt ?? last.completedAt!) - killedAt),
      all_running_s: seconds(runningAt - killedAt),
      safe_time_s: seconds(parseDuration(BENCH_SAFE_TIME)),
      pods_moved: last.podsRescheduled ?? 0,
    };
  } finally {
    await operator.stop();
    await scenario.cleanup();
  }
}

/**
 * A second node of the same run (not `exclude`, the first victim), released by a fence agent: killed, and as
 * soon as it is fenced the suite writes `fulcrum.io/fence-confirmed` as a power-off hook would. Seconds from
 * the kill.
 */
async function fenceAgentPath(
  kc: k8s.KubeConfig,
  scenario: FailoverScenario,
  exclude: string,
): Promise<Record<string, number>> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const victim = await scenario.victim([exclude]);
  const killedAt = Date.now();
  await scenario.kill(victim);
  await eventually(
    `node ${victim} fenced`,
    async () =>
      (await scenario.node(victim)).metadata?.annotations?.[FENCED_BY_ANNOTATION] ? true : undefined,
    60_000,
    50,
  );
  const fencedAt = Date.now();
  await core.patchNode(
    {
      name: victim,
      body: { metadata: { annotations: { [FENCE_CONFIRMED_ANNOTATION]: new Date().toISOString() } } },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  const confirmedAt = Date.now();
  await scenario.waitAllRunning('all Running elsewhere (fence agent)', 120_000, victim, 100);
  const runningAt = Date.now();
  const status = await eventually(
    'fence agent release in status',
    async () => {
      const s = await scenario.poolStatus();
      return s.failover?.lastFailover?.node === victim && s.failover.lastFailover.releasedAt ? s : undefined;
    },
    30_000,
  );
  const last = status.failover!.lastFailover!;
  return {
    agent_fenced_s: seconds(fencedAt - killedAt),
    agent_confirmed_s: seconds(confirmedAt - killedAt),
    agent_released_s: seconds(Date.parse(last.releasedAt!) - killedAt),
    agent_running_s: seconds(runningAt - killedAt),
  };
}

/** Every row of the pure detector's evidence table: probe, lease, condition, verdict. */
function evidenceTable(): string[][] {
  const rows: string[][] = [];
  for (const probe of ['ok', 'failing', 'unknown'] as const)
    for (const lease of ['fresh', 'missed', 'unknown'] as const)
      for (const condition of ['ready', 'notReady', 'unknown'] as const) {
        const evidence: Evidence = { probe, lease, condition };
        rows.push([probe, lease, condition, evidenceVerdict(evidence)]);
      }
  return rows;
}

/** The same failure with failover Off: Kubernetes' node lifecycle handles it. */
async function fulcrumOff(
  kc: k8s.KubeConfig,
  nodes: number,
  pods: number,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const operator = startOperator(kc);
  const scenario = new FailoverScenario({
    kc,
    prefix: 'bench-off',
    nodes,
    pods,
    ipBlock: 160,
    port: probePort(),
    failoverMode: 'Off',
  });
  try {
    await scenario.setUp();
    const victim = await scenario.victim();
    const killedAt = Date.now();
    await scenario.kill(victim);
    const out: Record<string, number> = {};
    const moved = (await scenario.pods()).filter((p) => p.node === victim && p.app !== 'jobs');
    const db = moved.filter((p) => p.app === 'db').map((p) => p.name);
    const deadline = killedAt + timeoutMs;
    while (
      Date.now() < deadline &&
      (out.deployment_running_s === undefined || out.statefulset_running_s === undefined)
    ) {
      const now = Date.now();
      if (out.not_ready_s === undefined) {
        const ready = (await scenario.node(victim)).status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status !== 'True') out.not_ready_s = seconds(now - killedAt);
      }
      const current = await scenario.pods();
      const elsewhere = (app: string) =>
        current.filter((p) => p.app === app && p.phase === 'Running' && !p.deleting && p.node !== victim)
          .length;
      if (out.deployment_running_s === undefined && elsewhere('web') >= scenario.counts.web) {
        out.deployment_running_s = seconds(now - killedAt);
      }
      const dbMoved = db.every((name) =>
        current.some((p) => p.name === name && p.node !== victim && p.phase === 'Running'),
      );
      if (out.statefulset_running_s === undefined && dbMoved)
        out.statefulset_running_s = seconds(now - killedAt);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    out.waited_s = seconds(Math.min(Date.now(), deadline) - killedAt);
    return out;
  } finally {
    await operator.stop();
    await scenario.cleanup();
  }
}

function startOperator(kc: k8s.KubeConfig): { stop(): Promise<void> } {
  const operator = createOperator({
    kubeConfig: kc,
    logger: createLogger({ level: process.env.FULCRUM_BENCH_LOG_LEVEL ?? 'silent' }),
    health: { host: '127.0.0.1', port: 0 },
    failover: {},
  });
  const controller = new AbortController();
  const done = operator.start(controller.signal);
  return {
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

function useOwnCluster(): void {
  process.env.FULCRUM_CLUSTER_DIR = CLUSTER_DIR;
  process.env.FULCRUM_CLUSTER_PORT_OFFSET = PORT_OFFSET;
}

/** What `source $FULCRUM_CLUSTER_DIR/env` does, for this process: PATH (kubectl) and the kubeconfig. */
function loadClusterEnv(): void {
  for (const line of readFileSync(`${CLUSTER_DIR}/env`, 'utf8').split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const value = (match[2] as string)
      .replace(/^["']|["']$/g, '')
      .replace(/\$PATH|\$\{PATH\}/g, process.env.PATH ?? '');
    process.env[match[1] as string] = value;
  }
  process.env.FULCRUM_TEST_KUBECONFIG = `${CLUSTER_DIR}/kubeconfig`;
}

async function run(command: string, args: string[]): Promise<void> {
  await promisify(execFile)(command, args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
}

function seconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}
