import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseResourcePool, type ResourcePool } from '../../api/index.js';
import { SimulationInputError } from '../input-error.js';
import { parseUsageTrace, usageAt } from './usage-trace.js';
import { whatIf } from './what-if.js';
import { formatWhatIf } from './what-if-format.js';

const example = (name: string): string =>
  readFileSync(new URL(`../../../deploy/examples/what-if/${name}`, import.meta.url), 'utf8');
const SAMPLE = example('usage-trace-rising.yaml');

function pool(overrides: Record<string, unknown> = {}): ResourcePool {
  const object = parseYaml(example('resourcepool-packed.yaml')) as { spec: Record<string, unknown> };
  const parsed = parseResourcePool({ ...object, spec: { ...object.spec, ...overrides } });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** The sample with one line replaced, for bad-input cases. */
const sampleWith = (from: string, to: string): string => {
  expect(SAMPLE).toContain(from);
  return SAMPLE.replace(from, to);
};

describe('parseUsageTrace', () => {
  it('reads the sample: nodes expanded by count, quantities in millicores and bytes, percent of requests', () => {
    const trace = parseUsageTrace(SAMPLE, 'trace.yaml');
    expect(trace.nodes.map((n) => n.name)).toEqual(['n-0', 'n-1', 'n-2', 'n-3']);
    expect(trace.nodes[0]).toEqual({ name: 'n-0', cpu: 8000, memory: 32 * 2 ** 30 });
    expect(trace.durationMs).toBe(40 * 60_000);
    expect(trace.stepMs).toBe(15_000);
    const [web, db, batch] = trace.workloads;
    expect(web!.requests).toEqual({ cpu: 400, memory: 512 * 2 ** 20 });
    expect(usageAt(web!, 0)).toEqual({ cpu: 400, memory: 512 * 2 ** 20 }); // memory left out: the request
    expect(usageAt(web!, 20 * 60_000).cpu).toBeCloseTo(600);
    expect(usageAt(web!, 99 * 60_000).cpu).toBe(800); // flat after the last point
    expect(usageAt(db!, 5 * 60_000).cpu).toBe(500);
    expect(usageAt(batch!, 10 * 60_000).cpu).toBeCloseTo(250);
    expect(usageAt(batch!, 20 * 60_000).cpu).toBeCloseTo(375);
  });

  it.each([
    [
      'a malformed quantity',
      ['cpu: 400m, memory: 512Mi', 'cpu: lots, memory: 512Mi'],
      /trace\.yaml: spec\.workloads\.0\.requests\.cpu: invalid quantity "lots"/,
    ],
    [
      'a node not declared',
      ['nodes: [n-1]', 'nodes: [m-1]'],
      /trace\.yaml: spec\.workloads\.1\.nodes\.0: no node m-1 in spec\.nodes/,
    ],
    [
      'a bad duration',
      ['duration: 40m', 'duration: forty'],
      /trace\.yaml: spec\.duration: must be a duration/,
    ],
    ['an unknown field', ['seed: 7', 'seed: 7\n  seeds: 8'], /trace\.yaml: spec: .*seeds/],
    ['another kind', ['kind: UsageTrace', 'kind: ResourcePool'], /trace\.yaml: kind: .*UsageTrace/],
    [
      'a bad percentage',
      ['cpu: 100%', 'cpu: "-5%"'],
      /trace\.yaml: spec\.workloads\.1\.usage\.0\.cpu: invalid percentage/,
    ],
  ])('rejects %s, naming the file and the field', (_, [from, to], message) => {
    expect(() => parseUsageTrace(sampleWith(from!, to!), 'trace.yaml')).toThrow(SimulationInputError);
    expect(() => parseUsageTrace(sampleWith(from!, to!), 'trace.yaml')).toThrow(message);
  });

  it('rejects invalid YAML and more than one document', () => {
    expect(() => parseUsageTrace('kind: [', 't.yaml')).toThrow(/^t\.yaml: invalid YAML/);
    expect(() => parseUsageTrace(`${SAMPLE}\n---\n${SAMPLE}`, 't.yaml')).toThrow(
      /expected one UsageTrace document, got 2/,
    );
  });
});

describe('whatIf on the sample trace and pool', () => {
  const trace = parseUsageTrace(SAMPLE, 'trace.yaml');
  const report = whatIf(trace, pool());
  const [reactive, forecast] = report.summaries;

  it('reactive rebalancing lets a node cross the cpu ceiling; forecast-based rebalancing does not', () => {
    expect(reactive!.forecast).toBe('None');
    expect(forecast!.forecast).toBe('Holt');
    expect(reactive!.peakCpu).toBeGreaterThan(80);
    expect(reactive!.intervalsOverCeiling).toBeGreaterThan(0);
    expect(forecast!.peakCpu).toBeLessThan(80);
    expect(forecast!.intervalsOverCeiling).toBe(0);
    // Both relieve n-0 with urgent moves; the forecast run says it acts on a forecast.
    expect(reactive!.urgentEvictions).toBeGreaterThan(0);
    expect(forecast!.urgentEvictions).toBeGreaterThan(0);
    const firstUrgent = report.runs[1]!.samples.find((s) => s.urgent > 0)!;
    expect(firstUrgent.atMs).toBeLessThan(reactive!.firstOverCeilingMs!);
  });

  it('consolidation drains a node in both runs, and every interval is replayed', () => {
    for (const s of report.summaries) {
      expect(s.consolidationEvictions).toBeGreaterThan(0);
      expect(s.nodesInUse.end).toBeLessThan(s.nodesInUse.start);
      expect(s.balanceEvictions).toBe(0); // BinPack: only ceilings make a node hot
    }
    expect(report.runs.every((r) => r.samples.length === 40 * 4 + 1)).toBe(true);
  });

  it('recommends node counts from the demand (more when the forecast sees growth)', () => {
    for (const s of report.summaries) {
      expect(s.recommendedNodes.start).toBeGreaterThanOrEqual(1);
      expect(s.recommendedNodes.max).toBeGreaterThanOrEqual(s.recommendedNodes.end);
    }
    expect(forecast!.recommendedNodes.max).toBeGreaterThanOrEqual(reactive!.recommendedNodes.max);
  });

  it('is reproducible: the trace seeds its noise', () => {
    expect(whatIf(trace, pool()).summaries).toEqual(report.summaries);
  });

  it('prints a summary, an interval table and a chart with both runs and the ceiling', () => {
    const text = formatWhatIf(report, 'table');
    expect(text).toMatch(
      /^What-if: trace rising-web on pool packed, 4 nodes, every 15s for 40m, cpu ceiling 80%/,
    );
    expect(text).toMatch(/Reactive \(None\)\s+8\d\.\d\s+\d+ interval\(s\)\s+\d+m/);
    expect(text).toMatch(/Forecast \(Holt\)\s+[4-7]\d\.\d\s+0 interval\(s\)\s+-/);
    expect(text).toMatch(/^TIME\s+R MAX%\s+R OVER\s+R MOVES\s+R NODES\s+R REC\s+F MAX%/m);
    expect(text).toMatch(/^ {2}80 \|[-R F*]+$/m); // the ceiling's row
    expect(text).toMatch(/^ {2}85 \|[ RF*]*R/m); // reactive above it
    expect(JSON.parse(formatWhatIf(report, 'json')).summaries[1].intervalsOverCeiling).toBe(0);
  });
});

describe('whatIf with a pool that spreads load and does not consolidate', () => {
  it('balances before any ceiling, drains nothing, and notes what the replay assumed', () => {
    const spread = pool({
      allocation: { strategy: 'LeastLoaded', basis: 'Usage' },
      optimization: { forecast: 'None' },
    });
    const report = whatIf(parseUsageTrace(SAMPLE, 'trace.yaml'), spread);
    for (const s of report.summaries) {
      expect(s.intervalsOverCeiling).toBe(0);
      expect(s.consolidationEvictions).toBe(0);
      expect(s.balanceEvictions).toBeGreaterThan(0);
    }
    expect(report.notes.join('\n')).toMatch(/forecast run uses Holt/);
    expect(report.notes.join('\n')).toMatch(/consolidation.mode is Off/);
  });
});
