/**
 * Leader election on a real Lease: one leader among two candidates, takeover after a crash within
 * leaseDuration + retryPeriod (plus one observation period), fast handover on release, and an API server
 * restart that never yields two leaders.
 */
import * as k8s from '@kubernetes/client-node';
import { LeaderElector } from '../../../src/kube/leader-election.js';
import { kubeLeaseClient } from '../../../src/kube/lease-client.js';
import { clusterScript, createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';

const kc = testKubeConfig();
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
let ns: { name: string; remove: () => Promise<void> };

const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

beforeAll(async () => {
  ns = await createTestNamespace(kc, 'rt-election');
});
afterAll(async () => {
  await ns.remove();
});

interface Candidate {
  elector: LeaderElector;
  controller: AbortController;
  done: Promise<void>;
  terms: number;
}

function candidate(lease: string, identity: string, releaseOnCancel = true): Candidate {
  const elector = new LeaderElector({
    client: kubeLeaseClient(coordination, ns.name, lease),
    identity,
    releaseOnCancel,
    ...TIMING,
  });
  const controller = new AbortController();
  const c: Candidate = { elector, controller, done: Promise.resolve(), terms: 0 };
  c.done = elector.run(controller.signal, { onStartedLeading: () => c.terms++ });
  return c;
}

/** Samples leadership every 20 ms while `body` runs; fails if two candidates ever lead at once. */
async function neverTwoLeaders<T>(candidates: Candidate[], body: () => Promise<T>): Promise<T> {
  let overlap = 0;
  const timer = setInterval(() => {
    if (candidates.filter((c) => c.elector.isLeader()).length > 1) overlap++;
  }, 20);
  try {
    return await body();
  } finally {
    clearInterval(timer);
    expect(overlap).toBe(0);
  }
}

const leaderOf = (candidates: Candidate[]) => candidates.find((c) => c.elector.isLeader());

async function stopAll(candidates: Candidate[]) {
  candidates.forEach((c) => c.controller.abort());
  await Promise.all(candidates.map((c) => c.done));
}

describe('LeaderElector on a real Lease', () => {
  test('exactly one of two candidates leads, and the Lease names it', async () => {
    const all = [candidate('one-leader', 'a'), candidate('one-leader', 'b')];
    try {
      await neverTwoLeaders(all, async () => {
        const leader = await eventually('a leader', () => leaderOf(all));
        await new Promise((r) => setTimeout(r, 4000));
        expect(leaderOf(all)).toBe(leader);
        const lease = await coordination.readNamespacedLease({ name: 'one-leader', namespace: ns.name });
        expect(lease.spec?.holderIdentity).toBe(leader.elector.identity);
      });
    } finally {
      await stopAll(all);
    }
  });

  test('a crashed leader (no release) is replaced within leaseDuration + 2 retry periods', async () => {
    const first = candidate('crash', 'first', false);
    await eventually('first leads', () => (first.elector.isLeader() ? true : undefined));
    const second = candidate('crash', 'second');
    try {
      await neverTwoLeaders([first, second], async () => {
        await new Promise((r) => setTimeout(r, 1500));
        first.controller.abort(); // stops renewing, does not release: a crash as far as the Lease can tell
        const crashedAt = Date.now();
        await eventually('second leads', () => (second.elector.isLeader() ? true : undefined), 20_000, 20);
        const takeoverMs = Date.now() - crashedAt;
        expect(takeoverMs).toBeLessThanOrEqual(TIMING.leaseDurationMs + 2 * 1.2 * TIMING.retryPeriodMs + 500);
        expect(takeoverMs).toBeGreaterThanOrEqual(TIMING.leaseDurationMs - TIMING.retryPeriodMs);
      });
    } finally {
      await stopAll([first, second]);
    }
  });

  test('graceful release hands over within about one retry period', async () => {
    const first = candidate('release', 'first');
    await eventually('first leads', () => (first.elector.isLeader() ? true : undefined));
    const second = candidate('release', 'second');
    try {
      await neverTwoLeaders([first, second], async () => {
        await new Promise((r) => setTimeout(r, 1000));
        first.controller.abort();
        await first.done;
        const releasedAt = Date.now();
        const lease = await coordination.readNamespacedLease({ name: 'release', namespace: ns.name });
        expect(lease.spec?.holderIdentity ?? '').toBe('');
        await eventually('second leads', () => (second.elector.isLeader() ? true : undefined), 10_000, 20);
        expect(Date.now() - releasedAt).toBeLessThanOrEqual(1.2 * TIMING.retryPeriodMs + 500);
      });
    } finally {
      await stopAll([first, second]);
    }
  });

  test('both candidates survive an API server restart, with never two leaders', async () => {
    const all = [candidate('restart', 'a'), candidate('restart', 'b')];
    try {
      await neverTwoLeaders(all, async () => {
        await eventually('a leader', () => leaderOf(all));
        await clusterScript('restart-apiserver.sh', ['--down-for', '3']);
        const leader = await eventually('a leader after the restart', () => leaderOf(all), 30_000);
        await new Promise((r) => setTimeout(r, 3000));
        expect(leaderOf(all)).toBe(leader);
      });
      // Down for longer than renewDeadline: the leader must have stepped down at least once.
      expect(all.reduce((n, c) => n + c.terms, 0)).toBeGreaterThanOrEqual(2);
    } finally {
      await stopAll(all);
    }
  });
});
