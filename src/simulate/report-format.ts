/**
 * Printing a SimulationReport: a table for people, JSON or YAML for tools (the report as it is).
 */
import { stringify } from 'yaml';
import { CEILING_RESOURCES } from '../model/resources.js';
import type { PodOutcome, PoolForecast, SimulationReport } from './outcome.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatReport(report: SimulationReport, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'yaml':
      return stringify(report);
    case 'table':
      return formatTable(report);
  }
}

const COLUMN_GAP = '  ';

function formatTable(report: SimulationReport): string {
  const { totals } = report;
  const parts = [
    report.pods.length === 0
      ? 'No pending pods.'
      : table(
          ['#', 'POD', 'PRIORITY', 'POOL', 'RESULT', 'NODE', 'SCORE', 'LOAD', 'WHY'],
          report.pods.map((pod, i) => podRow(pod, i + 1)),
        ),
    `${totals.pending} pending: ${totals.placed} placed, ${totals.preempts} after preemption, ` +
      `${totals.unschedulable} unschedulable.`,
  ];
  if (report.pools.length > 0) {
    parts.push(
      table(
        ['POOL', 'NODES', 'STRATEGY', 'CPU%', 'MEMORY%', 'STORAGE%', 'NETWORK%', 'PLACED', 'EVICTED'],
        report.pools.map(poolRow),
      ),
    );
  }
  if (report.notes.length > 0) parts.push(['Notes:', ...report.notes.map((n) => `- ${n}`)].join('\n'));
  return `${parts.join('\n\n')}\n`;
}

function podRow(pod: PodOutcome, position: number): string[] {
  const head = [String(position), pod.pod, String(pod.priority), pod.pool ?? '-', pod.result];
  if (pod.result === 'Unschedulable') return [...head, '-', '-', '-', pod.reason];
  const why =
    pod.result === 'Preempts'
      ? `evicts ${pod.victims.map((v) => `${v.pod} (priority ${v.priority})`).join(', ')}`
      : `${pod.strategy} on ${pod.basis}, ${pod.feasibleNodes} feasible node(s)`;
  return [...head, pod.node, pod.score.toFixed(1), `${pod.load.toFixed(1)}%`, why];
}

/** "12.5→37.5/80": utilization before → after, and the ceiling. */
function poolRow(pool: PoolForecast): string[] {
  const usage = CEILING_RESOURCES.map((r) => {
    const f = pool.resources[r];
    return `${f.utilizationBefore}→${f.utilizationAfter}/${f.ceiling}`;
  });
  return [
    pool.name,
    `${pool.readyNodes}/${pool.nodes}`,
    `${pool.strategy}/${pool.basis}`,
    ...usage,
    String(pool.placed),
    String(pool.evicted),
  ];
}

/** Left-aligned columns, as kubectl prints them; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] as number)))
      .join(COLUMN_GAP);
  return [header, ...rows].map(line).join('\n');
}
