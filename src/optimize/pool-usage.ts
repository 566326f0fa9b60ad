/**
 * Measured usage per pool: one node `UsageStore` and one pod `UsageStore` for every pool that is measured,
 * each with that pool's own smoothing window and staleness threshold (three of its intervals), so a pool
 * measured every 15 s and one measured every minute each judge staleness by their own clock.
 *
 * Pure: a collection comes in, views go out; time is passed in. A node's samples go to the store of the pool
 * that owns it, a pod's to the pool of the node it is bound to; anything else is dropped, so the stores hold
 * no more than the pools' own nodes and pods. A pool that forecasts (`spec.optimization.forecast` not None)
 * also has a `UsageForecaster` learning its nodes' samples; it forgets nodes that left the pool or the cluster.
 */
import type { ResourceVector } from '../model/resources.js';
import type { ForecastMethod } from './smoothing-model.js';
import { UsageForecaster } from './usage-forecaster.js';
import {
  UsageStore,
  staleAfterIntervals,
  type MetricsCollection,
  type Smoothing,
  type UsageSample,
  type UsageView,
} from '../metrics/index.js';

/** How one pool's samples are smoothed and when they count as stale. */
export interface PoolUsageSettings {
  windowMs: number;
  intervalMs: number;
  /** The pool's forecast model and its step (forecastStepMs), when it forecasts. */
  forecast?: { method: ForecastMethod; stepMs: number };
}

/** Where samples belong: the pool of a node, and the node of a pod. */
export interface SampleRouting {
  poolOfNode(node: string): string | undefined;
  nodeOfPod(podKey: string): string | undefined;
}

/** What the planner reads for one pool at one instant. */
export interface PoolUsageView {
  /** Node usage, with the nodes that have no fresh reading (they stop the plan). */
  nodes: UsageView;
  /** Fresh pod usage only: what evicting each pod frees. Pods without it count by their requests. */
  pods: Map<string, ResourceVector>;
}

interface PoolStores {
  settings: PoolUsageSettings;
  nodes: UsageStore;
  pods: UsageStore;
  forecaster?: UsageForecaster;
}

export class PoolUsage {
  private readonly pools = new Map<string, PoolStores>();

  constructor(private readonly smoothing: Smoothing = { kind: 'mean' }) {}

  /**
   * Keeps a store pair for exactly the pools in `wanted`. A pool whose window or interval changed starts
   * afresh (its old samples were smoothed and aged by other rules); pools no longer wanted are forgotten.
   * A changed forecast model or step starts the forecaster afresh and keeps the usage stores.
   */
  configure(wanted: ReadonlyMap<string, PoolUsageSettings>): void {
    for (const name of [...this.pools.keys()]) if (!wanted.has(name)) this.pools.delete(name);
    for (const [name, settings] of wanted) {
      const current = this.pools.get(name);
      if (current && sameSettings(current.settings, settings)) {
        if (!sameForecast(current.settings, settings)) {
          current.settings = settings;
          setForecaster(current, settings);
        }
        continue;
      }
      const options = {
        windowMs: settings.windowMs,
        staleAfterMs: staleAfterIntervals(settings.intervalMs),
        smoothing: this.smoothing,
      };
      const stores: PoolStores = {
        settings,
        nodes: new UsageStore(options),
        pods: new UsageStore(options),
      };
      setForecaster(stores, settings);
      this.pools.set(name, stores);
    }
  }

  /** The forecaster of `pool`, when it forecasts. */
  forecaster(pool: string): UsageForecaster | undefined {
    return this.pools.get(pool)?.forecaster;
  }

  /** The pools with stores, by name. */
  get poolNames(): string[] {
    return [...this.pools.keys()];
  }

  /** Files each sample of `collection` under its pool; samples of nodes outside every pool are dropped. */
  record(collection: MetricsCollection, routing: SampleRouting): void {
    this.route(collection.nodes, (key) => routing.poolOfNode(key), 'nodes');
    this.route(
      collection.pods,
      (key) => {
        const node = routing.nodeOfPod(key);
        return node === undefined ? undefined : routing.poolOfNode(node);
      },
      'pods',
    );
  }

  /**
   * Forgets nodes and pods that no longer exist, so the stores do not grow forever; a forecaster also forgets
   * nodes that `poolOfNode` no longer places in its pool.
   */
  retain(
    nodeExists: (node: string) => boolean,
    podExists: (podKey: string) => boolean,
    poolOfNode?: (node: string) => string | undefined,
  ): void {
    for (const [pool, stores] of this.pools) {
      stores.nodes.retain(nodeExists);
      stores.pods.retain(podExists);
      stores.forecaster?.retain(
        (node) => nodeExists(node) && (poolOfNode === undefined || poolOfNode(node) === pool),
      );
    }
  }

  /**
   * Usage of `pool` at `now`: nodes as `UsageStore.view` reads them (requests for what is not measured; a
   * node without samples and without pods is idle), pods fresh only. Undefined for a pool without stores.
   */
  view(
    pool: string,
    input: {
      members: readonly string[];
      pods: Iterable<string>;
      now: number;
      nodeRequests: (node: string) => ResourceVector;
      nodeIdle: (node: string) => boolean;
      podRequests: (podKey: string) => ResourceVector;
    },
  ): PoolUsageView | undefined {
    const stores = this.pools.get(pool);
    if (!stores) return undefined;
    const nodes = stores.nodes.view(input.members, input.now, input.nodeRequests, input.nodeIdle);
    const pods = stores.pods.view(input.pods, input.now, input.podRequests).usage;
    return { nodes, pods };
  }

  /** The part of `node`'s smoothed reading in `pool` taken at or before `at` (UsageStore.shareAtOrBefore). */
  shareBefore(pool: string, node: string, at: number): number {
    return this.pools.get(pool)?.nodes.shareAtOrBefore(node, at) ?? 0;
  }

  /** The smoothing window of `pool`, when it is measured. */
  windowMs(pool: string): number | undefined {
    return this.pools.get(pool)?.settings.windowMs;
  }

  private route(
    samples: readonly UsageSample[],
    poolOf: (key: string) => string | undefined,
    kind: 'nodes' | 'pods',
  ): void {
    const byPool = new Map<string, UsageSample[]>();
    for (const sample of samples) {
      const pool = poolOf(sample.key);
      if (pool === undefined || !this.pools.has(pool)) continue;
      const list = byPool.get(pool);
      if (list) list.push(sample);
      else byPool.set(pool, [sample]);
    }
    for (const [pool, list] of byPool) {
      const stores = this.pools.get(pool) as PoolStores;
      stores[kind].record(list);
      if (kind === 'nodes') stores.forecaster?.record(list);
    }
  }
}

function sameSettings(a: PoolUsageSettings, b: PoolUsageSettings): boolean {
  return a.windowMs === b.windowMs && a.intervalMs === b.intervalMs;
}

function sameForecast(a: PoolUsageSettings, b: PoolUsageSettings): boolean {
  return a.forecast?.method === b.forecast?.method && a.forecast?.stepMs === b.forecast?.stepMs;
}

function setForecaster(stores: PoolStores, settings: PoolUsageSettings): void {
  if (settings.forecast) stores.forecaster = new UsageForecaster(settings.forecast);
  else delete stores.forecaster;
}
