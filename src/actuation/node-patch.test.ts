import type { V1Node } from '@kubernetes/client-node';
import { nodePatch } from './node-patch.js';
import type { NodeChange } from './action-requests.js';

function node(spec: V1Node['spec'] = {}, annotations?: Record<string, string>): V1Node {
  return { metadata: { name: 'n1', resourceVersion: '42', ...(annotations ? { annotations } : {}) }, spec };
}

const oos = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoSchedule' };

interface PatchCase {
  scenario: string;
  node: V1Node;
  changes: NodeChange[];
  want: unknown[];
}

describe('nodePatch', () => {
  const test0 = { op: 'test', path: '/metadata/resourceVersion', value: '42' };
  test.each<PatchCase>([
    {
      scenario: 'a fence: marker, cordon and taint in one guarded patch',
      node: node({}, { other: 'x' }),
      changes: [
        { kind: 'Annotate', key: 'fulcrum.io/fenced-by', value: '{}' },
        { kind: 'Cordon' },
        { kind: 'Taint', taint: oos },
      ],
      want: [
        test0,
        { op: 'add', path: '/spec/unschedulable', value: true },
        { op: 'add', path: '/spec/taints', value: [oos] },
        { op: 'add', path: '/metadata/annotations/fulcrum.io~1fenced-by', value: '{}' },
      ],
    },
    {
      scenario: 'a taint is added to the taints someone else set, which are kept',
      node: node({ taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }),
      changes: [{ kind: 'Taint', taint: oos }],
      want: [
        test0,
        {
          op: 'add',
          path: '/spec/taints',
          value: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, oos],
        },
      ],
    },
    {
      scenario: 'the annotation map is created whole when the node has none',
      node: node(),
      changes: [{ kind: 'Annotate', key: 'a/b', value: 'v' }],
      want: [test0, { op: 'add', path: '/metadata/annotations', value: { 'a/b': 'v' } }],
    },
    {
      scenario: 'an unfence removes exactly what it names',
      node: node(
        { unschedulable: true, taints: [oos, { key: 'keep', effect: 'NoSchedule' }] },
        { m: '1', k: '2' },
      ),
      changes: [{ kind: 'Untaint', key: oos.key }, { kind: 'Uncordon' }, { kind: 'Unannotate', key: 'm' }],
      want: [
        test0,
        { op: 'remove', path: '/spec/unschedulable' },
        { op: 'add', path: '/spec/taints', value: [{ key: 'keep', effect: 'NoSchedule' }] },
        { op: 'remove', path: '/metadata/annotations/m' },
      ],
    },
    {
      scenario: 'untaint with an effect keeps the same key with another effect',
      node: node({
        taints: [
          { key: 'k', effect: 'NoSchedule' },
          { key: 'k', effect: 'NoExecute' },
        ],
      }),
      changes: [{ kind: 'Untaint', key: 'k', effect: 'NoExecute' }],
      want: [test0, { op: 'add', path: '/spec/taints', value: [{ key: 'k', effect: 'NoSchedule' }] }],
    },
    {
      scenario: 'nothing to write when the node already looks as asked',
      node: node({ unschedulable: true, taints: [oos] }, { m: '1' }),
      changes: [
        { kind: 'Cordon' },
        { kind: 'Taint', taint: oos },
        { kind: 'Annotate', key: 'm', value: '1' },
      ],
      want: [],
    },
    {
      scenario: 'removing what is not there writes nothing',
      node: node(),
      changes: [{ kind: 'Uncordon' }, { kind: 'Untaint', key: 'x' }, { kind: 'Unannotate', key: 'y' }],
      want: [],
    },
  ])('$scenario', ({ node: n, changes, want }) => {
    expect(nodePatch(n, changes)).toEqual(want);
  });

  test('refuses a node that was not read from the API server', () => {
    expect(() => nodePatch({ metadata: { name: 'n1' } }, [{ kind: 'Cordon' }])).toThrow(/resourceVersion/);
  });
});
