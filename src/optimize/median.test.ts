import { median } from './capacity-recommendation.js';

describe('median (selection)', () => {
  const sorted = (values: number[]): number => {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  };

  test('is the sorted middle on odd, even, repeated and empty inputs', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let n = 1; n <= 60; n++) {
      const values = Array.from({ length: n }, () => Math.floor(rand() * 8) * 4000); // many repeats
      expect(median(values)).toBe(sorted(values));
      const spread = Array.from({ length: n }, () => rand() * 1e9);
      expect(median(spread)).toBe(sorted(spread));
    }
    expect(median([])).toBe(0);
  });
});
