/**
 * A node_exporter stand-in for the rebalancing scenario, served by the test process on 127.0.0.1. For each
 * node it is given it publishes the series the default Prometheus queries read, labelled `node`:
 * `node_cpu_seconds_total` (modes user and idle of one 8-core figure) and `node_memory_*`. The usage behind
 * them is what the scenario intends: the sum of the `kwok.x-k8s.io/usage-cpu` / `-memory` annotations of the
 * Running pods bound to the node, re-read from the API server every second, so a moved pod takes its usage
 * with it, as it does for kwok and metrics-server in the metrics.k8s.io scenario; plus, when given, a usage
 * trace of the test's own (`extraCpu`), so a test can make usage rise over time without pods.
 *
 * The cpu counters are integrated over time (usage × elapsed seconds), never recomputed from the current
 * rate: a counter that went down when a pod left would read as a counter reset to rate(). They keep
 * growing while the HTTP endpoint is stopped, like a host's counters while its exporter is down.
 */
import * as k8s from '@kubernetes/client-node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMillicores, parseUnits } from '../../../src/model/quantity.js';

const CORES = 8;
const MEMORY = 32 * 2 ** 30;
const REFRESH_MS = 1_000;

export interface NodeUsage {
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
}

export class UsageExporter {
  private readonly core: k8s.CoreV1Api;
  private readonly usage = new Map<string, NodeUsage>();
  private readonly busySeconds = new Map<string, number>();
  private readonly idleSeconds = new Map<string, number>();
  private advancedAt = Date.now();
  private server: Server | undefined;
  private port = 0;
  private readonly stopped = new AbortController();
  private refreshing: Promise<void> | undefined;

  constructor(
    kc: k8s.KubeConfig,
    private readonly nodes: readonly string[],
    /** Cpu (millicores) a node uses besides its pods' annotations, read at every refresh (a usage trace). */
    private readonly extraCpu: (node: string) => number = () => 0,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    for (const node of nodes) {
      this.usage.set(node, { cpu: 0, memory: 0 });
      this.busySeconds.set(node, 0);
      this.idleSeconds.set(node, 0);
    }
  }

  /** `127.0.0.1:<port>`, the scrape target (the same across stop and serve). */
  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The usage each node is published with now. */
  current(): Map<string, NodeUsage> {
    return new Map([...this.usage].map(([node, u]) => [node, { ...u }]));
  }

  /** Reads the pods once, then keeps re-reading them every second until `close`. */
  async start(): Promise<void> {
    await this.refresh();
    this.refreshing = this.refreshLoop();
  }

  /** Serves /metrics on 127.0.0.1 (the port of the previous `serve`, if any, so Prometheus finds it again). */
  async serve(): Promise<void> {
    if (this.server) return;
    const server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(this.exposition());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops serving: Prometheus's next scrape fails and it marks the series stale. */
  async unserve(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Stops serving and stops reading pods. */
  async close(): Promise<void> {
    this.stopped.abort();
    await this.unserve();
    await this.refreshing;
  }

  private async refreshLoop(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, REFRESH_MS);
        this.stopped.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), {
          once: true,
        });
      });
      if (this.stopped.signal.aborted) return;
      // A failed read keeps the last usage: the API server being slow must not look like idle nodes.
      await this.refresh().catch(() => undefined);
    }
  }

  private async refresh(): Promise<void> {
    const pods = (await this.core.listPodForAllNamespaces()).items;
    const next = new Map<string, NodeUsage>(this.nodes.map((n) => [n, { cpu: 0, memory: 0 }]));
    for (const pod of pods) {
      const sum = next.get(pod.spec?.nodeName ?? '');
      if (!sum || pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp) continue;
      const annotations = pod.metadata?.annotations ?? {};
      sum.cpu += parseMillicores(annotations['kwok.x-k8s.io/usage-cpu'] ?? '1m');
      sum.memory += parseUnits(annotations['kwok.x-k8s.io/usage-memory'] ?? '1Mi');
    }
    for (const [node, sum] of next) sum.cpu += this.extraCpu(node);
    // The counters run at the old usage up to this instant, then at the new one.
    this.advance();
    for (const [node, u] of next) this.usage.set(node, u);
  }

  private advance(): void {
    const now = Date.now();
    const seconds = (now - this.advancedAt) / 1000;
    this.advancedAt = now;
    for (const [node, u] of this.usage) {
      const busy = Math.min(u.cpu / 1000, CORES);
      this.busySeconds.set(node, (this.busySeconds.get(node) ?? 0) + busy * seconds);
      this.idleSeconds.set(node, (this.idleSeconds.get(node) ?? 0) + (CORES - busy) * seconds);
    }
  }

  private exposition(): string {
    this.advance();
    const series = (node: string, extra = '') => `{node="${node}"${extra}}`;
    // The text format wants each metric family's samples together, after its TYPE line.
    const lines = ['# TYPE node_cpu_seconds_total counter'];
    for (const node of this.usage.keys()) {
      lines.push(
        `node_cpu_seconds_total${series(node, ',cpu="0",mode="user"')} ${this.busySeconds.get(node) ?? 0}`,
        `node_cpu_seconds_total${series(node, ',cpu="0",mode="idle"')} ${this.idleSeconds.get(node) ?? 0}`,
      );
    }
    lines.push('# TYPE node_memory_MemTotal_bytes gauge');
    for (const node of this.usage.keys()) lines.push(`node_memory_MemTotal_bytes${series(node)} ${MEMORY}`);
    lines.push('# TYPE node_memory_MemAvailable_bytes gauge');
    for (const [node, u] of this.usage)
      lines.push(`node_memory_MemAvailable_bytes${series(node)} ${MEMORY - u.memory}`);
    return `${lines.join('\n')}\n`;
  }
}
