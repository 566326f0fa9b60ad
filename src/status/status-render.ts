/**
 * `fulcrum status` as lines of text: a function of the StatusView and the terminal style, nothing else, so the
 * CLI, `--watch` and the tests print the same thing.
 *
 *   POOL general  Ready  LeastLoaded/Usage  rebalancing Enforce  failover Enforce  10 nodes: 1 hot, 1 failed
 *     Balanced=False  HotNodes: kwok-node-3 over cpu ceiling
 *     NODE         CPU use/req ≤80%        MEMORY use/req ≤85%     PODS  STATE
 *     kwok-node-3  [#########|=]  92/95%   [###    |  ]  30/33%      12  hot
 */
import type { PoolAction } from '../api/index.js';
import { columns, paint, type Color, type TerminalStyle } from '../terminal/terminal-style.js';
import type { CeilingResource } from '../model/resources.js';
import type { NodeMarker, NodeStatusView, PoolStatusView, ResourceUse, StatusView } from './status-view.js';

const BAR_CELLS = 10;
const RESOURCE_TITLES: Record<CeilingResource, string> = {
  cpu: 'CPU',
  memory: 'MEMORY',
  ephemeralStorage: 'STORAGE',
  network: 'NETWORK',
};
const MARKER_COLORS: Record<NodeMarker, Color> = {
  failed: 'red',
  fenced: 'red',
  hot: 'yellow',
  cordoned: 'yellow',
  'not-ready': 'red',
};
/** Conditions whose True is bad news. */
const TRUE_IS_BAD = new Set(['CapacityPressure', 'FailoverActive', 'PartitionSuspected']);

export function renderStatus(view: StatusView, style: TerminalStyle): string[] {
  if (view.pools.length === 0) return ['No ResourcePools found.'];
  const lines: string[] = [];
  for (const pool of view.pools) lines.push(...renderPool(pool, style), '');
  lines.push(paint(style, 'dim', `usage: ${view.usage}; ${view.time}`));
  return lines;
}

function renderPool(pool: PoolStatusView, style: TerminalStyle): string[] {
  const ready = pool.conditions.find((c) => c.type === 'Ready');
  const readyText =
    ready === undefined ? 'Ready=Unknown' : ready.status === 'True' ? 'Ready' : `NotReady (${ready.reason})`;
  const counts = NODE_COUNT_MARKERS.map(
    (m) => [m, pool.nodes.filter((n) => n.markers.includes(m)).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([m, n]) => paint(style, MARKER_COLORS[m], `${n} ${m}`));
  const head = [
    `${paint(style, 'bold', `POOL ${pool.name}`)}`,
    paint(style, ready?.status === 'True' ? 'green' : 'red', readyText),
    `${pool.strategy}/${pool.basis}`,
    `rebalancing ${pool.rebalancing}`,
    `failover ${pool.failover}`,
    `${pool.nodes.length} node(s)${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`,
  ].join('  ');
  const lines = [head, ...conditionLines(pool, style).map((l) => `  ${l}`)];
  if (pool.contested.length > 0)
    lines.push(`  contested (kept by an older pool): ${pool.contested.join(', ')}`);
  lines.push(...nodeTable(pool, style).map((l) => `  ${l}`));
  lines.push(...actionLines(pool.lastActions).map((l) => `  ${l}`));
  return lines;
}

const NODE_COUNT_MARKERS: NodeMarker[] = ['hot', 'failed', 'fenced', 'cordoned', 'not-ready'];

/** Every condition but a healthy Ready, which the header already says. */
function conditionLines(pool: PoolStatusView, style: TerminalStyle): string[] {
  return pool.conditions
    .filter((c) => !(c.type === 'Ready' && c.status === 'True'))
    .map((c) => {
      const bad = c.status === 'Unknown' || (c.status === 'True') === TRUE_IS_BAD.has(c.type);
      const text = `${c.type}=${c.status}  ${c.reason}${c.message ? `: ${c.message}` : ''}`;
      return paint(style, bad ? 'yellow' : undefined, text);
    });
}

function nodeTable(pool: PoolStatusView, style: TerminalStyle): string[] {
  if (pool.nodes.length === 0) return ['(no member nodes)'];
  const ceilingOf = (r: CeilingResource) => pool.nodes.find((n) => n.resources[r])?.resources[r]?.ceiling;
  const header = [
    'NODE',
    ...pool.resources.map(
      (r) => `${RESOURCE_TITLES[r]} use/req ${style.unicode ? '≤' : '<='}${ceilingOf(r) ?? '?'}%`,
    ),
    'PODS',
    'STATE',
  ];
  const rows = pool.nodes.map((node) => nodeRow(node, pool.resources, style));
  return columns([header, ...rows]);
}

function nodeRow(node: NodeStatusView, resources: CeilingResource[], style: TerminalStyle): string[] {
  const state =
    node.markers.length === 0
      ? paint(style, 'green', 'ok')
      : node.markers.map((m) => paint(style, MARKER_COLORS[m], m)).join(',');
  return [
    node.name,
    ...resources.map((r) => resourceCell(node.resources[r], style)),
    String(node.pods),
    state,
  ];
}

/** "[####==|   ]  40/60%": usage filled solid, requests beyond it lighter, the ceiling as a bar. */
export function resourceCell(use: ResourceUse | undefined, style: TerminalStyle): string {
  if (use === undefined) return '-';
  const [solid, light, empty, tick] = style.unicode ? ['█', '▒', '·', '│'] : ['#', '=', ' ', '|'];
  const measured = use.usage ?? 0;
  const high = Math.max(measured, use.requests);
  const cellOf = (percent: number) => Math.min(BAR_CELLS, Math.round((percent / 100) * BAR_CELLS));
  const ceilingCell = Math.min(BAR_CELLS - 1, Math.max(0, cellOf(use.ceiling)));
  let bar = '';
  for (let i = 0; i < BAR_CELLS; i++) {
    if (i < cellOf(measured)) bar += solid;
    else if (i < cellOf(use.requests)) bar += light;
    else bar += i === ceilingCell ? tick : empty;
  }
  const color: Color = high >= use.ceiling ? 'red' : high >= use.ceiling * 0.9 ? 'yellow' : 'green';
  const figures = `${use.usage === undefined ? '-' : fmt(use.usage)}/${fmt(use.requests)}%`;
  return `[${paint(style, color, bar)}] ${figures.padStart(9)}`;
}

function fmt(percent: number): string {
  return percent >= 10 ? percent.toFixed(0) : percent.toFixed(1).replace(/\.0$/, '');
}

function actionLines(actions: PoolAction[]): string[] {
  if (actions.length === 0) return [];
  const rows = actions.map((a) => [
    a.time.replace(/^.*T/, '').replace(/\.\d+Z$/, 'Z'),
    a.dryRun ? `${a.action} (DryRun)` : a.action,
    a.pod ?? '',
    a.targetNode ? `${a.node ?? '?'} -> ${a.targetNode}` : (a.node ?? ''),
    a.reason ?? '',
  ]);
  return ['LAST ACTIONS', ...columns(rows).map((l) => `  ${l}`)];
}
