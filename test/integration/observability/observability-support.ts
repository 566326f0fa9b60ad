/**
 * What the dashboard and alert tests share: the chart's PrometheusRule and Grafana dashboard as a user gets
 * them (rendered by helm for release `fulcrum` in fulcrum-system), promtool from Debian's prometheus package,
 * and the metric names a PromQL expression reads.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../support/cluster.js';
import { CHART, helm, parseManifests } from '../install/install-support.js';

export const DASHBOARD_FILE = resolve(CHART, 'files/dashboards/fulcrum.json');

/** promtool's path, fetched into ~/.cache/fulcrum/prometheus on first use (test/cluster/promtool.sh). */
export function promtoolBinary(): string {
  return execFileSync(resolve(repoRoot, 'test/cluster/promtool.sh'), { encoding: 'utf8' }).trim();
}

/** Runs promtool; resolves with its exit code and output instead of rejecting, so a test shows both. */
export function promtool(
  binary: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    execFile(binary, args, { cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, output: `${stdout}${stderr}` });
    });
  });
}

export interface RuleGroups {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

/** The PrometheusRule's spec (a Prometheus rules file) as `helm template` renders it. */
export async function renderedRuleGroups(helmBinary: string, extraArgs: string[] = []): Promise<RuleGroups> {
  const args = ['template', 'fulcrum', CHART, '-n', 'fulcrum-system', '--set', 'prometheusRule.enabled=true'];
  const manifests = parseManifests((await helm(helmBinary, [...args, ...extraArgs])).stdout);
  const rule = manifests.find((m) => m.kind === 'PrometheusRule');
  if (!rule) throw new Error('the chart rendered no PrometheusRule with prometheusRule.enabled=true');
  return rule.spec as RuleGroups;
}

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard: its panels' targets and its query variables. */
export function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
    panels: Panel[];
    templating: { list: Array<{ type: string; definition?: string }> };
  };
  const walk = (panels: Panel[]): string[] =>
    panels.flatMap((p) => [...(p.targets ?? []).map((t) => t.expr ?? ''), ...walk(p.panels ?? [])]);
  const variables = dashboard.templating.list
    .filter((v) => v.type === 'query' && v.definition)
    .map((v) => (v.definition as string).replace(/^label_values\((.*),\s*\w+\)$/, '$1'));
  return [...walk(dashboard.panels), ...variables].filter((e) => e.length > 0);
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/**
 * The metric names an expression reads: identifiers outside label matchers, strings, ranges and grouping
 * lists that are neither a function call nor a keyword. Grafana's `$__rate_interval` and `$var` go with the
 * ranges and strings they sit in.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?!\s*\(|[A-Za-z0-9_:])/g)) {
    const token = match[0];
    if (!KEYWORDS.has(token) && !/^\d/.test(token)) names.add(token);
  }
  return [...names];
}
