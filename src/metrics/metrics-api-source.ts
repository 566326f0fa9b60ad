/**
 * The metrics.k8s.io source (metrics-server or any other implementation of the resource metrics API):
 * node and pod cpu and memory, two list requests per collection. The thin I/O shell around
 * metrics-api-parser.ts.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Metrics } from '@kubernetes/client-node';
import { parseNodeMetricsList, parsePodMetricsList } from './metrics-api-parser.js';
import type { MetricsCollection, MetricsSource } from './metrics-source.js';
import { withTimeout } from './with-timeout.js';

export interface MetricsApiSourceOptions {
  /** Also list pod metrics (per-pod usage lets the planner know what an eviction frees). Default true. */
  pods?: boolean;
  /** Per request; the client has no timeout of its own. Default 10 s. */
  timeoutMs?: number;
}

export class MetricsApiSource implements MetricsSource {
  readonly name = 'metrics.k8s.io';
  readonly resources = ['cpu', 'memory'] as const;
  private readonly metrics: Metrics;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: MetricsApiSourceOptions = {},
  ) {
    this.metrics = new Metrics(kubeConfig);
  }

  /** Rejects when the node list cannot be read (the API is down or not registered). */
  async collect(signal?: AbortSignal): Promise<MetricsCollection> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const nodes = parseNodeMetricsList(await withTimeout(this.metrics.getNodeMetrics(), timeoutMs, signal));
    const collection: MetricsCollection = {
      source: this.name,
      nodes: nodes.samples,
      pods: [],
      problems: [...nodes.problems],
    };
    if (this.options.pods === false) return collection;
    try {
      const pods = parsePodMetricsList(await withTimeout(this.metrics.getPodMetrics(), timeoutMs, signal));
      collection.pods = pods.samples;
      collection.problems.push(...pods.problems);
    } catch (error) {
      collection.problems.push({ message: `pod metrics: ${(error as Error).message}` });
    }
    return collection;
  }
}
