import { CounterRates } from './counter-rate.js';

describe('CounterRates', () => {
  it('gives the per-second rate between consecutive readings of a key', () => {
    const rates = new CounterRates();
    expect(rates.update('n1', 10_000, 1_000)).toBeUndefined();
    expect(rates.update('n1', 20_000, 6_000)).toBe(500);
    expect(rates.update('n2', 20_000, 6_000)).toBeUndefined();
  });

  it('skips a reset (counter going backwards) and a reading that is not newer', () => {
    const rates = new CounterRates();
    rates.update('n1', 10_000, 5_000);
    expect(rates.update('n1', 10_000, 9_000)).toBeUndefined();
    expect(rates.update('n1', 20_000, 100)).toBeUndefined();
    expect(rates.update('n1', 30_000, 1_100)).toBe(100);
  });

  it('forgets keys not retained', () => {
    const rates = new CounterRates();
    rates.update('n1', 10_000, 5_000);
    rates.retain(() => false);
    expect(rates.update('n1', 20_000, 6_000)).toBeUndefined();
  });
});
