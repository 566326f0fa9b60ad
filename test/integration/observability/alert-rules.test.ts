/**
 * The chart's PrometheusRule, as `helm template` renders it with its defaults plus prometheusRule.enabled:
 * `promtool check rules` accepts it and `promtool test rules` (alert-rules.promtest.yaml) shows each alert
 * firing when it should, after its `for`, from the leader's series only, and staying quiet otherwise.
 * promtool comes from Debian's prometheus package, fetched on first use (test/cluster/promtool.sh).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from '../support/cluster.js';
import { helmBinary } from '../install/install-support.js';
import { promtool, promtoolBinary, renderedRuleGroups, type RuleGroups } from './observability-support.js';

const HELM = helmBinary();
if (!HELM && process.env.FULCRUM_REQUIRE_HELM)
  throw new Error('helm is not built: run test/cluster/build-helm.sh');
const describeWithHelm = HELM ? describe : describe.skip;
const TESTS = resolve(repoRoot, 'test/integration/observability/alert-rules.promtest.yaml');

describeWithHelm('the chart’s alerts under promtool', () => {
  let dir = '';
  let binary = '';
  let rules: RuleGroups;

  beforeAll(async () => {
    binary = promtoolBinary();
    rules = await renderedRuleGroups(HELM!);
    dir = mkdtempSync(join(tmpdir(), 'fulcrum-alerts-'));
    writeFileSync(join(dir, 'fulcrum-rules.yaml'), stringify(rules, { lineWidth: 0 }));
    copyFileSync(TESTS, join(dir, 'alert-rules.promtest.yaml'));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the rules file the chart renders passes promtool check rules', async () => {
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual([
      'FulcrumOperatorDown',
      'FulcrumNoLeader',
      'FulcrumPoolOverCeiling',
      'FulcrumFailoverActive',
      'FulcrumPartitionSuspected',
      'FulcrumMetricsStale',
    ]);
    const check = await promtool(binary, ['check', 'rules', 'fulcrum-rules.yaml'], dir);
    expect(check).toMatchObject({ code: 0, output: expect.stringContaining('SUCCESS: 6 rules found') });
  });

  test('every alert fires when it should and only then (promtool test rules)', async () => {
    const run = await promtool(binary, ['test', 'rules', 'alert-rules.promtest.yaml'], dir);
    expect(run.output).toContain('SUCCESS');
    expect(run).toMatchObject({ code: 0 });
  });

  test('a broken expression fails promtool check rules (the check can fail)', async () => {
    const broken = structuredClone(rules);
    broken.groups[0]!.rules[0]!.expr = 'sum(up{';
    writeFileSync(join(dir, 'broken.yaml'), stringify(broken, { lineWidth: 0 }));
    const check = await promtool(binary, ['check', 'rules', 'broken.yaml'], dir);
    expect(check.code).not.toBe(0);
  });
});
