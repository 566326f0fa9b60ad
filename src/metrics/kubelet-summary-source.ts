/**
 * The kubelet summary source: `/api/v1/nodes/<node>/proxy/stats/summary` for each node of interest, through
 * the API server's node proxy (no direct connection to kubelets), a bounded number at a time. Measures cpu,
 * memory, ephemeral storage (node filesystem used) and network (bits/s from the byte counters of two
 * consecutive collections, the larger of receive and transmit: links are full duplex).
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { CounterRates } from './counter-rate.js';
import { parseKubeletSummary, type SummaryReading } from './kubelet-summary-parser.js';
import type { MetricsCollection, MetricsSource, UsageSample } from './metrics-source.js';
import { withTimeout } from './with-timeout.js';

export interface KubeletSummarySourceOptions {
  /** The nodes to read, asked at every collection (the controller passes its pools' members). */
  nodes: () => Iterable<string>;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

export class KubeletSummarySource implements MetricsSource {
  readonly name = 'kubelet-summary';
  readonly resources = ['cpu', 'memory', 'ephemeralStorage', 'network'] as const;
  private readonly core: CoreV1Api;
  private readonly rx = new CounterRates();
  private readonly tx = new CounterRates();

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: KubeletSummarySourceOptions,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Never rejects: each node that cannot be read is a problem in the result. */
  async collect(signal?: AbortSignal): Promise<MetricsCollection> {
    const names = [...this.options.nodes()];
    const collection: MetricsCollection = { source: this.name, nodes: [], pods: [], problems: [] };
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length && !signal?.aborted) {
        const node = names[next++] as string;
        try {
          const text = await withTimeout(
            this.core.connectGetNodeProxyWithPath({ name: node, path: 'stats/summary' }),
            timeoutMs,
            signal,
          );
          const summary = parseKubeletSummary(typeof text === 'string' ? JSON.parse(text) : text);
          collection.nodes.push(this.sample(summary.node));
          for (const pod of summary.pods) collection.pods.push(this.sample(pod));
        } catch (error) {
          collection.problems.push({ key: node, message: describe(error) });
        }
      }
    };
    const workers = Math.max(1, Math.min(this.options.concurrency ?? 8, names.length));
    await Promise.all(Array.from({ length: workers }, worker));
    const known = new Set([...collection.nodes, ...collection.pods].map((s) => s.key));
    this.rx.retain((key) => known.has(key));
    this.tx.retain((key) => known.has(key));
    return collection;
  }

  /** A usage sample, with network in bits/s once two readings of the counters exist. */
  private sample(reading: SummaryReading): UsageSample {
    const usage = { ...reading.usage };
    const network = reading.network;
    if (network !== undefined) {
      const rx = this.rx.update(reading.key, network.time, network.rxBytes);
      const tx = this.tx.update(reading.key, network.time, network.txBytes);
      if (rx !== undefined && tx !== undefined) usage.network = Math.max(rx, tx) * 8;
    }
    return { key: reading.key, time: reading.time, usage };
  }
}

/** The API server's message when there is one ("address not allowed"), else the error's. */
function describe(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string };
  if (typeof e.body === 'string' && e.body !== '') {
    try {
      const status = JSON.parse(e.body) as { message?: string };
      if (status.message) return `HTTP ${e.code}: ${status.message}`;
    } catch {
      return `HTTP ${e.code}: ${e.body.slice(0, 200)}`;
    }
  }
  return e.message ?? String(error);
}
