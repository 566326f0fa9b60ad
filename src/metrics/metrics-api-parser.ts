/**
 * Reads metrics.k8s.io/v1beta1 NodeMetricsList and PodMetricsList documents into usage samples (cpu in
 * millicores, memory in bytes). Pure; an item that cannot be read becomes a problem, never an exception.
 */
import { parseQuantity, parseUnits } from '../model/quantity.js';
import type { PartialUsage, SourceProblem, UsageSample } from './metrics-source.js';

export interface ParsedSamples {
  samples: UsageSample[];
  problems: SourceProblem[];
}

interface MetricsItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  usage?: Record<string, string>;
  containers?: Array<{ usage?: Record<string, string> }>;
}

/** Node usage from a NodeMetricsList: one sample per node, timestamped when metrics-server scraped it. */
export function parseNodeMetricsList(document: unknown): ParsedSamples {
  return parseItems(document, 'NodeMetricsList', (item) => {
    const name = item.metadata?.name;
    if (!name) throw new Error('item without metadata.name');
    return { key: name, usage: usageOf(item.usage ?? {}) };
  });
}

/** Pod usage from a PodMetricsList: the sum over the pod's containers, keyed `namespace/name`. */
export function parsePodMetricsList(document: unknown): ParsedSamples {
  return parseItems(document, 'PodMetricsList', (item) => {
    const name = item.metadata?.name;
    const namespace = item.metadata?.namespace;
    if (!name || !namespace) throw new Error('item without metadata.name or metadata.namespace');
    const usage: PartialUsage = { cpu: 0, memory: 0 };
    for (const container of item.containers ?? []) {
      const one = usageOf(container.usage ?? {});
      usage.cpu = (usage.cpu as number) + (one.cpu ?? 0);
      usage.memory = (usage.memory as number) + (one.memory ?? 0);
    }
    return { key: `${namespace}/${name}`, usage };
  });
}

function parseItems(
  document: unknown,
  kind: string,
  read: (item: MetricsItem) => { key: string; usage: PartialUsage },
): ParsedSamples {
  const items = (document as { kind?: string; items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new Error(`not a ${kind}: no items array`);
  const samples: UsageSample[] = [];
  const problems: SourceProblem[] = [];
  for (const raw of items as MetricsItem[]) {
    const key = raw.metadata?.namespace
      ? `${raw.metadata.namespace}/${raw.metadata.name}`
      : raw.metadata?.name;
    try {
      const time = Date.parse(raw.timestamp ?? '');
      if (!Number.isFinite(time)) throw new Error(`bad timestamp ${JSON.stringify(raw.timestamp)}`);
      samples.push({ time, ...read(raw) });
    } catch (error) {
      problems.push({ ...(key ? { key } : {}), message: (error as Error).message });
    }
  }
  return { samples, problems };
}

/** cpu and memory of a usage map; cpu is kept fractional (metrics report nanocores). */
function usageOf(usage: Record<string, string>): PartialUsage {
  const out: PartialUsage = {};
  if (usage.cpu !== undefined) out.cpu = parseQuantity(usage.cpu) * 1000;
  if (usage.memory !== undefined) out.memory = parseUnits(usage.memory);
  return out;
}
