import fc from 'fast-check';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../model/pod-info.js';
import {
  buildColumn,
  compileNodeConstraints,
  constraintVerdict,
  constraintVerdicts,
  VERDICT_AFFINITY,
  VERDICT_OK,
  VERDICT_SELECTOR,
} from './node-affinity.js';

type Labels = Record<string, string>;

/** The core API's semantics, written out directly, to check the compiled forms against. */
function reference(
  selector: Labels | undefined,
  terms: NodeSelectorTerm[] | undefined,
  name: string,
  labels: Labels,
): number {
  for (const [k, v] of Object.entries(selector ?? {})) if (labels[k] !== v) return VERDICT_SELECTOR;
  if (terms === undefined) return VERDICT_OK;
  const holds = (req: NodeSelectorRequirement, present: boolean, value: string | undefined): boolean => {
    const values = req.values ?? [];
    if (req.operator === 'In') return present && values.includes(value!);
    if (req.operator === 'NotIn') return !present || !values.includes(value!);
    if (req.operator === 'Exists') return present;
    if (req.operator === 'DoesNotExist') return !present;
    const isInt = (t: string | undefined) => t !== undefined && /^[+-]?[0-9]+$/.test(t);
    if (!present || values.length !== 1 || !isInt(value) || !isInt(values[0])) return false;
    return req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
  };
  const termHolds = (t: NodeSelectorTerm): boolean => {
    const exprs = t.matchExpressions ?? [];
    const fields = t.matchFields ?? [];
    if (exprs.length + fields.length === 0) return false;
    return (
      exprs.every((r) => holds(r, r.key in labels, labels[r.key])) &&
      fields.every((r) => r.key === 'metadata.name' && holds(r, true, name))
    );
  };
  return terms.some(termHolds) ? VERDICT_OK : VERDICT_AFFINITY;
}

const key = fc.constantFrom('zone', 'disk', 'cores');
const value = fc.constantFrom('a', 'b', '4', '16', '-1');
const labelsArb = fc.dictionary(key, value, { maxKeys: 3 });
const requirementArb = fc.record({
  key: fc.oneof(key, fc.constant('metadata.name')),
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'),
  values: fc.array(fc.oneof(value, fc.constantFrom('n0', 'n1')), { maxLength: 2 }),
});
const termArb = fc.record(
  {
    matchExpressions: fc.array(requirementArb, { maxLength: 2 }),
    matchFields: fc.array(requirementArb, { maxLength: 1 }),
  },
  { requiredKeys: [] },
);

describe('compiled node constraints', () => {
  it('decide every node as the core API semantics do, one at a time or all at once', () => {
    fc.assert(
      fc.property(
        fc.array(labelsArb, { minLength: 1, maxLength: 5 }),
        fc.option(fc.dictionary(key, value, { maxKeys: 2 }), { nil: undefined }),
        fc.option(fc.array(termArb, { maxLength: 3 }), { nil: undefined }),
        (nodes, selector, terms) => {
          const names = nodes.map((_, i) => `n${i}`);
          const columns = (k: string) =>
            buildColumn(nodes.length, (i) => (k in nodes[i]! ? nodes[i]![k] : undefined));
          const nameColumn = () => buildColumn(names.length, (i) => names[i]);
          const compiled = compileNodeConstraints(selector, terms, columns, nameColumn);
          const all = constraintVerdicts(compiled, nodes.length);
          nodes.forEach((labels, i) => {
            const want = reference(selector, terms, names[i]!, labels);
            expect(all[i]).toBe(want);
            expect(['ok', 'selector', 'affinity'].indexOf(constraintVerdict(compiled, i))).toBe(want);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
