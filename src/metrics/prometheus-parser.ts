/**
 * Reads a Prometheus HTTP API instant-query response (`/api/v1/query`, resultType vector) into values per
 * node (or pod). Pure. Each series must carry the label that names its node; a series without it, with a
 * value that is not a finite number, or a second series for the same node, is a problem, not a value.
 */
import type { SourceProblem } from './metrics-source.js';

export interface PrometheusValue {
  key: string;
  /** The sample's evaluation timestamp, ms since the epoch. */
  time: number;
  value: number;
}

export interface ParsedVector {
  values: PrometheusValue[];
  problems: SourceProblem[];
}

interface QueryResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: {
    resultType?: string;
    result?: Array<{ metric?: Record<string, string>; value?: [number, string] }>;
  };
}

/**
 * Values keyed by `keyOf(labels)` (the node label, or `namespace/pod`). Throws on an error response or a
 * result that is not an instant vector, since then no value of the query can be trusted.
 */
export function parsePrometheusVector(
  document: unknown,
  keyOf: (labels: Record<string, string>) => string | undefined,
): ParsedVector {
  const response = document as QueryResponse | null;
  if (response?.status !== 'success') {
    throw new Error(`prometheus: ${response?.errorType ?? 'error'}: ${response?.error ?? 'no status'}`);
  }
  if (response.data?.resultType !== 'vector' || !Array.isArray(response.data.result)) {
    throw new Error(`prometheus: expected an instant vector, got ${response.data?.resultType ?? 'nothing'}`);
  }
  const values: PrometheusValue[] = [];
  const problems: SourceProblem[] = [];
  const seen = new Set<string>();
  for (const series of response.data.result) {
    const labels = series.metric ?? {};
    const key = keyOf(labels);
    if (key === undefined) {
      problems.push({ message: `series ${JSON.stringify(labels)} names no node` });
      continue;
    }
    const [seconds, text] = series.value ?? [NaN, ''];
    const value = Number(text);
    if (!Number.isFinite(value) || !Number.isFinite(seconds)) {
      problems.push({ key, message: `value ${JSON.stringify(text)} is not a finite number` });
      continue;
    }
    if (seen.has(key)) {
      problems.push({ key, message: 'more than one series: aggregate the query by the node label' });
      continue;
    }
    seen.add(key);
    values.push({ key, time: Math.round(seconds * 1000), value });
  }
  return { values, problems };
}
