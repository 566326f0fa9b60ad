import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findMetrics, readSources, renderMetricsReference } from './metrics-reference.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = readSources(root);
const committed = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');

describe('docs/metrics.md', () => {
  it('documents every metric the code defines (regenerate: node dist/src/observability/metrics-reference.js > docs/metrics.md)', () => {
    const undocumented = findMetrics(sources)
      .map((m) => m.name)
      .filter((name) => !committed.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it('is what the generator writes', () => {
    expect(committed).toBe(renderMetricsReference(findMetrics(sources)));
  });

  it('finds every metric name literal of src/ (none escapes the pattern)', () => {
    const literals = new Set(
      sources.flatMap(({ text }) =>
        [...text.matchAll(/'((?:fulcrum|workqueue)_[a-z0-9_]+)'/g)].map((m) => m[1]),
      ),
    );
    expect([...literals].sort()).toEqual(findMetrics(sources).map((m) => m.name));
  });
});
