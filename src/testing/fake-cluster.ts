/**
 * A cluster in memory for in-process tests of the controllers: the real informers, model, PoolCache and
 * status writers, fed by `FakeListWatchSource`s (kube/fake-list-watch-source.ts) instead of an API server.
 * Status writes land on the fake source, so the informer delivers them back as the real API server would
 * (a merge of the written fields, not full server-side apply). Events are kept in a list. The integration
 * tests in test/integration/ still check the same controllers against the real API server.
 */
import type {
  CoreV1Api,
  CustomObjectsApi,
  V1Lease,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import type { ControllerDeps } from '../controllers/controller-deps.js';
import { syncModelFromInformers } from '../controllers/caches/model-sync.js';
import { PoolCache } from '../controllers/caches/pool-cache.js';
import { EventRecorder } from '../kube/event-recorder.js';
import { FakeListWatchSource } from '../kube/fake-list-watch-source.js';
import { Informer, waitForCacheSync } from '../kube/informer.js';
import type { ClusterInformers, CustomObject } from '../kube/informers.js';
import { Interner } from '../kube/interner.js';
import { leanNode, type LeanNode } from '../kube/lean-node.js';
import { leanPod, type LeanPod } from '../kube/lean-pod.js';
import type { CachedObject } from '../kube/object-key.js';
import { silentLogger } from '../logging/logger.js';
import { ClusterModel } from '../model/cluster-model.js';

/** One status write a controller sent. */
export interface StatusWrite {
  plural: string;
  name: string;
  namespace?: string;
  fieldManager?: string;
  status: Record<string, unknown>;
}

interface StatusRequest {
  plural: string;
  name: string;
  namespace?: string;
  fieldManager?: string;
  body: { status?: Record<string, unknown> };
}

export class FakeCluster {
  readonly sources = {
    nodes: new FakeListWatchSource<LeanNode>(),
    pods: new FakeListWatchSource<LeanPod>(),
    nodeLeases: new FakeListWatchSource<V1Lease>(),
    podDisruptionBudgets: new FakeListWatchSource<V1PodDisruptionBudget>(),
    resourcePools: new FakeListWatchSource<CustomObject>(),
    workloadPolicies: new FakeListWatchSource<CustomObject>(),
  };
  readonly informers: ClusterInformers;
  readonly model = new ClusterModel();
  readonly pools: PoolCache;
  readonly statusWrites: StatusWrite[] = [];
  /** Reasons of the Events recorded, in order. */
  readonly events: string[] = [];
  /** A status write this returns true for is refused with an error (the API server said no). */
  refuseStatus: (write: StatusWrite) => boolean = () => false;
  private readonly interner = new Interner();
  private readonly stop = new AbortController();

  constructor() {
    const s = this.sources;
    const make = <T extends CachedObject>(name: string, source: FakeListWatchSource<T>): Informer<T> =>
      new Informer<T>({ name, source, resyncPeriodMs: 0 });
    const informers = {
      nodes: make('nodes', s.nodes),
      pods: make('pods', s.pods),
      nodeLeases: make('leases', s.nodeLeases),
      podDisruptionBudgets: make('poddisruptionbudgets', s.podDisruptionBudgets),
      resourcePools: make('resourcepools', s.resourcePools),
      workloadPolicies: make('workloadpolicies', s.workloadPolicies),
    };
    this.informers = { ...informers, all: () => Object.values(informers) as Informer<CachedObject>[] };
    syncModelFromInformers(this.informers, this.model);
    this.pools = new PoolCache(this.informers.resourcePools, this.informers.nodes, this.model);
  }

  /** Starts the informers and waits for their first list. */
  async start(): Promise<void> {
    for (const informer of this.informers.all()) void informer.start(this.stop.signal);
    await waitForCacheSync(this.informers.all(), this.stop.signal);
  }

  /** Stops the informers. */
  shutDown(): void {
    this.stop.abort();
  }

  addNode(node: V1Node): void {
    this.sources.nodes.apply(leanNode(node, this.interner));
  }

  addPod(pod: V1Pod): void {
    this.sources.pods.apply(leanPod(pod, this.interner));
  }

  /** What every controller is built from, over this cluster. */
  deps(): ControllerDeps {
    return {
      informers: this.informers,
      model: this.model,
      pools: this.pools,
      customObjects: this.customObjects(),
      events: new EventRecorder(this.eventsApi(), { instance: 'test' }),
      logger: silentLogger(),
    };
  }

  /** The status (as the informer holds it) of a pool or, with a namespace, of a policy. */
  statusOf(name: string, namespace?: string): Record<string, unknown> | undefined {
    const informer = namespace ? this.informers.workloadPolicies : this.informers.resourcePools;
    return informer.get(namespace ? `${namespace}/${name}` : name)?.status as
      Record<string, unknown> | undefined;
  }

  private customObjects(): CustomObjectsApi {
    const write = (request: StatusRequest): Promise<unknown> => this.writeStatus(request);
    return {
      patchClusterCustomObjectStatus: write,
      patchNamespacedCustomObjectStatus: write,
    } as unknown as CustomObjectsApi;
  }

  private writeStatus(request: StatusRequest): Promise<unknown> {
    const status = request.body.status ?? {};
    const write: StatusWrite = {
      plural: request.plural,
      name: request.name,
      ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
      ...(request.fieldManager !== undefined ? { fieldManager: request.fieldManager } : {}),
      status,
    };
    if (this.refuseStatus(write)) return Promise.reject(new Error(`refused by the test: ${request.name}`));
    this.statusWrites.push(write);
    const source =
      request.plural === 'resourcepools' ? this.sources.resourcePools : this.sources.workloadPolicies;
    const informer =
      request.plural === 'resourcepools' ? this.informers.resourcePools : this.informers.workloadPolicies;
    const key = request.namespace ? `${request.namespace}/${request.name}` : request.name;
    const stored = informer.get(key);
    if (!stored) return Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
    const merged = { ...stored, status: mergeStatus(stored.status as Record<string, unknown>, status) };
    return Promise.resolve(source.apply(merged));
  }

  private eventsApi(): CoreV1Api {
    const record = (request: { body: { reason?: string } }): Promise<unknown> => {
      this.events.push(request.body.reason ?? '');
      return Promise.resolve(request.body);
    };
    return {
      createNamespacedEvent: record,
      patchNamespacedEvent: () => Promise.resolve({}),
    } as unknown as CoreV1Api;
  }
}

/** The written fields replace the stored ones; conditions are merged by type, as their map list is. */
function mergeStatus(
  stored: Record<string, unknown> | undefined,
  written: Record<string, unknown>,
): Record<string, unknown> {
  type Condition = { type: string };
  const before = (stored?.conditions as Condition[] | undefined) ?? [];
  const after = (written.conditions as Condition[] | undefined) ?? [];
  const conditions = [...before.filter((c) => !after.some((a) => a.type === c.type)), ...after];
  return { ...stored, ...written, ...(conditions.length > 0 ? { conditions } : {}) };
}

/** Waits (in real time, polling) until `check` gives something other than undefined or false. */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
