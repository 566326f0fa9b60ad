import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { readClusterSnapshot } from '../simulate/cluster-reader.js';
import { SimulationInputError } from '../simulate/input-error.js';
import { renderStatus } from '../status/status-render.js';
import { buildStatusView, type StatusView } from '../status/status-view.js';
import { loadKubeConfig, readNodeUsage } from './cluster-access.js';
import { PLAIN, styleFor } from '../terminal/terminal-style.js';
import type { KubeConfig } from '@kubernetes/client-node';

const HELP = `Usage: fulcrum status [POOL] [--watch] [-o table|json|yaml] [--kubeconfig FILE] [--context NAME]
       kubectl fulcrum status [POOL] [--watch]

Per ResourcePool: its conditions; per member node, a bar per resource against the pool's ceiling (measured
usage solid, requests beyond it lighter, the ceiling as '|'), the node's pods, and its markers: failed (failover
declared it), fenced (Fulcrum cordoned and tainted it), hot (rebalancing marked it), cordoned, not-ready; then
the pool's last actions (moves, failovers, preemptions) with their reasons. Read-only.

Flags:
  -w, --watch           redraw every --interval until interrupted (in place on a terminal, like top;
                        one snapshot after another otherwise, like kubectl get -w)
      --interval SEC    seconds between redraws (default 2)
  -o, --output FMT      table (default), json or yaml (the data behind the table, for scripts)
      --kubeconfig FILE the cluster (default: KUBECONFIG or ~/.kube/config, as kubectl; else in-cluster)
      --context NAME    kubeconfig context to use

Colors only on a terminal and never with NO_COLOR set; plain ASCII when output is not a terminal.`;

const FORMATS = ['table', 'json', 'yaml'] as const;
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

export async function statusCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        watch: { type: 'boolean', short: 'w' },
        interval: { type: 'string', default: '2' },
        output: { type: 'string', short: 'o', default: 'table' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (parsed.values.help) {
      console.log(HELP);
      return 0;
    }
    if (!FORMATS.includes(parsed.values.output as (typeof FORMATS)[number]))
      throw new Error(`--output must be one of ${FORMATS.join(', ')}`);
    if (parsed.positionals.length > 1) throw new Error('give at most one POOL');
    if (!(Number(parsed.values.interval) > 0))
      throw new Error('--interval must be a positive number of seconds');
  } catch (error) {
    console.error(`fulcrum status: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const kc = loadKubeConfig(values.kubeconfig, values.context);
  const render = renderer(values.output as (typeof FORMATS)[number]);
  const pool = positionals[0];
  try {
    if (!values.watch) {
      const view = await readStatus(kc, pool);
      process.stdout.write(render(view));
      return pool !== undefined && view.pools.length === 0 ? notFound(pool) : 0;
    }
    await watch(kc, pool, render, Number(values.interval) * 1000);
    return 0;
  } catch (error) {
    if (error instanceof SimulationInputError) {
      console.error(`fulcrum status: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function notFound(pool: string): number {
  console.error(`fulcrum status: ResourcePool ${pool} not found`);
  return 1;
}

async function readStatus(kc: KubeConfig, pool: string | undefined): Promise<StatusView> {
  const [snapshot, usage] = await Promise.all([readClusterSnapshot(kc), readNodeUsage(kc)]);
  return buildStatusView({ snapshot, usage: usage.usage, usageSource: usage.source, now: Date.now(), pool });
}

function renderer(format: (typeof FORMATS)[number]): (view: StatusView) => string {
  if (format === 'json') return (view) => `${JSON.stringify(view, null, 2)}\n`;
  if (format === 'yaml') return (view) => `---\n${stringify(view)}`;
  const style = styleFor(process.stdout.isTTY, process.env);
  return (view) => `${renderStatus(view, style ?? PLAIN).join('\n')}\n`;
}

/**
 * Redraws until SIGINT or SIGTERM. On a terminal each frame replaces the last (cursor home, clear), as `watch`
 * and `top` do; elsewhere frames follow each other, so a log or a pipe keeps the whole history. A failed read
 * is shown and retried at the next tick rather than ending the watch.
 */
async function watch(
  kc: KubeConfig,
  pool: string | undefined,
  render: (view: StatusView) => string,
  intervalMs: number,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const inPlace = process.stdout.isTTY === true;
  try {
    while (!stop.signal.aborted) {
      let frame: string;
      try {
        frame = render(await readStatus(kc, pool));
      } catch (error) {
        frame = `fulcrum status: ${(error as Error).message} (retrying)\n`;
      }
      const header = `Every ${intervalMs / 1000}s: fulcrum status${pool ? ` ${pool}` : ''}\n\n`;
      process.stdout.write(inPlace ? `${CLEAR_SCREEN}${header}${frame}` : `${frame}\n`);
      await sleep(intervalMs, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
