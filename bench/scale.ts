/**
 * `scale`: the operator's memory and event handling at cluster scale. For each size (default 1,000 nodes /
 * 20,000 pods and 5,000 nodes / 150,000 pods; `--nodes N --pods-per-node M` for others) a local API server
 * (scale-server.ts, 127.0.0.1) serves the whole cluster as kube-apiserver would, and a separate process
 * (scale-subject.ts) runs the operator against it through the real informer code. Measured in that
 * process: sync time (start to every informer synced), heap used and RSS after sync and after 10,000 watch
 * updates (each after a full GC), peak RSS, and the time to handle each watch event.
 *
 * The subject runs with the V8 flags the operator ships with (NODE_OPTIONS of deploy/operator/deployment.yaml),
 * so what is measured is what is installed. `SCALE_SUBJECT_ARGS` adds Node flags for a diagnosis
 * (e.g. `--cpu-prof`); results measured with it are not the shipped figures.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { BenchArgs } from './args.js';
import { ScaleApiServer } from './scale-server.js';
import { machine, summarizeLatencies, type BenchResult } from './stats.js';

const UPDATES = 10_000;

interface Memory {
  rssMib: number;
  heapUsedMib: number;
  heapTotalMib: number;
  externalMib: number;
  peakRssMib: number;
  spacesMib: Record<string, number>;
}

interface SizeResult {
  nodes: number;
  pods: number;
  syncS: number;
  syncCpuS: number;
  baseline: Memory;
  afterSync: Memory;
  afterUpdates: Memory;
  eventP50Ms: number;
  eventP99Ms: number;
  eventMaxMs: number;
  bytesPerPod: number;
}

type SubjectMessage =
  | {
      phase: 'synced';
      syncS: number;
      syncCpuS: number;
      baseline: Memory;
      memory: Memory;
      objects: { pods: number };
    }
  | { phase: 'updated'; events: number[]; memory: Memory };

export async function runScale(args: BenchArgs): Promise<BenchResult> {
  const sizes =
    args.nodes.length > 0
      ? args.nodes.map((n) => ({ nodes: n, pods: n * args.podsPerNode }))
      : args.quick
        ? [{ nodes: 100, pods: 3_000 }]
        : [
            { nodes: 1_000, pods: 20_000 },
            { nodes: 5_000, pods: 150_000 },
          ];
  const results: SizeResult[] = [];
  // The machine is shared: the load average before and after says how much wall times are worth.
  const loadBefore = loadavg().map((l) => round(l));
  for (const size of sizes) {
    const result = await measure(size.nodes, size.pods, args.quick ? 1_000 : UPDATES);
    results.push(result);
    printRow(result);
  }
  const largest = results[results.length - 1] as SizeResult;
  return {
    suite: 'scale',
    params: {
      sizes,
      updates: args.quick ? 1_000 : UPDATES,
      machine: machine(),
      loadavg: { before: loadBefore, after: loadavg().map((l) => round(l)) },
      nodeOptions: shippedNodeOptions().join(' '),
    },
    metrics: {
      rss_mib: largest.afterUpdates.rssMib,
      heap_used_mib: largest.afterUpdates.heapUsedMib,
      peak_rss_mib: largest.afterUpdates.peakRssMib,
      sync_s: round(largest.syncS),
      sync_cpu_s: round(largest.syncCpuS),
      event_p50_ms: round(largest.eventP50Ms),
      event_p99_ms: round(largest.eventP99Ms),
      bytes_per_pod: largest.bytesPerPod,
      ...Object.fromEntries(
        results.flatMap((r) => [
          [`rss_after_sync_mib_${r.nodes}n_${r.pods}p`, r.afterSync.rssMib],
          [`rss_after_updates_mib_${r.nodes}n_${r.pods}p`, r.afterUpdates.rssMib],
          [`heap_used_mib_${r.nodes}n_${r.pods}p`, r.afterUpdates.heapUsedMib],
          [`sync_s_${r.nodes}n_${r.pods}p`, round(r.syncS)],
          [`sync_cpu_s_${r.nodes}n_${r.pods}p`, round(r.syncCpuS)],
          [`event_p99_ms_${r.nodes}n_${r.pods}p`, round(r.eventP99Ms)],
        ]),
      ),
    },
  };
}

async function measure(nodes: number, pods: number, updates: number): Promise<SizeResult> {
  const server = new ScaleApiServer({ nodes, pods });
  const url = await server.listen();
  const subject = fork(resolve(import.meta.dirname, 'scale-subject.js'), [url, String(updates)], {
    execArgv: ['--expose-gc', ...shippedNodeOptions(), ...extraArgs()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const synced = await next(subject, 'synced');
    await waitFor(() => server.watching('pods') > 0 && server.watching('nodes') > 0);
    await server.streamUpdates(updates);
    const updated = await next(subject, 'updated');
    if (synced.phase !== 'synced' || updated.phase !== 'updated') throw new Error('protocol');
    const latency = summarizeLatencies(Float64Array.from(updated.events));
    return {
      nodes,
      pods,
      syncS: synced.syncS,
      syncCpuS: synced.syncCpuS,
      baseline: synced.baseline,
      afterSync: synced.memory,
      afterUpdates: updated.memory,
      eventP50Ms: latency.p50,
      eventP99Ms: latency.p99,
      eventMaxMs: latency.max,
      bytesPerPod: Math.round(((synced.memory.heapUsedMib - synced.baseline.heapUsedMib) * 2 ** 20) / pods),
    };
  } finally {
    subject.kill();
    await server.close();
  }
}

/** The NODE_OPTIONS value of the shipped Deployment, as separate flags. */
function shippedNodeOptions(): string[] {
  const manifest = readFileSync(
    resolve(import.meta.dirname, '../../deploy/operator/deployment.yaml'),
    'utf8',
  );
  const value = /name: NODE_OPTIONS\s+value: (.+)/.exec(manifest)?.[1];
  if (!value) throw new Error('deploy/operator/deployment.yaml sets no NODE_OPTIONS');
  return value.trim().split(/\s+/);
}

function extraArgs(): string[] {
  return process.env.SCALE_SUBJECT_ARGS?.split(' ').filter(Boolean) ?? [];
}

function next(subject: ReturnType<typeof fork>, phase: string): Promise<SubjectMessage> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message: SubjectMessage): void => {
      if (message.phase !== phase) return;
      subject.off('exit', onExit);
      subject.off('message', onMessage);
      resolvePromise(message);
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`subject exited (${code}) before ${phase}`));
    subject.on('message', onMessage);
    subject.once('exit', onExit);
  });
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

function printRow(r: SizeResult): void {
  console.log(
    `${r.nodes} nodes / ${r.pods} pods: sync ${r.syncS.toFixed(1)} s (${r.syncCpuS.toFixed(1)} s CPU); after sync RSS ${r.afterSync.rssMib} MiB, heap ${r.afterSync.heapUsedMib} MiB; ` +
      `after updates RSS ${r.afterUpdates.rssMib} MiB, heap ${r.afterUpdates.heapUsedMib} MiB, peak RSS ${r.afterUpdates.peakRssMib} MiB; ` +
      `event p50 ${r.eventP50Ms.toFixed(3)} ms p99 ${r.eventP99Ms.toFixed(3)} ms max ${r.eventMaxMs.toFixed(1)} ms; ${r.bytesPerPod} B/pod heap`,
  );
  for (const [when, m] of [
    ['after sync', r.afterSync],
    ['after updates', r.afterUpdates],
  ] as const) {
    const spaces = Object.entries(m.spacesMib)
      .filter(([, v]) => v >= 1)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`  ${when}: heap committed ${m.heapTotalMib} MiB (${spaces}), external ${m.externalMib} MiB`);
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
