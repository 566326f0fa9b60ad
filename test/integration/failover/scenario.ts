/**
 * The failover scenario on the real control plane, shared by the end-to-end test and the `failover-e2e`
 * benchmark: N kwok nodes of one pool of their own, each with its own loopback probe address (InternalIP
 * 127.1.x.y) served by a TCP listener this process controls, and a workload of three kinds:
 *   web  Deployment, WorkloadPolicy failover Reschedule, priority 500   (80 % of the pods)
 *   db   StatefulSet, failover Reschedule, priority 900                  (1 %, at least 3)
 *   jobs Deployment, failover None                                        (the rest)
 * Pods name `schedulerName: fulcrum` (or the default scheduler when asked), so Fulcrum places them.
 *
 * Everything it creates carries its own names and pool label, and `cleanup` deletes it all: other suites on
 * the same cluster are not disturbed. Only 127.0.0.0/8 is ever listened on or connected to.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { createTestNamespace, eventually, kubectl } from '../support/cluster.js';

export interface ScenarioOptions {
  kc: k8s.KubeConfig;
  /** Names everything: nodes `<prefix>-<i>`, pool and namespace `<prefix>...`. */
  prefix: string;
  nodes: number;
  pods: number;
  /** Third octet of the first node's InternalIP (127.1.<ipBlock>.1); 250 nodes per block. */
  ipBlock: number;
  port: number;
  failoverMode: 'Enforce' | 'DryRun' | 'Off';
  probePeriod?: string;
  probeTimeout?: string;
  /** The pool's failover.safeTime (default: the API's, 5m). */
  safeTime?: string;
  /** 'fulcrum' (default) or 'default-scheduler'. */
  schedulerName?: string;
}

export interface PodView {
  uid: string;
  name: string;
  app: string;
  node: string | undefined;
  phase: string | undefined;
  deleting: boolean;
}

export class FailoverScenario {
  readonly pool: string;
  readonly nodeNames: string[];
  private readonly listeners = new Map<string, Server>();
  private readonly sockets = new Set<Socket>();
  private readonly core: k8s.CoreV1Api;
  private readonly apps: k8s.AppsV1Api;
  private readonly custom: k8s.CustomObjectsApi;
  namespace = '';
  private removeNamespace: (() => Promise<void>) | undefined;
  readonly counts: { web: number; db: number; jobs: number };

  constructor(readonly options: ScenarioOptions) {
    this.pool = options.prefix;
    this.nodeNames = Array.from({ length: options.nodes }, (_, i) => `${options.prefix}-${i}`);
    this.core = options.kc.makeApiClient(k8s.CoreV1Api);
    this.apps = options.kc.makeApiClient(k8s.AppsV1Api);
    this.custom = options.kc.makeApiClient(k8s.CustomObjectsApi);
    const db = Math.max(3, Math.round(options.pods * 0.01));
    const web = Math.round(options.pods * 0.8);
    this.counts = { web, db, jobs: options.pods - web - db };
  }

  /** The node's probe address (its InternalIP). */
  address(i: number): string {
    return `127.1.${this.options.ipBlock + Math.floor(i / 250)}.${1 + (i % 250)}`;
  }

  addressOf(node: string): string {
    return this.address(this.nodeNames.indexOf(node));
  }

  /** Listeners, nodes (Ready), pool, namespace, policies, workloads (all Running). */
  async setUp(): Promise<void> {
    for (const name of this.nodeNames) await this.startListener(name);
    await this.createNodes();
    await this.createPool();
    const ns = await createTestNamespace(this.options.kc, this.options.prefix);
    this.namespace = ns.name;
    this.removeNamespace = ns.remove;
    await this.createPolicies();
    await this.createWorkloads();
    await this.waitAllRunning('initial rollout', 300_000);
  }

  /** Deletes everything the scenario made; stops the listeners. */
  async cleanup(): Promise<void> {
    for (const name of [...this.listeners.keys()]) await this.stopListener(name);
    await this.removeNamespace?.();
    await kubectl(['delete', 'nodes', '-l', `fulcrum.io/pool=${this.pool}`, '--wait=false']).catch(
      () => undefined,
    );
    await this.custom
      .deleteClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: RESOURCE_POOL_PLURAL,
        name: this.pool,
      })
      .catch(() => undefined);
  }

  async startListener(node: string): Promise<void> {
    if (this.listeners.has(node)) return;
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.addressOf(node), () => resolve());
    });
    this.listeners.set(node, server);
  }

  /** The node's host stops answering: new connections are refused from now on. */
  async stopListener(node: string): Promise<void> {
    const server = this.listeners.get(node);
    if (!server) return;
    this.listeners.delete(node);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The node dies: its listener stops and kwok stops renewing its Lease (see test/cluster/kill-node.sh). */
  async kill(node: string): Promise<void> {
    await this.stopListener(node);
    await clusterScript('kill-node.sh', [node]);
  }

  /** The node comes back: listener first, then its Lease (waits until Ready). */
  async revive(node: string): Promise<void> {
    await this.startListener(node);
    await clusterScript('revive-node.sh', [node]);
  }

  async pods(): Promise<PodView[]> {
    const list = await this.core.listNamespacedPod({ namespace: this.namespace });
    return list.items.map((p) => ({
      uid: p.metadata?.uid ?? '',
      name: p.metadata?.name ?? '',
      app: p.metadata?.labels?.app ?? '',
      node: p.spec?.nodeName,
      phase: p.status?.phase,
      deleting: p.metadata?.deletionTimestamp !== undefined && p.metadata?.deletionTimestamp !== null,
    }));
  }

  /** Every workload has all its pods Running, none on `avoid`; resolves with the pods. */
  async waitAllRunning(
    what: string,
    timeoutMs: number,
    avoid?: string,
    intervalMs = 200,
  ): Promise<PodView[]> {
    const total = this.counts.web + this.counts.db + this.counts.jobs;
    return eventually(
      what,
      async () => {
        const pods = await this.pods();
        const running = pods.filter((p) => p.phase === 'Running' && !p.deleting);
        const moved = avoid === undefined || running.every((p) => p.node !== avoid || p.app === 'jobs');
        const reschedulable = running.filter((p) => p.app !== 'jobs').length;
        const want = this.counts.web + this.counts.db;
        // The None pods of a dead node stay as they were (counted as they are).
        return running.length >= total && reschedulable === want && moved ? pods : undefined;
      },
      timeoutMs,
      intervalMs,
    );
  }

  /** All `count` pods of `app` Running (not terminating), none on `avoid`; resolves with every pod. */
  async waitAppRunning(
    app: 'web' | 'db' | 'jobs',
    what: string,
    timeoutMs: number,
    avoid: string,
    intervalMs = 100,
  ): Promise<PodView[]> {
    return eventually(
      what,
      async () => {
        const pods = await this.pods();
        const running = pods.filter((p) => p.app === app && p.phase === 'Running' && !p.deleting);
        return running.length === this.counts[app] && running.every((p) => p.node !== avoid)
          ? pods
          : undefined;
      },
      timeoutMs,
      intervalMs,
    );
  }

  /** A node holding at least one pod of each workload; `exclude` lists nodes not to pick. */
  async victim(exclude: readonly string[] = []): Promise<string> {
    const pods = await this.pods();
    const apps = new Map<string, Set<string>>();
    for (const p of pods)
      if (p.node) (apps.get(p.node) ?? apps.set(p.node, new Set()).get(p.node)!).add(p.app);
    const node = this.nodeNames.find((n) => !exclude.includes(n) && apps.get(n)?.size === 3);
    if (!node) throw new Error('no node holds pods of all three workloads');
    return node;
  }

  async poolStatus(): Promise<PoolStatusView> {
    const object = (await this.custom.getClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name: this.pool,
    })) as { status?: PoolStatusView };
    return object.status ?? {};
  }

  async node(name: string): Promise<k8s.V1Node> {
    return this.core.readNode({ name });
  }

  /** The renewTime of the node's Lease in kube-node-lease, in ms since the epoch: its kubelet's last sign of life. */
  async leaseRenewTime(node: string): Promise<number> {
    const coordination = this.options.kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.readNamespacedLease({ name: node, namespace: 'kube-node-lease' });
    const renew = lease.spec?.renewTime;
    if (!renew) throw new Error(`the Lease of ${node} has no renewTime`);
    return new Date(renew as unknown as string).getTime();
  }

  private async createNodes(): Promise<void> {
    // add-node.sh is the one definition of a kwok node; render it once and create all nodes in one call.
    const template = await clusterScript('add-node.sh', [
      'NODE_NAME',
      '--ip',
      '127.1.255.254',
      '--labels',
      `fulcrum.io/pool=${this.pool}`,
      '--dry-run',
    ]);
    const manifests = this.nodeNames.map((name, i) =>
      template.replaceAll('NODE_NAME', name).replaceAll('127.1.255.254', this.address(i)),
    );
    await kubectl(['create', '-f', '-'], manifests.join('\n---\n'));
    await kubectl([
      'wait',
      '--for=condition=Ready',
      'node',
      '-l',
      `fulcrum.io/pool=${this.pool}`,
      '--timeout=180s',
    ]);
  }

  private async createPool(): Promise<void> {
    const { probePeriod = '500ms', probeTimeout = '250ms' } = this.options;
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
          failover: {
            mode: this.options.failoverMode,
            probe: {
              type: 'TCP',
              port: this.options.port,
              period: probePeriod,
              timeout: probeTimeout,
              failureThreshold: 3,
              successThreshold: 2,
            },
            fencing: 'OutOfServiceTaint',
            maxUnhealthy: '30%',
            ...(this.options.safeTime !== undefined ? { safeTime: this.options.safeTime } : {}),
          },
        },
      },
    });
  }

  private async createPolicies(): Promise<void> {
    const policies: Array<[string, number, 'Reschedule' | 'None']> = [
      ['web', 500, 'Reschedule'],
      ['db', 900, 'Reschedule'],
      ['jobs', 100, 'None'],
    ];
    for (const [app, priority, failover] of policies) {
      await this.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'workloadpolicies',
        namespace: this.namespace,
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'WorkloadPolicy',
          metadata: { name: app },
          spec: { selector: { matchLabels: { app } }, pool: this.pool, priority, failover },
        },
      });
    }
  }

  private podTemplate(app: string): k8s.V1PodTemplateSpec {
    return {
      metadata: { labels: { app } },
      spec: {
        schedulerName: this.options.schedulerName ?? 'fulcrum',
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'app',
            image: 'registry.invalid/app',
            resources: { requests: { cpu: '50m', memory: '64Mi' } },
          },
        ],
      },
    };
  }

  private async createWorkloads(): Promise<void> {
    const namespace = this.namespace;
    for (const app of ['web', 'jobs'] as const) {
      await this.apps.createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name: app },
          spec: {
            replicas: this.counts[app],
            selector: { matchLabels: { app } },
            template: this.podTemplate(app),
          },
        },
      });
    }
    await this.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' } } },
    });
    await this.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: this.counts.db,
          serviceName: 'db',
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: { app: 'db' } },
          template: this.podTemplate('db'),
        },
      },
    });
  }
}

/** The repository root, found from this file whether it runs as TypeScript (jest) or from dist/ (bench). */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'test/cluster/up.sh'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** Runs a script of test/cluster against the cluster named by the environment; returns its stdout. */
export async function clusterScript(script: string, args: string[] = []): Promise<string> {
  const path = resolve(repositoryRoot(), 'test/cluster', script);
  const { stdout } = await promisify(execFile)('bash', [path, ...args], {
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

export interface PoolStatusView {
  conditions?: Array<{ type: string; status: string; reason: string; message?: string }>;
  nodes?: { total?: number; ready?: number; unhealthy?: number; fenced?: number };
  failover?: {
    failedNodes?: Array<{ name: string; since: string; phase?: string; podsAwaitingConfirmedDown?: number }>;
    lastFailover?: {
      node: string;
      detectedAt?: string;
      fencedAt?: string;
      completedAt?: string;
      podsRescheduled?: number;
      durationMs?: number;
      releasedAt?: string;
      confirmedBy?: string;
    };
  };
}

export function condition(status: PoolStatusView, type: string) {
  return status.conditions?.find((c) => c.type === type);
}

/** A random free-looking high port for the probe listeners of one run. */
export function probePort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}
