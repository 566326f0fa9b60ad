import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OPERATOR_POD_LABELS, hasOperatorLabels } from './eviction-traits.js';

const repoFile = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the operator pod labels', () => {
  it('are on the pod template of the kustomize install', () => {
    const deployment = parse(repoFile('deploy/operator/deployment.yaml')) as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(hasOperatorLabels(deployment.spec.template.metadata.labels)).toBe(true);
  });

  it("are the chart's selector labels (name is the chart's name)", () => {
    const chart = parse(repoFile('charts/fulcrum/Chart.yaml')) as { name: string };
    const helpers = repoFile('charts/fulcrum/templates/_helpers.tpl');
    expect(chart.name).toBe(OPERATOR_POD_LABELS['app.kubernetes.io/name']);
    expect(helpers).toContain('app.kubernetes.io/name: {{ .Chart.Name }}');
    expect(helpers).toContain(
      `app.kubernetes.io/component: ${OPERATOR_POD_LABELS['app.kubernetes.io/component']}`,
    );
  });
});
