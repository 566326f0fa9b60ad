/**
 * The Prometheus source: one instant query per resource against the HTTP API (`GET /api/v1/query`),
 * merged into one sample per node. A resource whose query fails is a problem and is simply absent from the
 * samples (it falls back to requests downstream); the collection rejects only when every query failed.
 */
import type { CeilingResource } from '../model/resources.js';
import { parsePrometheusVector } from './prometheus-parser.js';
import {
  DEFAULT_NODE_LABEL,
  DEFAULT_PROMETHEUS_QUERIES,
  PROMETHEUS_UNIT_SCALE,
} from './prometheus-queries.js';
import type { MetricsCollection, MetricsSource, UsageSample } from './metrics-source.js';

export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus server, e.g. http://prometheus.monitoring:9090. */
  url: string;
  /** Per-resource PromQL; missing resources use DEFAULT_PROMETHEUS_QUERIES, `null` disables one. */
  queries?: Partial<Record<CeilingResource, string | null>>;
  /** The label naming the node in every result series. Default `node`. */
  nodeLabel?: string;
  /** Per query. Default 10 s. */
  timeoutMs?: number;
  /** For tests: the fetch to use. Default the global fetch. */
  fetch?: typeof fetch;
}

export class PrometheusSource implements MetricsSource {
  readonly name = 'prometheus';
  readonly resources: readonly CeilingResource[];
  private readonly queries: Array<[CeilingResource, string]>;

  constructor(private readonly options: PrometheusSourceOptions) {
    const merged: Partial<Record<CeilingResource, string | null>> = {
      ...DEFAULT_PROMETHEUS_QUERIES,
      ...options.queries,
    };
    this.queries = (Object.keys(DEFAULT_PROMETHEUS_QUERIES) as CeilingResource[]).flatMap((resource) => {
      const query = merged[resource];
      return typeof query === 'string' && query.trim() !== ''
        ? [[resource, query] as [CeilingResource, string]]
        : [];
    });
    this.resources = this.queries.map(([resource]) => resource);
  }

  async collect(signal?: AbortSignal): Promise<MetricsCollection> {
    const label = this.options.nodeLabel ?? DEFAULT_NODE_LABEL;
    const byNode = new Map<string, UsageSample>();
    const collection: MetricsCollection = { source: this.name, nodes: [], pods: [], problems: [] };
    let failed = 0;
    await Promise.all(
      this.queries.map(async ([resource, query]) => {
        try {
          const parsed = parsePrometheusVector(await this.query(query, signal), (labels) => labels[label]);
          for (const problem of parsed.problems)
            collection.problems.push({ ...problem, message: `${resource}: ${problem.message}` });
          for (const { key, time, value } of parsed.values) {
            let sample = byNode.get(key);
            if (sample === undefined) {
              sample = { key, time, usage: {} };
              byNode.set(key, sample);
            }
            // One sample per node: the oldest evaluation time of its queries, so age is never understated.
            sample.time = Math.min(sample.time, time);
            sample.usage[resource] = value * PROMETHEUS_UNIT_SCALE[resource];
          }
        } catch (error) {
          failed++;
          collection.problems.push({ message: `${resource}: ${(error as Error).message}` });
        }
      }),
    );
    if (failed > 0 && failed === this.queries.length) {
      throw new Error(
        `prometheus: every query failed: ${collection.problems.map((p) => p.message).join('; ')}`,
      );
    }
    collection.nodes = [...byNode.values()];
    return collection;
  }

  private async query(query: string, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(
      'api/v1/query',
      this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`,
    );
    url.searchParams.set('query', query);
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    const response = await (this.options.fetch ?? fetch)(url, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headers: { accept: 'application/json' },
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok && body === undefined) throw new Error(`HTTP ${response.status}`);
    return body; // an error body names the PromQL problem; the parser reports it
  }
}
