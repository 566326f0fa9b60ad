import fc from 'fast-check';
import { nodeInfoFromNode, type NodeInfo } from '../model/node-info.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { node, pod } from '../testing/builders.js';
import { newNodeHealth, type NodeHealth, type NodeHealthState } from './detector.js';
import { FENCED_BY_ANNOTATION, formatFenceMarker } from './fence-marker.js';
import { planPool, type PoolPlanInput } from './pool-plan.js';
import { OUT_OF_SERVICE_TAINT_KEY } from './recovery-plan.js';

const NOW = Date.parse('2026-05-04T10:00:00Z');
const MARKER = formatFenceMarker({ pool: 'general', cordoned: true, tainted: true, at: NOW - 60_000 });

function stateOf(name: string, health: NodeHealth): NodeHealthState {
  const down = health === 'Failed' || health === 'Recovering';
  return {
    ...newNodeHealth(
      name,
      down ? { at: NOW - 1000, reason: { source: 'probe', message: 'refused' } } : undefined,
    ),
    health,
    suspectSince: health === 'Healthy' ? undefined : NOW - 2000,
    consecutiveSuccesses: health === 'Healthy' ? 2 : 0,
    evidence:
      health === 'Healthy'
        ? { probe: 'ok', lease: 'fresh', condition: 'ready' }
        : { probe: 'failing', lease: 'missed', condition: 'unknown' },
  };
}

/** A fenced node as the informer shows it after Fulcrum's fence. */
function fenced(name: string): NodeInfo {
  return nodeInfoFromNode(
    node(name)
      .unschedulable()
      .taint(OUT_OF_SERVICE_TAINT_KEY, 'NoExecute', 'nodeshutdown')
      .annotate(FENCED_BY_ANNOTATION, MARKER)
      .obj(),
  );
}

function poolInput(
  healths: Record<string, NodeHealth>,
  options: { fencedNodes?: string[]; size?: number } = {},
): PoolPlanInput & { podCalls: string[] } {
  const size = options.size ?? 10;
  const members = Array.from({ length: size }, (_, i) => `n${i}`);
  const fencedNodes = new Set(options.fencedNodes ?? []);
  const nodes = new Map(
    members.map((m) => [m, fencedNodes.has(m) ? fenced(m) : nodeInfoFromNode(node(m).obj())]),
  );
  const pods = new Map(members.map((m) => [m, [podInfoFromPod(pod(`${m}-a`).onNode(m).obj())]]));
  const podCalls: string[] = [];
  return {
    podCalls,
    pool: 'general',
    mode: 'Enforce',
    fencing: 'OutOfServiceTaint',
    maxUnhealthy: '30%',
    detector: { failureThreshold: 3, successThreshold: 2 },
    members,
    health: new Map(members.map((m) => [m, stateOf(m, healths[m] ?? 'Healthy')])),
    nodeInfo: (name) => nodes.get(name),
    podsOf: (name) => {
      podCalls.push(name);
      return pods.get(name) ?? [];
    },
    fenced: (name) => fencedNodes.has(name),
    policyOf: () => ({ failover: 'Reschedule', priority: 0 }),
    ownerKind: () => 'ReplicaSet',
    now: NOW,
    safeTimeMs: 300_000,
  };
}

describe('planPool', () => {
  test('a failed unfenced node is fenced, and its pods are not even looked at', () => {
    const input = poolInput({ n2: 'Failed' });
    const plan = planPool(input);
    expect(plan.failover.map((p) => [p.node, p.step])).toEqual([['n2', 'Fence']]);
    expect(input.podCalls).toEqual([]);
  });

  test('a failed fenced node gets its pods rescheduled', () => {
    const plan = planPool(poolInput({ n2: 'Failed' }, { fencedNodes: ['n2'] }));
    const only = plan.failover[0];
    expect(only?.step === 'Reschedule' && only.deletions.map((d) => d.pod)).toEqual(['default/n2-a']);
  });

  test("the operator's own node is never failed over, fenced or not; the other failed node still is", () => {
    for (const fencedNodes of [[], ['n2']]) {
      const plan = planPool({ ...poolInput({ n2: 'Failed', n5: 'Failed' }, { fencedNodes }), ownNode: 'n2' });
      expect(plan.failover.map((p) => p.node)).toEqual(['n5']);
    }
  });

  test('a suspected partition plans no failover at all', () => {
    const plan = planPool(
      poolInput(
        { n0: 'Failed', n1: 'Failed', n2: 'Failed', n3: 'Suspect', n4: 'Suspect' },
        { fencedNodes: ['n0'] },
      ),
    );
    expect(plan.verdict.verdict).toBe('PartitionSuspected');
    expect(plan.failover).toEqual([]);
  });

  test('a recovered node Fulcrum fenced is unfenced, even during a suspected partition', () => {
    const plan = planPool(
      poolInput({ n0: 'Failed', n1: 'Failed', n2: 'Failed', n3: 'Failed' }, { fencedNodes: ['n7'] }),
    );
    expect(plan.verdict.verdict).toBe('PartitionSuspected');
    expect(plan.unfence.map((p) => [p.node, p.step])).toEqual([['n7', 'Unfence']]);
  });

  test('mode Off plans nothing', () => {
    const plan = planPool({ ...poolInput({ n2: 'Failed' }, { fencedNodes: ['n5'] }), mode: 'Off' });
    expect(plan.failover).toEqual([]);
    expect(plan.unfence).toEqual([]);
  });

  test('after a restart a node Fulcrum fenced is Unknown: neither unfenced nor failed over without fresh evidence', () => {
    const input = poolInput({}, { fencedNodes: ['n1'] });
    const health = new Map(input.health);
    health.set('n1', newNodeHealth('n1'));
    const plan = planPool({ ...input, health });
    expect(plan.failover).toEqual([]);
    expect(plan.unfence).toEqual([]);
  });

  test('most probes refused: the pool fails over no node (probesUsable false), and still unfences proven ones', () => {
    const plan = planPool({
      ...poolInput({ n2: 'Failed' }, { fencedNodes: ['n2', 'n5'] }),
      probesUsable: false,
    });
    expect(plan.failover).toEqual([]);
    expect(plan.unfence.map((p) => [p.node, p.step])).toEqual([['n5', 'Unfence']]);
  });

  test('property: no pod deletion anywhere when more nodes are unhealthy than maxUnhealthy allows', () => {
    const healthArb = fc.constantFrom<NodeHealth>('Healthy', 'Healthy', 'Suspect', 'Failed', 'Recovering');
    fc.assert(
      fc.property(
        fc.array(healthArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        (healths, percent, fencedFlags) => {
          const names = healths.map((_, i) => `n${i}`);
          const input = {
            ...poolInput(Object.fromEntries(names.map((n, i) => [n, healths[i]!])), {
              size: healths.length,
              fencedNodes: names.filter((_, i) => fencedFlags[i]),
            }),
            maxUnhealthy: `${percent}%`,
          };
          const plan = planPool(input);
          const unhealthy = healths.filter((h) => h !== 'Healthy').length;
          // A non-zero percentage allows at least one node; never the whole pool (see partition-guard.ts).
          const floor = Math.floor((percent * healths.length) / 100);
          const allowed = Math.min(Math.max(percent > 0 ? 1 : 0, floor), healths.length - 1);
          const deletions = plan.failover.flatMap((p) => (p.step === 'Reschedule' ? p.deletions : []));
          if (unhealthy > allowed) {
            expect(plan.failover).toEqual([]);
            expect(deletions).toEqual([]);
          }
          for (const p of plan.failover) expect(plan.verdict.act).toContain(p.node);
          for (const d of deletions) expect(input.health.get(d.node)?.health).toBe('Failed');
        },
      ),
    );
  });
});
