import type { V1Pod } from '@kubernetes/client-node';
import { ReplacementTracker } from './replacement-tracker.js';

function pod(
  uid: string,
  owner: string | undefined,
  node: string | undefined,
  createdMs: number,
  deleting = false,
): V1Pod {
  return {
    metadata: {
      name: `p-${uid}`,
      uid,
      creationTimestamp: new Date(createdMs),
      ...(owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner, controller: true },
            ],
          }
        : {}),
      ...(deleting ? { deletionTimestamp: new Date(createdMs) } : {}),
    },
    spec: { containers: [], ...(node ? { nodeName: node } : {}) },
  };
}

describe('ReplacementTracker', () => {
  test('complete when each deleted pod has a replacement of its controller bound to another node', () => {
    const tracker = new ReplacementTracker();
    tracker.expect('dead', 'rs1', 10_500);
    tracker.expect('dead', 'rs1', 10_500);
    tracker.expect('dead', 'sts', 10_500);
    expect(tracker.outstanding('dead')).toBe(3);
    expect(tracker.observe(pod('a', 'rs1', undefined, 11_000))).toEqual([]); // not bound yet
    expect(tracker.observe(pod('a', 'rs1', 'n2', 11_000))).toEqual(['dead']);
    expect(tracker.observe(pod('a', 'rs1', 'n2', 11_000))).toEqual([]); // counted once
    expect(tracker.observe(pod('b', 'rs1', 'dead', 11_000))).toEqual([]); // on the failed node
    expect(tracker.observe(pod('c', 'rs1', 'n3', 11_000, true))).toEqual([]); // being deleted
    expect(tracker.observe(pod('d', 'rs1', 'n3', 5_000))).toEqual([]); // older than the deletion
    expect(tracker.observe(pod('e', 'other', 'n3', 11_000))).toEqual([]); // another controller
    expect(tracker.observe(pod('f', undefined, 'n3', 11_000))).toEqual([]); // no controller
    tracker.observe(pod('g', 'rs1', 'n4', 10_000)); // same second as the deletion: counts
    expect(tracker.outstanding('dead')).toBe(1);
    tracker.observe(pod('h', 'sts', 'n4', 12_000));
    expect(tracker.outstanding('dead')).toBe(0);
    expect(tracker.observe(pod('i', 'rs1', 'n4', 12_000))).toEqual([]); // no more than needed
  });

  test('unexpect withdraws a deletion that did not happen; forget drops the node', () => {
    const tracker = new ReplacementTracker();
    tracker.expect('dead', 'rs1', 0);
    tracker.unexpect('dead', 'rs1');
    expect(tracker.outstanding('dead')).toBe(0);
    tracker.expect('dead', 'rs1', 0);
    tracker.forget('dead');
    expect(tracker.outstanding('dead')).toBe(0);
  });
});
