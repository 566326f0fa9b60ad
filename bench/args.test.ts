import { parseBenchArgs } from './args.js';

describe('parseBenchArgs', () => {
  it.each([
    {
      name: 'suite only, defaults',
      argv: ['placement'],
      want: { suite: 'placement', nodes: [], podsPerNode: 30, quick: false, json: undefined },
    },
    {
      name: 'every option',
      argv: ['placement', '--nodes', '100,5000', '--pods-per-node', '10', '--quick', '--json', 'out.json'],
      want: { suite: 'placement', nodes: [100, 5000], podsPerNode: 10, quick: true, json: 'out.json' },
    },
    {
      name: 'repeated --nodes',
      argv: ['all', '--nodes', '1', '--nodes', '2'],
      want: { suite: 'all', nodes: [1, 2] },
    },
  ])('$name', ({ argv, want }) => {
    expect(parseBenchArgs(argv)).toMatchObject(want);
  });

  it.each([
    { name: 'no suite', argv: [] },
    { name: 'two suites', argv: ['placement', 'rebalance'] },
    { name: 'unknown flag', argv: ['placement', '--fast'] },
    { name: 'missing value', argv: ['placement', '--nodes'] },
    { name: 'not a number', argv: ['placement', '--nodes', 'many'] },
  ])('rejects $name', ({ argv }) => {
    expect(() => parseBenchArgs(argv)).toThrow(/usage: bench/);
  });
});
