/**
 * Benchmark entry point: `node dist/bench/main.js <suite|all> [options]` (see args.ts). Each suite prints a
 * table and, as its last line, one JSON object `{"suite", "params", "metrics"}` whose metric names carry their
 * unit; `--json FILE` also writes that object (an array of them for `all`) to FILE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseBenchArgs, USAGE, type BenchArgs } from './args.js';
import { runFailoverE2e } from './failover-e2e.js';
import { runFailoverPlan } from './failover-plan.js';
import { runOptimize } from './optimize.js';
import { runPlacement } from './placement.js';
import { runRebalance } from './rebalance.js';
import { runScale } from './scale.js';
import { runSchedulerVsKube } from './scheduler-vs-kube.js';
import type { BenchResult } from './stats.js';

/** Suites by name. Add one here and it joins `all`. */
const SUITES: Record<string, (args: BenchArgs) => BenchResult | Promise<BenchResult>> = {
  placement: runPlacement,
  'failover-plan': runFailoverPlan,
  'failover-e2e': runFailoverE2e,
  rebalance: runRebalance,
  'scheduler-vs-kube': runSchedulerVsKube,
  scale: runScale,
  optimize: runOptimize,
};

async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const names = args.suite === 'all' ? Object.keys(SUITES) : [args.suite];
  const results: BenchResult[] = [];
  for (const name of names) {
    const suite = SUITES[name];
    if (!suite) {
      console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}, all\n${USAGE}`);
      return 2;
    }
    const result = await suite(args);
    results.push(result);
    console.log(JSON.stringify(result));
  }
  if (args.json) {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, `${JSON.stringify(args.suite === 'all' ? results : results[0], null, 2)}\n`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
