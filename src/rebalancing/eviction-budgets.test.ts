import { EvictionBudgets } from './eviction-budgets.js';
import { podInfo } from './planner-fixtures.js';

const settings = {
  maxEvictionsPerCycle: 3,
  maxEvictionsPerNode: 2,
  maxEvictionsPerNamespace: 2,
  maxUrgentEvictionsPerCycle: 2,
};

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

  it('urgent moves draw on the urgent budget and the disruption budgets, never on the balance budgets', () => {
    const budgets = new EvictionBudgets(settings, { pdbs: () => [{ name: 'web', disruptionsAllowed: 3 }] });
    const pod = (name: string) => podInfo({ name, namespace: 'shop', cpu: 1 }, 'n1');
    for (const name of ['u1', 'u2']) {
      const v = budgets.check(pod(name), 'n1', 'Urgent');
      expect(v.ok).toBe(true);
      budgets.spend(pod(name), 'n1', v.ok ? v.budgets : [], 'Urgent');
    }
    expect(budgets.check(pod('u3'), 'n1', 'Urgent')).toMatchObject({ ok: false, reason: 'UrgentBudget' });
    // The balance budgets are untouched (node 2, namespace 2), but the shared PDB has one disruption left.
    const balance = budgets.check(pod('b1'), 'n1');
    expect(balance).toEqual({ ok: true, budgets: ['pdb:web'] });
    budgets.spend(pod('b1'), 'n1', ['pdb:web']);
    expect(budgets.check(pod('b2'), 'n1')).toMatchObject({ ok: false, reason: 'DisruptionBudget' });
  });
});
