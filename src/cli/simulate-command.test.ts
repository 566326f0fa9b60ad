import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { simulateCommand } from './simulate-command.js';

const testdata = (name: string) => fileURLToPath(new URL(`../simulate/testdata/${name}`, import.meta.url));

/** Runs the command, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const log = jest.spyOn(console, 'log').mockImplementation((...a) => void (stdout += `${a.join(' ')}\n`));
  const error = jest
    .spyOn(console, 'error')
    .mockImplementation((...a) => void (stderr += `${a.join(' ')}\n`));
  try {
    return { code: await simulateCommand(args), stdout, stderr };
  } finally {
    write.mockRestore();
    log.mockRestore();
    error.mockRestore();
  }
}

describe('fulcrum simulate (file mode)', () => {
  const files = ['--cluster', testdata('cluster.yaml'), '--pending', testdata('pending.yaml')];

  test('prints a table of decisions in placement order, the pools, and the notes', async () => {
    const { code, stdout } = await run(files);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^#\s+POD\s+PRIORITY\s+POOL\s+RESULT\s+NODE\s+SCORE\s+LOAD\s+WHY$/);
    expect(lines[1]).toMatch(
      /^1\s+shop\/big\s+1000\s+general\s+Preempts\s+n1\s.*evicts shop\/filler-a \(priority 10\)$/,
    );
    expect(lines[3]).toMatch(
      /^3\s+shop\/web-0\s+900\s+general\s+Placed\s+n1\s+67\.5\s+32\.5%\s+LeastLoaded on Requests/,
    );
    expect(stdout).toContain('8 pending: 5 placed, 1 after preemption, 2 unschedulable.');
    expect(stdout).toMatch(/general\s+2\/2\s+LeastLoaded\/Requests\s+50→75\/80/);
  });

  test.each(['json', 'yaml'])('-o %s prints the report as data', async (format) => {
    const { code, stdout } = await run([...files, '-o', format]);
    expect(code).toBe(0);
    const report = format === 'json' ? JSON.parse(stdout) : parseYaml(stdout);
    expect(report.totals).toEqual({ pending: 8, placed: 5, preempts: 1, unschedulable: 2 });
    expect(report.pods[0]).toMatchObject({ pod: 'shop/big', result: 'Preempts', node: 'n1' });
  });

  test('bad input exits 1 with a message naming the file and object', async () => {
    const { code, stderr } = await run([
      '--cluster',
      testdata('cluster.yaml'),
      '--pending',
      testdata('cluster.yaml'),
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `fulcrum simulate: ${testdata('cluster.yaml')}: Node n1 (document 1): kind Node cannot be simulated ` +
        '(expected Pod, Deployment, ReplicaSet, StatefulSet)\n',
    );
  });

  test('a missing file exits 1 naming it', async () => {
    const { code, stderr } = await run(['--cluster', '/nonexistent/cluster.yaml']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^fulcrum simulate: \/nonexistent\/cluster\.yaml: cannot read: ENOENT/);
  });

  test.each([
    { scenario: 'neither snapshot flag', args: [] },
    { scenario: 'both snapshot flags', args: ['--cluster', 'a', '--kubeconfig', 'b'] },
    { scenario: 'an unknown output format', args: ['--cluster', 'a', '-o', 'xml'] },
    { scenario: 'an unknown flag', args: ['--nodes', '3'] },
  ])('a usage error ($scenario) exits 2', async ({ args }) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^fulcrum simulate: .*\n\nUsage: fulcrum simulate/);
  });
});

describe('fulcrum simulate --what-if', () => {
  const example = (name: string) =>
    fileURLToPath(new URL(`../../deploy/examples/what-if/${name}`, import.meta.url));
  const files = [
    '--what-if',
    example('usage-trace-rising.yaml'),
    '--pool',
    example('resourcepool-packed.yaml'),
  ];

  test('replays the sample trace: a summary per run, the interval table and the chart', async () => {
    const { code, stdout } = await run(files);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^What-if: trace rising-web on pool packed/);
    expect(stdout).toMatch(/^Reactive \(None\)\s+8\d\.\d\s+[1-9]\d* interval\(s\)/m);
    expect(stdout).toMatch(/^Forecast \(Holt\)\s+\d+\.\d\s+0 interval\(s\)/m);
    expect(stdout).toContain('Hottest node cpu % over time');
  });

  test('-o json prints the report as data', async () => {
    const { code, stdout } = await run([...files, '-o', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.summaries.map((s: { name: string }) => s.name)).toEqual(['Reactive', 'Forecast']);
    expect(report.runs[0].samples).toHaveLength(161);
  });

  test('a bad trace exits 1 naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'what-if-'));
    const bad = join(dir, 'trace.yaml');
    writeFileSync(
      bad,
      'kind: UsageTrace\nspec:\n  duration: 1m\n  nodes: [{name: n, cpu: "8", memory: x}]\n  workloads: []\n',
    );
    const { code, stderr } = await run(['--what-if', bad, '--pool', example('resourcepool-packed.yaml')]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `fulcrum simulate: ${bad}: spec.workloads: Too small: expected array to have >=1 items\n`,
    );
  });

  test('a pool file that is not one valid ResourcePool exits 1 naming it', async () => {
    const { code, stderr } = await run([
      '--what-if',
      example('usage-trace-rising.yaml'),
      '--pool',
      testdata('cluster.yaml'),
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cluster\.yaml: expected exactly one ResourcePool, got \d+ object\(s\)/);
  });

  test.each([
    { scenario: '--what-if without --pool', args: ['--what-if', 'a.yaml'] },
    { scenario: '--what-if with --cluster', args: ['--what-if', 'a', '--pool', 'b', '--cluster', 'c'] },
  ])('a usage error ($scenario) exits 2', async ({ args }) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^fulcrum simulate: .*\n\nUsage: fulcrum simulate/);
  });
});
