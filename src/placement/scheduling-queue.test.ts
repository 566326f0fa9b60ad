import fc from 'fast-check';
import { SchedulingQueue } from './scheduling-queue.js';

const pod = (key: string, priority = 0, creationTimestamp = 0) => ({ key, priority, creationTimestamp });

describe('SchedulingQueue', () => {
  it('pops active pods highest priority first, FIFO within a priority', () => {
    const queue = new SchedulingQueue();
    queue.add(pod('a', 1, 3));
    queue.add(pod('b', 5, 9));
    queue.add(pod('c', 1, 1));
    expect(queue.popDue(0).map((p) => p.key)).toEqual(['b', 'c', 'a']);
    expect(queue.size).toBe(0);
  });

  it('keeps a parked pod out until its backoff has passed and something woke it', () => {
    const queue = new SchedulingQueue({ initialBackoffMs: 1000, retryAfterMs: 30_000 });
    queue.park(pod('a'), 0);
    queue.wake();
    expect(queue.popDue(999)).toEqual([]);
    expect(queue.popDue(1000).map((p) => p.key)).toEqual(['a']);
  });

  it('retries a parked pod after retryAfterMs even when nothing woke it', () => {
    const queue = new SchedulingQueue({ initialBackoffMs: 1000, retryAfterMs: 30_000 });
    queue.park(pod('a'), 0);
    expect(queue.popDue(29_999)).toEqual([]);
    expect(queue.nextDueAt(5)).toBe(30_000);
    expect(queue.popDue(30_000).map((p) => p.key)).toEqual(['a']);
  });

  it('doubles the backoff per failed attempt up to the maximum, and forgets it once placed', () => {
    const queue = new SchedulingQueue({ initialBackoffMs: 1000, maxBackoffMs: 4000 });
    const notBefore: number[] = [];
    let now = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      queue.park(pod('a'), now);
      queue.wake();
      notBefore.push((queue.nextDueAt(now) as number) - now);
      now += 10_000;
      expect(queue.popDue(now)).toHaveLength(1);
    }
    expect(notBefore).toEqual([1000, 2000, 4000, 4000]);
    queue.placed('a');
    queue.park(pod('a'), now);
    queue.wake();
    expect(queue.nextDueAt(now)).toBe(now + 1000);
  });

  it('a pod whose victims are leaving is retried on the next change, without backoff', () => {
    const queue = new SchedulingQueue({ initialBackoffMs: 1000 });
    queue.park(pod('a'), 0, { retryWithoutBackoff: true });
    expect(queue.popDue(0)).toEqual([]);
    queue.wake();
    expect(queue.popDue(0).map((p) => p.key)).toEqual(['a']);
  });

  it('an update of a parked pod keeps it parked but wakes it', () => {
    const queue = new SchedulingQueue({ initialBackoffMs: 1000 });
    queue.park(pod('a', 1), 0);
    queue.add(pod('a', 7));
    expect(queue.activeSize).toBe(0);
    expect(queue.popDue(1000)).toEqual([pod('a', 7)]);
  });

  it('removed pods are gone from both queues', () => {
    const queue = new SchedulingQueue();
    queue.add(pod('a'));
    queue.park(pod('b'), 0);
    queue.remove('a');
    queue.remove('b');
    expect(queue.size).toBe(0);
    expect(queue.nextDueAt(0)).toBeUndefined();
  });

  it('never loses or duplicates a pod, and pops due pods in priority order', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 0, max: 6 }), p: fc.nat(3) }),
      fc.record({ kind: fc.constant('park' as const), key: fc.integer({ min: 0, max: 6 }), p: fc.nat(3) }),
      fc.record({ kind: fc.constant('remove' as const), key: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('wake' as const) }),
      fc.record({ kind: fc.constant('pop' as const), dt: fc.nat(40_000) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const queue = new SchedulingQueue();
        const expected = new Set<string>();
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'add' || o.kind === 'park') {
            const item = pod(`p${o.key}`, o.p, o.key);
            if (o.kind === 'add') queue.add(item);
            else queue.park(item, now);
            expected.add(item.key);
          } else if (o.kind === 'remove') {
            queue.remove(`p${o.key}`);
            expected.delete(`p${o.key}`);
          } else if (o.kind === 'wake') {
            queue.wake();
          } else {
            now += o.dt;
            const popped = queue.popDue(now);
            for (let i = 1; i < popped.length; i++) {
              expect(popped[i - 1]!.priority).toBeGreaterThanOrEqual(popped[i]!.priority);
            }
            for (const p of popped) expected.delete(p.key);
          }
          expect(queue.size).toBe(expected.size);
          for (const key of expected) expect(queue.has(key)).toBe(true);
        }
      }),
    );
  });
});
