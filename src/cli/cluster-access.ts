/**
 * How the read-only commands (`status`, `explain`) reach a cluster: the kubeconfig given, else KUBECONFIG or
 * ~/.kube/config as kubectl finds it (so `kubectl fulcrum` talks to kubectl's cluster), else in-cluster.
 */
import { KubeConfig, Metrics } from '@kubernetes/client-node';
import { parseNodeMetricsList } from '../metrics/metrics-api-parser.js';
import { withTimeout } from '../metrics/with-timeout.js';
import type { NodeUsage } from '../status/status-view.js';

export function loadKubeConfig(path: string | undefined, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path !== undefined) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (context !== undefined) kc.setCurrentContext(context);
  return kc;
}

/** One reading of node usage from metrics.k8s.io, or none (and why) when the API is not there. */
export async function readNodeUsage(kc: KubeConfig): Promise<{ usage: NodeUsage; source: string }> {
  try {
    const parsed = parseNodeMetricsList(await withTimeout(new Metrics(kc).getNodeMetrics(), 5_000));
    const usage = new Map(parsed.samples.map((s) => [s.key, { cpu: s.usage.cpu, memory: s.usage.memory }]));
    return { usage, source: `metrics.k8s.io (${usage.size} nodes)` };
  } catch (error) {
    const message = (error as { message?: string }).message ?? String(error);
    return { usage: new Map(), source: `none: metrics.k8s.io unavailable (${message.split('\n')[0]})` };
  }
}
