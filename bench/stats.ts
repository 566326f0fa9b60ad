/** Measurement helpers shared by benchmark suites: percentiles, memory, a seeded PRNG, the machine. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The result every suite returns; main prints it as the last line of output. */
export interface BenchResult {
  suite: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of durations in milliseconds. */
export function summarizeLatencies(samplesMs: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  const n = sorted.length;
  const rank = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: rank(0.5), p99: rank(0.99), max: sorted[n - 1] ?? 0, mean: n ? sum / n : 0 };
}

/** A figure to three decimals, as the suites' JSON lines carry it. */
export const round = (v: number): number => Math.round(v * 1000) / 1000;

export const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

let collect: (() => void) | undefined;

/**
 * Memory after a full garbage collection, so the figure is what the data holds rather than how much garbage
 * the last phase left. Turns on --expose-gc at run time (the suites run without node flags).
 */
export function settledMemory(): NodeJS.MemoryUsage {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  return process.memoryUsage();
}

/** Deterministic PRNG (mulberry32): the same seed builds the same cluster. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a result was measured: CPU, cores, Node version and commit. */
export function machine(): Record<string, string | number> {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: leave unknown
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return { cpu, nproc: availableParallelism(), node: process.version, commit };
}

/** Formats rows as an aligned text table. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((v, c) => v.padStart(widths[c] as number)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
