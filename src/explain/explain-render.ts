/**
 * `fulcrum explain pod` as lines of text: a pure function of the PodExplanation and the terminal style.
 */
import { columns, paint, type TerminalStyle } from '../terminal/terminal-style.js';
import type { PodExplanation } from './explain-pod.js';

export function renderExplanation(e: PodExplanation, style: TerminalStyle): string[] {
  const lines = [
    `${paint(style, 'bold', `Pod ${e.pod}`)}  ${e.phase}${e.node ? ` on ${e.node}` : ''}  (schedulerName ${e.schedulerName})`,
    `Pool:        ${e.pool === undefined ? paint(style, 'red', 'none') : `${e.pool} (from ${e.poolFrom})`}`,
  ];
  if (e.policy) {
    const p = e.policy;
    const min = p.minAvailable !== undefined ? `, minAvailable ${p.minAvailable}` : '';
    lines.push(
      `Policy:      ${p.name}: priority ${p.priority}, ${p.movable ? 'movable' : 'not movable'}, failover ${p.failover}${min}`,
    );
  }
  const limit = e.priority.limit !== undefined ? ` (pool limit for the namespace: ${e.priority.limit})` : '';
  lines.push(`Priority:    ${e.priority.effective}${limit}`);
  if (e.scheduling) {
    lines.push(
      paint(
        style,
        'yellow',
        `Pending:     ${e.scheduling.reason ?? 'Unknown'}: ${e.scheduling.message ?? ''}`,
      ),
    );
  }
  lines.push('', ...placementLines(e, style));
  if (e.history.length > 0) {
    lines.push('', 'History (oldest first):');
    const rows = e.history.map((h) => [
      h.time.replace(/\.\d+Z$/, 'Z'),
      h.from,
      h.count ? `${h.reason} (x${h.count})` : h.reason,
      h.message,
    ]);
    lines.push(...columns(rows).map((l) => `  ${l}`));
  } else {
    lines.push('', 'History: no Events on the pod and no recorded pool actions.');
  }
  if (e.notes.length > 0) lines.push('', 'Notes:', ...e.notes.map((n) => `- ${n}`));
  return lines;
}

function placementLines(e: PodExplanation, style: TerminalStyle): string[] {
  const p = e.placement;
  const how = p.strategy ? ` (${p.strategy} on ${p.basis}, ${p.feasibleNodes} feasible node(s))` : '';
  const lines: string[] = [];
  if (p.result === 'fits') {
    lines.push(`Placement now: would go to ${paint(style, 'green', p.top[0]?.node ?? '?')}${how}`);
  } else {
    lines.push(paint(style, 'red', `Placement now: fits nowhere: ${p.summary ?? ''}`));
  }
  if (p.top.length > 0) {
    const rows = p.top.map((n) => [
      n.node,
      Number.isFinite(n.score) ? n.score.toFixed(1) : '-',
      `${n.load.toFixed(1)}%`,
      n.preferNoScheduleTaints > 0
        ? `${n.preferNoScheduleTaints} PreferNoSchedule taint(s): ranks after untainted nodes`
        : '',
    ]);
    lines.push(...columns([['NODE', 'SCORE', 'LOAD AFTER', 'NOTE'], ...rows]).map((l) => `  ${l}`));
  }
  if (p.rejected.length > 0) {
    lines.push('Rejected nodes:');
    const rows = p.rejected.map((r) => [r.node, r.filter, r.reasons.join('; ')]);
    lines.push(...columns(rows).map((l) => `  ${l}`));
  }
  return lines;
}
