/**
 * Two pools of kwok nodes for the operator that runs in a pod on the real node (real-node-helm.test.ts), so a
 * failover and a rebalance happen with the chart's shipped defaults:
 *
 *   <prefix>-fo  3 nodes, failover Enforce with the API's defaults (TCP probes to each node's InternalIP, port
 *                10250, every 500 ms); a 3-replica Deployment placed by Fulcrum. The nodes' InternalIPs are in
 *                the real node's probe range (198.18.0.0/24): add-node.sh makes each a host in the probe
 *                hosts' network namespace, which the operator's pod reaches over the pod bridge, and
 *                kill-node.sh takes the host away with the Lease (test/cluster/README.md, "Probe hosts").
 *   <prefix>-rb  3 nodes, rebalancing Enforce on the metrics.k8s.io source (metrics-server serving kwok's
 *                emulated usage): node 0 runs three movable pods using 1000m each (37.5 % of 8 CPU;
 *                one-replica Deployments placed by Fulcrum), nodes 1 and 2 a bare 400m pod each (5 %). Mean
 *                15.8 %, tolerance 10: node 0 is hot (above 25.8 %); a destination may reach mean + 7.5 =
 *                23.3 % (halfway to the breach mark), so a 1000m pod fits (17.5 %) where a 1500m one would not.
 *
 * Everything carries the prefix; `cleanUp` deletes it all.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { createTestNamespace, eventually, kubectl } from '../support/cluster.js';
import { clusterScript } from '../failover/scenario.js';
import { createTierPolicy, REBALANCING, workloadDeployment } from '../rebalance/scenario.js';

/** The real node's probe range (test/cluster/lib.sh REAL_NODE_PROBE_CIDR); .1-.9 left to other uses. */
const PROBE_NET = '198.18.0';

export interface PoolView {
  conditions?: Array<{ type: string; status: string; reason: string; message?: string }>;
  nodes?: { total?: number; hot?: number };
  failover?: {
    failedNodes?: Array<{ name: string }>;
    lastFailover?: { node: string; podsRescheduled?: number };
  };
  counters?: { evictions?: number };
  lastActions?: Array<{ action: string; pod?: string; node?: string; targetNode?: string; dryRun?: boolean }>;
}

export interface PodPlace {
  name: string;
  app: string;
  node: string | undefined;
  running: boolean;
}

export class RealNodePools {
  readonly failoverPool: string;
  readonly rebalancePool: string;
  readonly failoverNodes: string[];
  readonly rebalanceNodes: string[];
  /** The nodes' InternalIPs: failover nodes 198.18.0.10-12, rebalance nodes .20-22. */
  readonly addresses: string[];
  namespace = '';
  private removeNamespace: (() => Promise<void>) | undefined;
  private readonly core: k8s.CoreV1Api;
  private readonly apps: k8s.AppsV1Api;
  private readonly custom: k8s.CustomObjectsApi;

  constructor(
    private readonly kc: k8s.KubeConfig,
    readonly prefix: string,
    /** First three octets of the nodes' InternalIPs (another 127.x.y serves a rehearsal without a real node). */
    probeNet = PROBE_NET,
  ) {
    this.failoverPool = `${prefix}-fo`;
    this.rebalancePool = `${prefix}-rb`;
    this.failoverNodes = [0, 1, 2].map((i) => `${this.failoverPool}-${i}`);
    this.rebalanceNodes = [0, 1, 2].map((i) => `${this.rebalancePool}-${i}`);
    this.addresses = [...[10, 11, 12], ...[20, 21, 22]].map((n) => `${probeNet}.${n}`);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.apps = kc.makeApiClient(k8s.AppsV1Api);
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
  }

  /** Nodes, namespace, both pools, policies, the rebalance pool's pods Running. */
  async setUp(): Promise<void> {
    const pools = [
      ...this.failoverNodes.map(() => this.failoverPool),
      ...this.rebalanceNodes.map(() => this.rebalancePool),
    ];
    const nodes = [...this.failoverNodes, ...this.rebalanceNodes].map((name, i) => ({
      name,
      pool: pools[i]!,
      ip: this.addresses[i]!,
    }));
    for (const n of nodes) {
      await clusterScript('add-node.sh', [
        n.name,
        '--ip',
        n.ip,
        '--labels',
        `fulcrum.io/pool=${n.pool}`,
        '--no-wait',
      ]);
    }
    await kubectl(['wait', '--for=condition=Ready', '--timeout=90s', ...nodes.map((n) => `node/${n.name}`)]);
    const ns = await createTestNamespace(this.kc, this.prefix);
    this.namespace = ns.name;
    this.removeNamespace = ns.remove;
    // The pools first: the operator's scheduler places the workloads' pods in them.
    await this.createPool(this.failoverPool, { failover: { mode: 'Enforce' } });
    await this.createPool(this.rebalancePool, {
      weights: { cpu: 1, memory: 0, ephemeralStorage: 0, network: 0 },
      allocation: { strategy: 'LeastLoaded', basis: 'Usage' },
      rebalancing: { ...REBALANCING, mode: 'Enforce' },
      failover: { mode: 'Off' },
    });
    await this.setUpRebalanceWorkloads();
    await this.setUpFailoverWorkload();
  }

  async cleanUp(): Promise<void> {
    for (const pool of [this.failoverPool, this.rebalancePool]) {
      await this.custom
        .deleteClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: RESOURCE_POOL_PLURAL,
          name: pool,
        })
        .catch(() => undefined);
    }
    await this.removeNamespace?.();
    const names = [...this.failoverNodes, ...this.rebalanceNodes];
    await kubectl(['delete', 'node', ...names, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    if (this.addresses[0]?.startsWith(`${PROBE_NET}.`)) {
      await clusterScript('real-node.sh', ['probe-address', 'del', ...this.addresses]).catch(() => undefined);
    }
  }

  async pool(name: string): Promise<PoolView> {
    const object = (await this.custom.getClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name,
    })) as { status?: PoolView };
    return object.status ?? {};
  }

  async pods(): Promise<PodPlace[]> {
    const list = await this.core.listNamespacedPod({ namespace: this.namespace });
    return list.items.map((p) => ({
      name: p.metadata?.name ?? '',
      app: p.metadata?.labels?.app ?? '',
      node: p.spec?.nodeName,
      running: p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
    }));
  }

  /** The web Deployment's pods once all three are Running (none on `avoid`). */
  async webRunning(what: string, timeoutMs: number, avoid?: string): Promise<PodPlace[]> {
    return eventually(
      what,
      async () => {
        const web = (await this.pods()).filter((p) => p.app === 'web');
        const running = web.filter((p) => p.running && p.node !== avoid);
        return running.length === 3 && web.every((p) => p.running || p.node === avoid) ? running : undefined;
      },
      timeoutMs,
      500,
    );
  }

  private async setUpFailoverWorkload(): Promise<void> {
    await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'workloadpolicies',
      namespace: this.namespace,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'WorkloadPolicy',
        metadata: { name: 'web' },
        spec: { selector: { matchLabels: { app: 'web' } }, pool: this.failoverPool, failover: 'Reschedule' },
      },
    });
    const body = workloadDeployment({ name: 'web', tier: 'web', cpu: '100m' }, 3);
    await this.apps.createNamespacedDeployment({ namespace: this.namespace, body });
  }

  /**
   * Three movable 1000m pods placed on node 0 by the operator's own scheduler while nodes 1 and 2 are cordoned
   * (the operator runs already: a test binding them itself would race it), a 400m pod on each other node.
   */
  private async setUpRebalanceWorkloads(): Promise<void> {
    await createTierPolicy(this.custom, this.namespace, this.rebalancePool, 'batch', 0);
    const others = this.rebalanceNodes.slice(1);
    await kubectl(['cordon', ...others]);
    for (const name of ['batch-a', 'batch-b', 'batch-c']) {
      const body = workloadDeployment({ name, tier: 'batch', cpu: '1000m' });
      await this.apps.createNamespacedDeployment({ namespace: this.namespace, body });
    }
    await eventually(
      'the batch pods Running on node 0',
      async () => {
        const batch = (await this.pods()).filter((p) => p.app.startsWith('batch-') && p.running);
        return batch.length === 3 && batch.every((p) => p.node === this.rebalanceNodes[0]) ? true : undefined;
      },
      60_000,
      500,
    );
    await kubectl(['uncordon', ...others]);
    for (const node of this.rebalanceNodes.slice(1)) {
      await this.core.createNamespacedPod({
        namespace: this.namespace,
        body: {
          metadata: {
            name: `base-${node}`,
            labels: { app: 'base' },
            annotations: { 'kwok.x-k8s.io/usage-cpu': '400m', 'kwok.x-k8s.io/usage-memory': '64Mi' },
          },
          spec: {
            nodeName: node,
            terminationGracePeriodSeconds: 0,
            containers: [
              { name: 'main', image: 'registry.invalid/app', resources: { requests: { cpu: '100m' } } },
            ],
          },
        },
      });
    }
  }

  private async createPool(name: string, spec: Record<string, unknown>): Promise<void> {
    await this.custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'ResourcePool',
        metadata: { name },
        spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': name } }, ...spec },
      },
    });
  }
}
