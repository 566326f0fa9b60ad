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
