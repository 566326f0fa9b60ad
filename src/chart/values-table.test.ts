import { readFileSync } from 'node:fs';
import { chartFile, chartReadme } from './chart-readme.js';
import { TABLE_END, TABLE_START, valueRows, valuesTable, withValuesTable } from './values-table.js';

const schema = { properties: { image: { properties: { tag: {} } }, resources: { type: 'object' } } };

describe('the chart values table', () => {
  test.each([
    {
      scenario: 'a group with properties in the schema gets a row per key; the first key keeps its comment',
      yaml: 'image:\n  # The tag.\n  tag: v1\n',
      wantRows: [{ path: 'image.tag', defaultValue: '"v1"', description: 'The tag.' }],
    },
    {
      scenario: 'a free-form object is one row with its default as JSON',
      yaml: '# Requests and limits.\nresources:\n  limits:\n    memory: 1Gi\n',
      wantRows: [
        {
          path: 'resources',
          defaultValue: '{"limits":{"memory":"1Gi"}}',
          description: 'Requests and limits.',
        },
      ],
    },
    {
      scenario: 'a comment over several lines becomes one',
      yaml: 'a: 1\n# One\n# two.\nreplicas: 2\n',
      wantRows: [
        { path: 'a', defaultValue: '1', description: '' },
        { path: 'replicas', defaultValue: '2', description: 'One two.' },
      ],
      wantError: 'values without a comment in values.yaml: a',
    },
  ])('$scenario', ({ yaml, wantRows, wantError }) => {
    if (wantError) expect(() => valueRows(yaml, schema)).toThrow(wantError);
    else expect(valueRows(yaml, schema)).toEqual(wantRows);
  });

  test('pipes in descriptions are escaped, and the table lands between the markers', () => {
    const table = valuesTable([{ path: 'x', defaultValue: '"a|b"', description: 'c | d' }]);
    expect(table).toContain('| `x` | `"a\\|b"` | c \\| d |');
    const readme = withValuesTable(`intro\n${TABLE_START}\nold\n${TABLE_END}\nend\n`, table);
    expect(readme).toBe(`intro\n${TABLE_START}\n\n${table}\n${TABLE_END}\nend\n`);
  });

  test('charts/fulcrum/README.md documents every value of values.yaml with its default (`make chart-docs`)', () => {
    const committed = readFileSync(chartFile('README.md'), 'utf8');
    expect(committed === chartReadme(committed)).toBe(true);
  });
});
