import fc from 'fast-check';
import { BudgetLedger, type BudgetRule, type LedgerEntry } from './budget-ledger.js';
import type { ActionKind, ActionSource, ActuationMode } from './action-requests.js';

const deletions = (limit: number, windowMs = 1000, scope: BudgetRule['scope'] = 'pool'): BudgetRule => ({
  name: `deletions-per-${scope}`,
  scope,
  sources: ['failover'],
  actions: ['DeletePod'],
  limit,
  windowMs,
});

function del(pool: string, node?: string, mode: ActuationMode = 'Enforce'): LedgerEntry {
  return { source: 'failover', pool, action: 'DeletePod', mode, ...(node ? { node } : {}) };
}

describe('BudgetLedger', () => {
  test('admits up to the limit within a window, then denies naming the rule and when room returns', () => {
    const ledger = new BudgetLedger([deletions(2, 1000)]);
    expect(ledger.tryAdmit([del('a')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a')], 400).admitted).toBe(true);
    const denied = ledger.tryAdmit([del('a')], 500);
    expect(denied).toMatchObject({ admitted: false, scopeValue: 'a', used: 2, retryAfterMs: 500 });
    expect(denied.admitted === false && denied.rule.name).toBe('deletions-per-pool');
    expect(denied.admitted === false && denied.message).toMatch(
      /deletions-per-pool exhausted for pool a: 2 of 2/,
    );
    // The window slides: at 1000 the first admission has left it.
    expect(ledger.tryAdmit([del('a')], 1000).admitted).toBe(true);
  });

  test('keeps a separate budget per pool and per node', () => {
    const ledger = new BudgetLedger([deletions(1, 1000, 'pool'), deletions(1, 1000, 'node')]);
    expect(ledger.tryAdmit([del('a', 'n1')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('b', 'n2')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a', 'n3')], 0)).toMatchObject({ admitted: false, scopeValue: 'a' });
    expect(ledger.tryAdmit([del('c', 'n1')], 0)).toMatchObject({ admitted: false, scopeValue: 'n1' });
  });

  test('rules count only their sources and actions; entries without a node skip node rules', () => {
    const ledger = new BudgetLedger([deletions(0, 1000, 'node')]);
    expect(ledger.tryAdmit([{ ...del('a', 'n1'), source: 'rebalance' }], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([{ ...del('a', 'n1'), action: 'Evict' }], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a', 'n1')], 0).admitted).toBe(false);
  });

  test('a batch is admitted whole or not at all', () => {
    const ledger = new BudgetLedger([deletions(3)]);
    expect(ledger.tryAdmit([del('a'), del('a')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a'), del('a')], 0).admitted).toBe(false);
    expect(ledger.used(deletions(3), 'Enforce', 'a', 0)).toBe(2);
    expect(ledger.tryAdmit([del('a')], 0).admitted).toBe(true);
  });

  test('DryRun is counted apart: rehearsing never eats the Enforce budget', () => {
    const ledger = new BudgetLedger([deletions(1)]);
    expect(ledger.tryAdmit([del('a', undefined, 'DryRun')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a', undefined, 'DryRun')], 0).admitted).toBe(false);
    expect(ledger.tryAdmit([del('a')], 0).admitted).toBe(true);
  });

  test('release gives back the room of an action that did not happen, once', () => {
    const ledger = new BudgetLedger([deletions(1)]);
    const first = ledger.tryAdmit([del('a')], 0);
    if (!first.admitted) throw new Error('expected admission');
    ledger.release(first.ticket);
    ledger.release(first.ticket);
    expect(ledger.tryAdmit([del('a')], 0).admitted).toBe(true);
    expect(ledger.tryAdmit([del('a')], 0).admitted).toBe(false);
  });

  test('rejects malformed rules', () => {
    expect(() => new BudgetLedger([deletions(-1)])).toThrow(/limit/);
    expect(() => new BudgetLedger([deletions(1.5)])).toThrow(/limit/);
    expect(() => new BudgetLedger([deletions(1, 0)])).toThrow(/windowMs/);
  });

  describe('properties', () => {
    const sources: ActionSource[] = ['failover', 'preemption', 'rebalance'];
    const kinds: ActionKind[] = ['Evict', 'DeletePod', 'Cordon', 'Taint'];
    const entryArb = fc.record({
      source: fc.constantFrom(...sources),
      pool: fc.constantFrom('a', 'b'),
      node: fc.constantFrom('n1', 'n2', 'n3'),
      action: fc.constantFrom(...kinds),
      mode: fc.constantFrom<ActuationMode>('Enforce', 'DryRun'),
    });
    const ruleArb = fc.record({
      name: fc.constantFrom('r1', 'r2', 'r3'),
      scope: fc.constantFrom<BudgetRule['scope']>('cluster', 'source', 'pool', 'node'),
      sources: fc.option(fc.subarray(sources, { minLength: 1 }), { nil: undefined }),
      actions: fc.option(fc.subarray(kinds, { minLength: 1 }), { nil: undefined }),
      limit: fc.integer({ min: 0, max: 4 }),
      windowMs: fc.integer({ min: 1, max: 50 }),
    });
    // Steps: a batch of 1–3 entries after a time step (possibly 0), sometimes releasing an earlier ticket.
    const stepArb = fc.record({
      dt: fc.integer({ min: 0, max: 20 }),
      batch: fc.array(entryArb, { minLength: 1, maxLength: 3 }),
      release: fc.option(fc.nat(), { nil: undefined }),
    });
    const uniqueRules = fc.uniqueArray(ruleArb, { selector: (r) => r.name, minLength: 1, maxLength: 3 });

    function counts(rule: BudgetRule, entry: LedgerEntry): string | undefined {
      if (rule.sources && !rule.sources.includes(entry.source)) return undefined;
      if (rule.actions && !rule.actions.includes(entry.action)) return undefined;
      const value = { cluster: '', source: entry.source, pool: entry.pool, node: entry.node }[rule.scope];
      return value === undefined ? undefined : `${entry.mode}/${value}`;
    }

    test('no rule ever has more than `limit` live admissions in any window, per scope value and mode', () => {
      fc.assert(
        fc.property(uniqueRules, fc.array(stepArb, { maxLength: 60 }), (rules, steps) => {
          const ledger = new BudgetLedger(rules);
          const admitted: Array<{ at: number; entries: LedgerEntry[]; ticket: number; released: boolean }> =
            [];
          let now = 0;
          for (const step of steps) {
            now += step.dt;
            if (step.release !== undefined && admitted.length > 0) {
              const victim = admitted[step.release % admitted.length]!;
              ledger.release({ id: victim.ticket });
              victim.released = true;
            }
            const result = ledger.tryAdmit(step.batch, now);
            if (result.admitted)
              admitted.push({ at: now, entries: step.batch, ticket: result.ticket.id, released: false });
            // Check the invariant over the window ending now, for each rule and scope value.
            for (const rule of rules) {
              const live = new Map<string, number>();
              for (const a of admitted) {
                if (a.released || a.at <= now - rule.windowMs) continue;
                for (const e of a.entries) {
                  const key = counts(rule, e);
                  if (key !== undefined) live.set(key, (live.get(key) ?? 0) + 1);
                }
              }
              for (const n of live.values()) expect(n).toBeLessThanOrEqual(rule.limit);
            }
          }
        }),
      );
    });

    test('a denial always names a rule that is really full for that batch', () => {
      fc.assert(
        fc.property(uniqueRules, fc.array(stepArb, { maxLength: 40 }), (rules, steps) => {
          const ledger = new BudgetLedger(rules);
          let now = 0;
          for (const step of steps) {
            now += step.dt;
            const result = ledger.tryAdmit(step.batch, now);
            if (result.admitted) continue;
            const asked = step.batch.filter((e) => counts(result.rule, e) !== undefined).length;
            expect(asked).toBeGreaterThan(0);
            expect(result.used + asked).toBeGreaterThan(result.rule.limit);
            expect(result.retryAfterMs).toBeGreaterThanOrEqual(0);
          }
        }),
      );
    });

    test('with no matching rule everything is admitted', () => {
      fc.assert(
        fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
          const ledger = new BudgetLedger([
            { ...deletions(0), sources: ['preemption'], actions: ['Untaint'] },
          ]);
          for (const step of steps) expect(ledger.tryAdmit(step.batch, step.dt).admitted).toBe(true);
        }),
      );
    });
  });
});
