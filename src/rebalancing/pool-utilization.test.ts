import { zeroResources, type ResourceVector } from '../model/resources.js';
import { poolUtilization } from './pool-utilization.js';

const vector = (v: Partial<ResourceVector>): ResourceVector => ({ ...zeroResources(), ...v });

test('per resource: the busiest node and the mean, over nodes that have that resource', () => {
  const usage = new Map([
    ['a', vector({ cpu: 900, memory: 2 ** 30 })],
    ['b', vector({ cpu: 300, memory: 3 * 2 ** 30, network: 5e8 })],
  ]);
  const allocatable = new Map([
    ['a', vector({ cpu: 1000, memory: 4 * 2 ** 30 })],
    ['b', vector({ cpu: 1000, memory: 4 * 2 ** 30, network: 1e9 })],
  ]);
  const result = poolUtilization(usage, (n) => allocatable.get(n));
  expect(result).toEqual([
    { resource: 'cpu', max: 90, mean: 60, nodes: 2 },
    { resource: 'memory', max: 75, mean: 50, nodes: 2 },
    // Only b declares a network capacity; nobody has ephemeral storage, so it is left out.
    { resource: 'network', max: 50, mean: 50, nodes: 1 },
  ]);
});

test('a node the model no longer knows counts for nothing; no usage, no figures', () => {
  const usage = new Map([['gone', vector({ cpu: 500 })]]);
  expect(poolUtilization(usage, () => undefined)).toEqual([]);
  expect(poolUtilization(new Map(), () => vector({ cpu: 1000 }))).toEqual([]);
});
