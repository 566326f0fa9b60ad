/**
 * Printing a what-if report: a summary per run, a table of the intervals (at most MAX_ROWS, evenly picked),
 * and a text chart of the hottest node's cpu utilization over time for both runs against the ceiling.
 */
import { stringify } from 'yaml';
import { formatSpan } from '../../optimize/index.js';
import { table, type OutputFormat } from '../report-format.js';
import type { WhatIfSample } from './what-if-run.js';
import type { RunSummary, WhatIfReport } from './what-if.js';

const MAX_ROWS = 20;
const CHART_WIDTH = 64;
const CHART_ROW_POINTS = 5;

export function formatWhatIf(report: WhatIfReport, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'yaml') return stringify(report);
  const head =
    `What-if: trace ${report.trace} on pool ${report.pool}, ${report.nodes} nodes, ` +
    `every ${formatSpan(report.stepMs)} for ${formatSpan(report.durationMs)}, cpu ceiling ${report.cpuCeiling}%`;
  return `${[head, summaryTable(report.summaries), intervalTable(report), chart(report), notes(report)].join('\n\n')}\n`;
}

function summaryTable(summaries: RunSummary[]): string {
  const time = (ms: number | undefined) => (ms === undefined ? '-' : formatSpan(ms));
  return table(
    [
      'RUN',
      'PEAK CPU%',
      'OVER CEILING',
      'FIRST OVER',
      'EVICTIONS U/B/C',
      'FIRST MOVE',
      'NODES IN USE',
      'PACKING',
      'RECOMMENDED',
      'PRESSURE AT',
    ],
    summaries.map((s) => [
      `${s.name} (${s.forecast})`,
      s.peakCpu.toFixed(1),
      `${s.intervalsOverCeiling} interval(s)`,
      time(s.firstOverCeilingMs),
      `${s.urgentEvictions}/${s.balanceEvictions}/${s.consolidationEvictions}`,
      time(s.firstMove?.atMs),
      `${s.nodesInUse.start}→${s.nodesInUse.end}`,
      `${s.packingEfficiency.toFixed(1)}% (${s.packingBoundEfficiency.toFixed(1)}% of bound)`,
      `${s.recommendedNodes.start}→${s.recommendedNodes.end} (max ${s.recommendedNodes.max})`,
      time(s.firstPressureMs),
    ]),
  );
}

function intervalTable(report: WhatIfReport): string {
  const reactive = report.runs[0]!;
  const forecast = report.runs[1]!;
  const n = reactive.samples.length;
  const every = Math.max(1, Math.ceil(n / MAX_ROWS));
  const rows: string[][] = [];
  const totals = [0, 0];
  for (let i = 0; i < n; i++) {
    const r = reactive.samples[i]!;
    const f = forecast.samples[i]!;
    totals[0]! += moves(r);
    totals[1]! += moves(f);
    if (i % every !== 0 && i !== n - 1) continue;
    rows.push([formatSpan(r.atMs), ...cells(r, totals[0]!), ...cells(f, totals[1]!)]);
  }
  return table(
    [
      'TIME',
      'R MAX%',
      'R OVER',
      'R MOVES',
      'R NODES',
      'R REC',
      'F MAX%',
      'F OVER',
      'F MOVES',
      'F NODES',
      'F REC',
    ],
    rows,
  );
}

const moves = (s: WhatIfSample): number => s.urgent + s.balance + s.consolidation;

function cells(s: WhatIfSample, moved: number): string[] {
  return [
    s.maxCpu.toFixed(1),
    String(s.overCeiling),
    String(moved),
    String(s.nodesInUse),
    String(s.recommended),
  ];
}

/** Rows of 5 points from the top of the data down; R reactive, F forecast, * both, the ceiling drawn in -. */
function chart(report: WhatIfReport): string {
  const series = report.runs.map((run) => bucketMax(run.samples.map((s) => s.maxCpu)));
  const all = series.flat();
  const top = Math.ceil(Math.max(report.cpuCeiling, ...all) / CHART_ROW_POINTS) * CHART_ROW_POINTS;
  const bottom = Math.max(
    0,
    Math.floor(Math.min(...all) / CHART_ROW_POINTS) * CHART_ROW_POINTS - CHART_ROW_POINTS,
  );
  const lines = [
    `Hottest node cpu % over time (R reactive, F forecast, * both, - ceiling ${report.cpuCeiling}%)`,
  ];
  const width = series[0]!.length;
  for (let level = top; level >= bottom; level -= CHART_ROW_POINTS) {
    const onCeiling = report.cpuCeiling > level - CHART_ROW_POINTS && report.cpuCeiling <= level;
    let row = '';
    for (let c = 0; c < width; c++) {
      const r = inRow(series[0]![c]!, level);
      const f = inRow(series[1]![c]!, level);
      row += r && f ? '*' : r ? 'R' : f ? 'F' : onCeiling ? '-' : ' ';
    }
    lines.push(`${String(level).padStart(4)} |${row}`);
  }
  lines.push(`     +${'-'.repeat(width)}`);
  lines.push(`      0${formatSpan(report.durationMs).padStart(width - 1)}`);
  return lines.join('\n');
}

/** A value is drawn in the row whose band (level-5, level] holds it. */
const inRow = (value: number, level: number): boolean => value > level - CHART_ROW_POINTS && value <= level;

/** At most CHART_WIDTH columns, each the largest value of its samples. */
function bucketMax(values: number[]): number[] {
  const width = Math.min(CHART_WIDTH, values.length);
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / width));
    out.push(Math.max(...values.slice(from, to)));
  }
  return out;
}

function notes(report: WhatIfReport): string {
  const moves = report.summaries
    .filter((s) => s.firstMove)
    .map((s) => `- First move (${s.name}, ${formatSpan(s.firstMove!.atMs)}): ${s.firstMove!.reason}`);
  return ['Notes:', ...moves, ...report.notes.map((n) => `- ${n}`)].join('\n');
}
