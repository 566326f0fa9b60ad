/**
 * The usage trace `fulcrum simulate --what-if` replays (format in docs/simulate.md): nodes, and workloads whose
 * replicas start on named nodes with a usage per replica that changes over time (straight lines between
 * points). Usage belongs to pods, so a pod that moves takes its usage along, and a node whose pods all left is
 * idle. Pure: the caller reads the file; every error names the file and the field.
 */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { dns1123Subdomain, duration, namespaceName } from '../../api/field-schemas.js';
import { parseDuration } from '../../api/index.js';
import { parseQuantity } from '../../model/quantity.js';
import { SimulationInputError } from '../input-error.js';

export const USAGE_TRACE_KIND = 'UsageTrace';

/** A quantity ("500m", "2", "4Gi") or a percentage ("150%": of the replica's request). */
const amount = z.union([z.number().nonnegative(), z.string().min(1)]);

const UsagePointSchema = z.strictObject({
  at: duration,
  cpu: amount.optional(),
  memory: amount.optional(),
});

const NodeSchema = z.strictObject({
  name: dns1123Subdomain,
  /** Several identical nodes named `<name>-0`, `<name>-1`, ... */
  count: z.int().min(1).max(1000).optional(),
  cpu: amount,
  memory: amount,
});

const WorkloadSchema = z.strictObject({
  name: dns1123Subdomain,
  namespace: namespaceName.default('default'),
  replicas: z.int().min(1).max(10_000),
  /** Nodes the replicas start on, round robin. */
  nodes: z.array(dns1123Subdomain).min(1),
  priority: z.int().default(0),
  requests: z.strictObject({ cpu: amount, memory: amount.optional() }),
  /** Usage per replica over time; a resource left out uses the request. */
  usage: z.array(UsagePointSchema).min(1),
});

const TraceSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.literal(USAGE_TRACE_KIND),
  metadata: z.object({ name: z.string() }).loose().optional(),
  spec: z.strictObject({
    duration: duration,
    /** Time between samples; default: the pool's rebalancing.interval. */
    step: duration.optional(),
    /** Standard deviation of each node's measured cpu, percent of its allocatable (seeded, reproducible). */
    noisePercent: z.number().min(0).max(50).default(0),
    seed: z.int().default(1),
    nodes: z.array(NodeSchema).min(1),
    workloads: z.array(WorkloadSchema).min(1),
  }),
});

export interface TraceNode {
  name: string;
  /** Millicores and bytes. */
  cpu: number;
  memory: number;
}

/** Usage per replica at one time: millicores and bytes. */
export interface TracePoint {
  atMs: number;
  cpu: number;
  memory: number;
}

export interface TraceWorkload {
  name: string;
  namespace: string;
  replicas: number;
  nodes: string[];
  priority: number;
  requests: { cpu: number; memory: number };
  /** Sorted by time. */
  usage: TracePoint[];
}

export interface UsageTrace {
  name: string;
  source: string;
  durationMs: number;
  stepMs?: number;
  noisePercent: number;
  seed: number;
  nodes: TraceNode[];
  workloads: TraceWorkload[];
}

/** Reads one UsageTrace document (YAML or JSON). Throws a SimulationInputError naming `source` and the field. */
export function parseUsageTrace(text: string, source: string): UsageTrace {
  const documents = parseAllDocuments(text, { prettyErrors: false });
  const docs = Array.isArray(documents) ? documents : [];
  if (docs.length !== 1) fail(source, '', `expected one ${USAGE_TRACE_KIND} document, got ${docs.length}`);
  const document = docs[0]!;
  if (document.errors[0]) fail(source, '', `invalid YAML: ${document.errors[0].message}`);
  const parsed = TraceSchema.safeParse(document.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(source, issue.path.map(String).join('.'), issue.message);
  }
  return resolveTrace(parsed.data, source);
}

type ParsedTrace = z.output<typeof TraceSchema>;

function resolveTrace(trace: ParsedTrace, source: string): UsageTrace {
  const { spec } = trace;
  const nodes: TraceNode[] = [];
  spec.nodes.forEach((n, i) => {
    const at = `spec.nodes.${i}`;
    const cpu = quantity(source, `${at}.cpu`, n.cpu) * 1000;
    const memory = quantity(source, `${at}.memory`, n.memory);
    const names =
      n.count === undefined ? [n.name] : Array.from({ length: n.count }, (_, k) => `${n.name}-${k}`);
    for (const name of names) nodes.push({ name, cpu, memory });
  });
  const seen = new Set<string>();
  for (const n of nodes) {
    if (seen.has(n.name)) fail(source, 'spec.nodes', `node ${n.name} is declared twice`);
    seen.add(n.name);
  }
  const workloads = spec.workloads.map((w, i) => resolveWorkload(w, `spec.workloads.${i}`, seen, source));
  const durationMs = parseDuration(spec.duration);
  if (durationMs <= 0) fail(source, 'spec.duration', 'must be longer than 0s');
  const stepMs = spec.step === undefined ? undefined : parseDuration(spec.step);
  if (stepMs !== undefined && (stepMs < 1000 || stepMs > durationMs))
    fail(source, 'spec.step', 'must be at least 1s and at most spec.duration');
  return {
    name: trace.metadata?.name ?? source,
    source,
    durationMs,
    ...(stepMs !== undefined ? { stepMs } : {}),
    noisePercent: spec.noisePercent,
    seed: spec.seed,
    nodes,
    workloads,
  };
}

function resolveWorkload(
  w: ParsedTrace['spec']['workloads'][number],
  at: string,
  nodes: ReadonlySet<string>,
  source: string,
): TraceWorkload {
  w.nodes.forEach((n, k) => {
    if (!nodes.has(n)) fail(source, `${at}.nodes.${k}`, `no node ${n} in spec.nodes`);
  });
  const requests = {
    cpu: quantity(source, `${at}.requests.cpu`, w.requests.cpu) * 1000,
    memory:
      w.requests.memory === undefined ? 0 : quantity(source, `${at}.requests.memory`, w.requests.memory),
  };
  const usage = w.usage
    .map((p, k) => ({
      atMs: parseDuration(p.at),
      cpu: usageAmount(source, `${at}.usage.${k}.cpu`, p.cpu, requests.cpu, 1000),
      memory: usageAmount(source, `${at}.usage.${k}.memory`, p.memory, requests.memory, 1),
    }))
    .sort((a, b) => a.atMs - b.atMs);
  return {
    name: w.name,
    namespace: w.namespace,
    replicas: w.replicas,
    nodes: w.nodes,
    priority: w.priority,
    requests,
    usage,
  };
}

/** A usage figure: the request when absent, a share of it for "150%", else a quantity in `unit`s. */
function usageAmount(
  source: string,
  field: string,
  value: number | string | undefined,
  request: number,
  unit: number,
): number {
  if (value === undefined) return request;
  if (typeof value === 'string' && value.endsWith('%')) {
    const percent = Number(value.slice(0, -1));
    if (!Number.isFinite(percent) || percent < 0)
      fail(source, field, `invalid percentage ${JSON.stringify(value)}`);
    return (request * percent) / 100;
  }
  return quantity(source, field, value) * unit;
}

function quantity(source: string, field: string, value: number | string): number {
  let parsed: number;
  try {
    parsed = parseQuantity(value);
  } catch (error) {
    return fail(source, field, error instanceof Error ? error.message : String(error));
  }
  if (!(parsed >= 0)) fail(source, field, `must not be negative, got ${JSON.stringify(value)}`);
  return parsed;
}

function fail(source: string, field: string, message: string): never {
  throw new SimulationInputError(`${source}: ${field === '' ? '' : `${field}: `}${message}`);
}

/** A workload's usage per replica at `atMs`: straight lines between points, flat before the first and after the last. */
export function usageAt(workload: TraceWorkload, atMs: number): { cpu: number; memory: number } {
  const points = workload.usage;
  const first = points[0]!;
  if (atMs <= first.atMs) return { cpu: first.cpu, memory: first.memory };
  for (let k = 1; k < points.length; k++) {
    const b = points[k]!;
    if (atMs > b.atMs) continue;
    const a = points[k - 1]!;
    const f = b.atMs === a.atMs ? 1 : (atMs - a.atMs) / (b.atMs - a.atMs);
    return { cpu: a.cpu + f * (b.cpu - a.cpu), memory: a.memory + f * (b.memory - a.memory) };
  }
  const last = points[points.length - 1]!;
  return { cpu: last.cpu, memory: last.memory };
}
