import { EvictionBudgets } from './eviction-budgets.js';
import { podInfo } from './planner-fixtures.js';

const settings = { maxEvictionsPerCycle: 3, maxEvictionsPerNode: 2, maxEvictionsPerNamespace: 2 };

describe('EvictionBudgets', () => {
  it('charges every budget at once and names the one that runs out', () => {
    const budgets = new EvictionBudgets(settings, {
      policyBudgets: (pod) =>
        pod.name.startsWith('web') ? [{ name: 'shop/web', disruptionsAllowed: 1 }] : [],
    });
    const web1 = podInfo({ name: 'web-1', namespace: 'shop', cpu: 1 }, 'n1');
    const web2 = podInfo({ name: 'web-2', namespace: 'shop', cpu: 1 }, 'n2');
    const first = budgets.check(web1, 'n1');
    expect(first).toEqual({ ok: true, budgets: ['policy:shop/web'] });
    budgets.spend(web1, 'n1', first.ok ? first.budgets : []);
    expect(budgets.check(web2, 'n2')).toEqual({
      ok: false,
      reason: 'DisruptionBudget',
      detail: 'policy:shop/web',
    });
    const db = podInfo({ name: 'db', namespace: 'shop', cpu: 1 }, 'n1');
    budgets.spend(db, 'n1', []);
    expect(budgets.check(podInfo({ name: 'c', namespace: 'other', cpu: 1 }, 'n1'), 'n1')).toMatchObject({
      reason: 'NodeBudget',
    });
    expect(budgets.check(podInfo({ name: 'c', namespace: 'shop', cpu: 1 }, 'n3'), 'n3')).toMatchObject({
      reason: 'NamespaceBudget',
    });
    budgets.spend(podInfo({ name: 'd', namespace: 'other', cpu: 1 }, 'n3'), 'n3', []);
    expect(budgets.exhausted).toBe(true);
    expect(budgets.check(podInfo({ name: 'e', namespace: 'x', cpu: 1 }, 'n4'), 'n4')).toMatchObject({
      reason: 'CycleBudget',
    });
  });

  it('treats a budget that allows nothing as spent from the start', () => {
    const budgets = new EvictionBudgets(settings, { pdbs: () => [{ name: 'db', disruptionsAllowed: 0 }] });
    expect(budgets.check(podInfo({ name: 'db-0', cpu: 1 }, 'n1'), 'n1')).toEqual({
      ok: false,
      reason: 'DisruptionBudget',
      detail: 'pdb:db',
    });
  });
});
