import { scaledIntOrPercent } from './int-or-percent.js';

describe('scaledIntOrPercent', () => {
  const cases: Array<{
    scenario: string;
    value: number | string;
    total: number;
    rounding: 'up' | 'down';
    want: number;
  }> = [
    { scenario: 'a count is itself', value: 3, total: 10, rounding: 'down', want: 3 },
    { scenario: 'an exact percentage', value: '30%', total: 10, rounding: 'down', want: 3 },
    { scenario: 'a percentage rounded down', value: '30%', total: 7, rounding: 'down', want: 2 },
    { scenario: 'a percentage rounded up', value: '30%', total: 7, rounding: 'up', want: 3 },
    { scenario: '0% of anything', value: '0%', total: 100, rounding: 'up', want: 0 },
    { scenario: '100% is the total', value: '100%', total: 13, rounding: 'down', want: 13 },
  ];
  it.each(cases)('$scenario: $value of $total ($rounding) = $want', ({ value, total, rounding, want }) => {
    expect(scaledIntOrPercent(value, total, rounding)).toBe(want);
  });

  it('refuses a malformed percentage', () => {
    expect(() => scaledIntOrPercent('30 %', 10, 'down')).toThrow(/invalid int-or-percent/);
  });
});
