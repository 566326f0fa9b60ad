import fc from 'fast-check';
import { kthSmallest } from './nearby-nodes.js';

describe('kthSmallest', () => {
  it('property: equals the k-th element of the sorted values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        (values, pick) => {
          const k = (pick % values.length) + 1;
          const sorted = [...values].sort((a, b) => a - b);
          expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k - 1]);
        },
      ),
    );
  });
});
