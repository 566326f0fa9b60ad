import { parsePrometheusVector } from './prometheus-parser.js';

const byNode = (labels: Record<string, string>) => labels.node;

describe('parsePrometheusVector', () => {
  it('reads one value per node with its evaluation time', () => {
    const parsed = parsePrometheusVector(
      {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { node: 'n1' }, value: [1767261600.5, '0.75'] },
            { metric: { node: 'n2' }, value: [1767261600.5, '2'] },
          ],
        },
      },
      byNode,
    );
    expect(parsed).toEqual({
      values: [
        { key: 'n1', time: 1767261600500, value: 0.75 },
        { key: 'n2', time: 1767261600500, value: 2 },
      ],
      problems: [],
    });
  });

  it('reports series without the node label, non-finite values and duplicates as problems', () => {
    const parsed = parsePrometheusVector(
      {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { instance: 'x:9100' }, value: [1, '1'] },
            { metric: { node: 'n1' }, value: [1, 'NaN'] },
            { metric: { node: 'n2' }, value: [1, '1'] },
            { metric: { node: 'n2' }, value: [1, '2'] },
          ],
        },
      },
      byNode,
    );
    expect(parsed.values).toEqual([{ key: 'n2', time: 1000, value: 1 }]);
    expect(parsed.problems.map((p) => p.key)).toEqual([undefined, 'n1', 'n2']);
  });

  it('throws on an error response or a result that is not an instant vector', () => {
    expect(() =>
      parsePrometheusVector(
        { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' },
        byNode,
      ),
    ).toThrow('prometheus: bad_data: parse error at char 4');
    expect(() =>
      parsePrometheusVector({ status: 'success', data: { resultType: 'matrix', result: [] } }, byNode),
    ).toThrow(/instant vector/);
  });
});
