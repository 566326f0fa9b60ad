import { isDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  const cases: Array<{ scenario: string; text: string; wantMs: number }> = [
    { scenario: 'milliseconds', text: '500ms', wantMs: 500 },
    { scenario: 'seconds', text: '15s', wantMs: 15_000 },
    { scenario: 'minutes', text: '2m', wantMs: 120_000 },
    { scenario: 'hours and minutes', text: '1h30m', wantMs: 5_400_000 },
    { scenario: 'fractional seconds', text: '1.5s', wantMs: 1_500 },
    { scenario: 'minutes then milliseconds (m is not ms)', text: '1m5ms', wantMs: 60_005 },
    { scenario: 'microseconds', text: '250us', wantMs: 0.25 },
    { scenario: 'nanoseconds', text: '1000000ns', wantMs: 1 },
    { scenario: 'zero with a unit', text: '0s', wantMs: 0 },
  ];
  it.each(cases)('$scenario: $text is $wantMs ms', ({ text, wantMs }) => {
    expect(isDuration(text)).toBe(true);
    expect(parseDuration(text)).toBeCloseTo(wantMs, 9);
  });

  const invalid: Array<{ scenario: string; text: string }> = [
    { scenario: 'empty', text: '' },
    { scenario: 'no unit', text: '15' },
    { scenario: 'negative', text: '-1s' },
    { scenario: 'words', text: '5 minutes' },
    { scenario: 'unknown unit', text: '1d' },
    { scenario: 'space between terms', text: '1h 30m' },
    { scenario: 'leading dot', text: '.5s' },
  ];
  it.each(invalid)('$scenario: "$text" is refused', ({ text }) => {
    expect(isDuration(text)).toBe(false);
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });
});
