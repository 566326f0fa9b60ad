/**
 * The process the `scale` benchmark measures: the whole operator (`createOperator`: informers, model, pool,
 * policy and scheduler controllers; leader election off, so it leads at once; failover and rebalancing off)
 * pointed at the benchmark's API server, and nothing else, so its RSS is the operator's.
 *
 * Protocol (IPC with the parent): it reports `{ phase: 'synced', ... }` once every informer has synced and
 * the controllers had a moment to settle, then counts watch events on pods and nodes; when `expect` events
 * have been handled it reports `{ phase: 'updated', ... }`. Per-event time is the watch callback: decoding,
 * pruning into the cached record, the store, and every handler (model, pool index, controllers); JSON
 * parsing of the line is not included.
 *
 * Usage: node --expose-gc dist/bench/scale-subject.js <server-url> <expected-events>
 */
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { silentLogger } from '../src/logging/logger.js';
import { createOperator } from '../src/runtime/operator.js';

interface Memory {
  rssMib: number;
  heapUsedMib: number;
  heapTotalMib: number;
  externalMib: number;
  peakRssMib: number;
  /** Committed size of each V8 heap space (new_space, old_space, ...). */
  spacesMib: Record<string, number>;
}

const [url = '', expectText = '10000'] = process.argv.slice(2);
const expected = Number(expectText);
const samples: number[] = [];

function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  const mib = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;
  return {
    rssMib: mib(usage.rss),
    heapUsedMib: mib(usage.heapUsed),
    heapTotalMib: mib(usage.heapTotal),
    externalMib: mib(usage.external),
    peakRssMib: mib(process.resourceUsage().maxRSS * 1024),
    spacesMib: Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, mib(s.physical_space_size)]),
    ),
  };
}

/** Times every watch callback on pods and nodes (see the file comment). */
function timeWatchCallbacks(): void {
  const original = Watch.prototype.watch;
  Watch.prototype.watch = function (this: Watch, path, query, callback, done) {
    if (!/\/(pods|nodes)$/.test(path)) return original.call(this, path, query, callback, done);
    const timed: typeof callback = (type, object, raw) => {
      const started = performance.now();
      callback(type, object, raw);
      samples.push(performance.now() - started);
    };
    return original.call(this, path, query, timed, done);
  };
}

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'bench', server, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  return kc;
}

async function main(): Promise<void> {
  timeWatchCallbacks();
  const baseline = memory();
  const operator = createOperator({
    kubeConfig: kubeConfig(url),
    logger: silentLogger(),
    leaderElection: { enabled: false, namespace: 'fulcrum-system', name: 'fulcrum-leader' },
    health: { host: '127.0.0.1', port: 0 },
  });
  const stop = new AbortController();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const running = operator.start(stop.signal);
  const informers = operator.informers.all();
  while (!informers.every((i) => i.hasSynced())) await new Promise((r) => setTimeout(r, 20));
  const syncS = (performance.now() - started) / 1000;
  // CPU time of the sync (user + system, all threads): unlike wall time, barely moved by a busy machine.
  const cpu = process.cpuUsage(cpuStarted);
  const syncCpuS = (cpu.user + cpu.system) / 1e6;
  await new Promise((r) => setTimeout(r, 3000)); // controllers compute and write their first statuses
  const objects = { pods: operator.informers.pods.size, nodes: operator.informers.nodes.size };
  process.send?.({ phase: 'synced', syncS, syncCpuS, objects, baseline, memory: memory() });
  const before = samples.length;
  while (samples.length - before < expected) await new Promise((r) => setTimeout(r, 50));
  const events = samples.slice(before);
  await new Promise((r) => setTimeout(r, 1000));
  process.send?.({ phase: 'updated', events, memory: memory(), modelPods: operator.model.podCount });
  stop.abort();
  await running.catch(() => undefined);
}

await main();
