import {
  formatBytes,
  formatDecimal,
  formatMillicores,
  parseMillicores,
  parseQuantity,
  parseUnits,
} from './quantity.js';

describe('parseQuantity', () => {
  const cases: Array<{ name: string; input: string | number; want: number }> = [
    { name: 'plain integer', input: '4', want: 4 },
    { name: 'number passes through', input: 2.5, want: 2.5 },
    { name: 'milli', input: '250m', want: 0.25 },
    { name: 'binary gibi', input: '32Gi', want: 32 * 2 ** 30 },
    { name: 'decimal mega', input: '200M', want: 200e6 },
    { name: 'decimal kilo', input: '1k', want: 1000 },
    { name: 'fraction', input: '1.5', want: 1.5 },
    { name: 'exponent', input: '1e3', want: 1000 },
    { name: 'nano', input: '500n', want: 5e-7 },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(parseQuantity(input)).toBeCloseTo(want, 12);
  });

  it.each(['', 'abc', '1Xi', '--1', '.', '1.2.3'])('rejects malformed %p', (input) => {
    expect(() => parseQuantity(input)).toThrow(/invalid quantity/);
  });
});

describe('parseMillicores and parseUnits round up to whole units', () => {
  it('cpu', () => {
    expect(parseMillicores('1')).toBe(1000);
    expect(parseMillicores('250m')).toBe(250);
    expect(parseMillicores('0.1')).toBe(100);
    expect(parseMillicores('1500u')).toBe(2);
  });
  it('bytes', () => {
    expect(parseUnits('1Ki')).toBe(1024);
    expect(parseUnits('1.5')).toBe(2);
    expect(parseUnits('128974848')).toBe(128974848);
  });
});

describe('formatting round-trips through parsing', () => {
  it.each([
    [formatMillicores, parseMillicores, [0, 1000, 12500, 250, 16000]],
    [formatBytes, parseUnits, [0, 1024, 32 * 2 ** 30, 1536 * 2 ** 20, 1000]],
    [formatDecimal, parseUnits, [0, 10e9, 200e6, 1500, 7]],
  ] as const)('%p', (format, parse, values) => {
    for (const v of values) expect(parse(format(v))).toBe(v);
  });
  it('picks the largest exact suffix', () => {
    expect(formatMillicores(16000)).toBe('16');
    expect(formatMillicores(12500)).toBe('12500m');
    expect(formatBytes(32 * 2 ** 30)).toBe('32Gi');
    expect(formatBytes(1536 * 2 ** 20)).toBe('1536Mi');
    expect(formatDecimal(10e9)).toBe('10G');
  });
});
