/**
 * The rebalancing scenario on the real control plane: a pool of 10 kwok nodes of its own (8 CPU each, load =
 * CPU only), three of them made hot by pods the test binds straight to them, each pod using what its
 * `kwok.x-k8s.io/usage-cpu` annotation says (metrics-server serves it). Every moved pod belongs to a
 * one-replica Deployment naming `schedulerName: fulcrum`, so its replacement is placed by Fulcrum.
 *
 *   hot-0, hot-1: critical 1000m (priority 900) + two batch pods of 1500m (priority 100)    = 50 %
 *   hot-2:        critical 1000m + fragile 800m (priority 50, PDB maxUnavailable 0) + two batch = 60 %
 *   cool-3..9:    one bare base pod of 400m each                                             =  5 %
 *
 * Pool mean 19.5 %; tolerance 10 (hot above 29.5), recovery 5 (cool below 24.5). Balance needs six moves:
 * every batch pod to its own cool node (each then at 23.75 %), the fragile and critical pods stay.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { MetricsApiSource } from '../../../src/metrics/metrics-api-source.js';
import { installCrds } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, kubectl, repoRoot } from '../support/cluster.js';
import { addNodes } from '../support/operator.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POLICIES = { critical: 900, batch: 100, fragile: 50 } as const;
export type Tier = keyof typeof POLICIES;

export interface Workload {
  name: string;
  tier: Tier;
  node: string;
  cpu: string;
}

export const REBALANCING = {
  mode: 'DryRun',
  interval: '8s',
  tolerance: 10,
  recoveryTolerance: 5,
  consecutive: 2,
  maxEvictionsPerCycle: 2,
  maxEvictionsPerNode: 1,
  maxEvictionsPerNamespace: 5,
  minPodAge: '5s',
  cooldown: '45s',
  metricsWindow: '10s',
};
export const INTERVAL_MS = 8_000;
export const COOLDOWN_MS = 45_000;

/** `spec.rebalancing` of the scenario's pool: REBALANCING with any of its fields replaced. */
export type RebalancingSettings = typeof REBALANCING;

export class RebalanceScenario {
  readonly pool: string;
  readonly nodes: string[];
  readonly rebalancing: RebalancingSettings;
  readonly workloads: Workload[] = [];
  namespace = '';
  private removeNamespace: (() => Promise<void>) | undefined;
  private readonly core: k8s.CoreV1Api;
  private readonly apps: k8s.AppsV1Api;
  private readonly policy: k8s.PolicyV1Api;
  private readonly custom: k8s.CustomObjectsApi;

  constructor(
    private readonly kc: k8s.KubeConfig,
    prefix: string,
    // A faster metrics source allows shorter intervals and cooldowns (and a shorter test).
    rebalancing: Partial<RebalancingSettings> = {},
  ) {
    this.pool = prefix;
    this.rebalancing = { ...REBALANCING, ...rebalancing };
    this.nodes = Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.apps = kc.makeApiClient(k8s.AppsV1Api);
    this.policy = kc.makeApiClient(k8s.PolicyV1Api);
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    for (const i of [0, 1, 2]) {
      const node = this.nodes[i] as string;
      this.workloads.push({ name: `critical-${i}`, tier: 'critical', node, cpu: '1000m' });
      this.workloads.push({ name: `batch-${i}a`, tier: 'batch', node, cpu: '1500m' });
      this.workloads.push({ name: `batch-${i}b`, tier: 'batch', node, cpu: '1500m' });
    }
    this.workloads.push({ name: 'fragile-2', tier: 'fragile', node: this.nodes[2] as string, cpu: '800m' });
  }

  get hotNodes(): string[] {
    return this.nodes.slice(0, 3);
  }

  /** Nodes, namespace, policies, PDB, workloads bound to their nodes and Running, then the pool (DryRun). */
  async setUp(): Promise<void> {
    await installCrds(this.kc);
    await addNodes(
      this.nodes.map((name) => ({
        name,
        cpu: '8',
        memory: '32Gi',
        labels: { 'fulcrum.io/pool': this.pool },
      })),
    );
    const ns = await createTestNamespace(this.kc, 'rebalance');
    this.namespace = ns.name;
    this.removeNamespace = ns.remove;
    for (const [tier, priority] of Object.entries(POLICIES)) await this.createPolicy(tier, priority);
    await this.policy.createNamespacedPodDisruptionBudget({
      namespace: this.namespace,
      body: {
        metadata: { name: 'fragile' },
        spec: { maxUnavailable: 0, selector: { matchLabels: { tier: 'fragile' } } },
      },
    });
    for (const w of this.workloads) await this.createDeployment(w);
    for (let i = 3; i < this.nodes.length; i++) await this.createBasePod(this.nodes[i] as string);
    await this.bindWorkloads();
    await eventually(
      'every scenario pod Running',
      async () => {
        const pods = await this.pods();
        const running = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
        return running.length === this.workloads.length + 7 ? true : undefined;
      },
      60_000,
      500,
    );
    await this.createPool();
  }

  async cleanUp(): Promise<void> {
    await this.custom
      .deleteClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: RESOURCE_POOL_PLURAL,
        name: this.pool,
      })
      .catch(() => undefined);
    await this.removeNamespace?.();
    await kubectl(['delete', 'nodes', '-l', `fulcrum.io/pool=${this.pool}`, '--wait=false']).catch(
      () => undefined,
    );
  }

  /**
   * Waits until metrics-server reports every node of the pool and the hottest node's full load: planning on
   * a partial picture (two scrapes are needed after the pods start) would start the scenario late or oddly.
   */
  async waitForUsage(timeoutMs = 110_000): Promise<void> {
    const source = new MetricsApiSource(this.kc);
    await eventually(
      'metrics-server reporting the scenario’s usage',
      async () => {
        const c = await source.collect();
        const cpu = (n: string) => c.nodes.find((s) => s.key === n)?.usage.cpu ?? 0;
        return this.nodes.every((n) => cpu(n) >= 300) && cpu(this.hotNodes[2] as string) >= 4_700
          ? true
          : undefined;
      },
      timeoutMs,
      2_000,
    );
  }

  /** Waits until metrics-server itself reports every node within tolerance of the mean (% of 8 CPU). */
  async waitWithinTolerance(timeoutMs = 60_000): Promise<number[]> {
    const source = new MetricsApiSource(this.kc);
    return eventually(
      'every node within tolerance by metrics-server',
      async () => {
        const c = await source.collect();
        const loads = this.nodes.map(
          (n) => ((c.nodes.find((s) => s.key === n)?.usage.cpu ?? NaN) / 8_000) * 100,
        );
        const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
        return loads.every((l) => l <= mean + REBALANCING.tolerance) ? loads : undefined;
      },
      timeoutMs,
      2_000,
    );
  }

  /** The pods of the scenario's namespace. */
  async pods(): Promise<k8s.V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace: this.namespace })).items;
  }

  async poolObject(): Promise<PoolObject> {
    return (await this.custom.getClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name: this.pool,
    })) as PoolObject;
  }

  async setMode(mode: 'Enforce' | 'DryRun' | 'Off'): Promise<void> {
    await kubectl([
      'patch',
      'resourcepool',
      this.pool,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { rebalancing: { mode } } }),
    ]);
  }

  async nodesWithHotTaint(): Promise<string[]> {
    const out: string[] = [];
    for (const name of this.nodes) {
      const node = await this.core.readNode({ name });
      if (node.spec?.taints?.some((t) => t.key === 'fulcrum.io/hot')) out.push(name);
    }
    return out;
  }

  /** Events about the pool with `reason`. */
  async poolEvents(reason: string): Promise<k8s.CoreV1Event[]> {
    const list = await this.core.listEventForAllNamespaces({
      fieldSelector: `involvedObject.name=${this.pool},reason=${reason}`,
    });
    return list.items;
  }

  private async createPolicy(tier: string, priority: number): Promise<void> {
    await createTierPolicy(this.custom, this.namespace, this.pool, tier, priority);
  }

  private async createDeployment(w: Workload): Promise<void> {
    await this.apps.createNamespacedDeployment({ namespace: this.namespace, body: workloadDeployment(w) });
  }

  private async createBasePod(node: string): Promise<void> {
    await this.core.createNamespacedPod({
      namespace: this.namespace,
      body: {
        metadata: {
          name: `base-${node}`,
          labels: { tier: 'base' },
          annotations: { 'kwok.x-k8s.io/usage-cpu': '400m', 'kwok.x-k8s.io/usage-memory': '64Mi' },
        },
        spec: {
          nodeName: node,
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'main',
              image: 'registry.invalid/app',
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    });
  }

  /** Binds each workload's pod to its node, as a scheduler would (no operator runs yet). */
  private async bindWorkloads(): Promise<void> {
    for (const w of this.workloads) {
      const pod = await eventually(
        `the pod of ${w.name}`,
        async () =>
          (await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `app=${w.name}` }))
            .items[0],
        30_000,
        200,
      );
      await bindPod(this.core, this.namespace, pod.metadata?.name as string, w.node);
    }
  }

  private async createPool(): Promise<void> {
    await this.custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'ResourcePool',
        metadata: { name: this.pool },
        spec: {
          nodeSelector: { matchLabels: { 'fulcrum.io/pool': this.pool } },
          weights: { cpu: 1, memory: 0, ephemeralStorage: 0, network: 0 },
          allocation: { strategy: 'LeastLoaded', basis: 'Usage' },
          rebalancing: this.rebalancing,
          failover: { mode: 'Off' },
          // The tiers' priorities (up to 900) need the pool owner's grant: the default cap is 0.
          priorityLimits: { defaultMaxPriority: 1000 },
        },
      },
    });
  }
}

/** A movable WorkloadPolicy named `tier` in `namespace` for pods labelled `tier=<tier>`, in `pool`. */
export async function createTierPolicy(
  custom: k8s.CustomObjectsApi,
  namespace: string,
  pool: string,
  tier: string,
  priority: number,
): Promise<void> {
  await custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'workloadpolicies',
    namespace,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'WorkloadPolicy',
      metadata: { name: tier },
      spec: { selector: { matchLabels: { tier } }, pool, priority, movable: true, failover: 'None' },
    },
  });
}

/**
 * A Deployment whose pods name `schedulerName: fulcrum` (replacements are placed by Fulcrum), request 100m
 * CPU unless `requests` says otherwise, and use `w.cpu` as kwok's emulated usage.
 */
export function workloadDeployment(
  w: { name: string; tier: string; cpu: string },
  replicas = 1,
  requests: { cpu: string; memory: string } = { cpu: '100m', memory: '64Mi' },
): k8s.V1Deployment {
  const labels = { app: w.name, tier: w.tier };
  return {
    metadata: { name: w.name, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: w.name } },
      template: {
        metadata: {
          labels,
          annotations: { 'kwok.x-k8s.io/usage-cpu': w.cpu, 'kwok.x-k8s.io/usage-memory': '64Mi' },
        },
        spec: {
          schedulerName: 'fulcrum',
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'main', image: 'registry.invalid/app', resources: { requests } }],
        },
      },
    },
  };
}

/** Binds a pending pod to `node`, as a scheduler would. */
export async function bindPod(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  node: string,
): Promise<void> {
  await core.createNamespacedPodBinding({
    name,
    namespace,
    body: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    },
  });
}

export interface PoolCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface PoolObject {
  metadata?: k8s.V1ObjectMeta;
  status?: {
    conditions?: PoolCondition[];
    nodes?: { total?: number; hot?: number };
    load?: number;
    imbalance?: number;
    lastActions?: Array<{
      time: string;
      action: string;
      dryRun?: boolean;
      pod?: string;
      node?: string;
      targetNode?: string;
      reason?: string;
    }>;
    counters?: { evictions?: number; dryRunEvictions?: number; evictionsBlocked?: number };
  };
}

export function condition(pool: PoolObject, type: string): PoolCondition | undefined {
  return pool.status?.conditions?.find((c) => c.type === type);
}

/** Stops (`stop_component`) or starts (`start_component`) a control-plane process of the test cluster. */
export async function clusterComponent(action: 'stop' | 'start', name: string): Promise<void> {
  const lib = `${repoRoot}/test/cluster/lib.sh`;
  const command = action === 'stop' ? `stop_component ${name} 5` : `start_component ${name}`;
  await run('bash', ['-c', `source "${lib}" && ${command}`], { env: process.env });
}

/** Whether the named process of the test cluster is running. */
export async function componentRunning(name: string): Promise<boolean> {
  const lib = `${repoRoot}/test/cluster/lib.sh`;
  return run('bash', ['-c', `source "${lib}" && is_running ${name}`], { env: process.env }).then(
    () => true,
    () => false,
  );
}
