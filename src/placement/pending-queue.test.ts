import fc from 'fast-check';
import { PendingQueue, placedBefore, type QueuedPod } from './pending-queue.js';

const item = (key: string, priority: number, creationTimestamp?: number): QueuedPod => ({
  key,
  priority,
  creationTimestamp,
});

describe('PendingQueue', () => {
  it.each([
    {
      name: 'highest priority first',
      items: [item('a', 1, 1), item('b', 10, 2), item('c', 5, 0)],
      wantOrder: ['b', 'c', 'a'],
    },
    {
      name: 'first created first within a priority',
      items: [item('late', 5, 300), item('early', 5, 100), item('mid', 5, 200)],
      wantOrder: ['early', 'mid', 'late'],
    },
    {
      name: 'key breaks a tie of timestamps',
      items: [item('ns/b', 0, 7), item('ns/a', 0, 7)],
      wantOrder: ['ns/a', 'ns/b'],
    },
    {
      name: 'unknown creation time goes last within its priority',
      items: [item('unknown', 0), item('known', 0, 9e12), item('other', -1, 0)],
      wantOrder: ['known', 'unknown', 'other'],
    },
    {
      name: 'negative priorities after zero',
      items: [item('neg', -100, 0), item('zero', 0, 5)],
      wantOrder: ['zero', 'neg'],
    },
  ])('$name', ({ items, wantOrder }) => {
    const queue = new PendingQueue();
    for (const i of items) queue.add(i);
    const popped: string[] = [];
    for (let next = queue.pop(); next; next = queue.pop()) popped.push(next.key);
    expect(popped).toEqual(wantOrder);
  });

  it('replaces an item re-added with the same key, and removes by key', () => {
    const queue = new PendingQueue();
    queue.add(item('a', 1, 0));
    queue.add(item('b', 2, 0));
    queue.add(item('a', 3, 0));
    expect(queue.size).toBe(2);
    expect(queue.peek()?.key).toBe('a');
    expect(queue.remove('a')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    expect(queue.has('b')).toBe(true);
    expect(queue.pop()?.key).toBe('b');
    expect(queue.pop()).toBeUndefined();
  });

  // The invariant placement relies on: whatever was added, updated or removed, pop returns a pod no queued
  // pod should go before — a highest-priority one, first created (then smallest key) among equals.
  it('always pops a highest-priority pod, FIFO within equal priority', () => {
    const opArb = fc.oneof(
      fc
        .record({
          key: fc.integer({ min: 0, max: 30 }).map((k) => `ns/p${k}`),
          priority: fc.integer({ min: -3, max: 3 }),
          created: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        })
        .map((r) => ({ kind: 'add' as const, item: item(r.key, r.priority, r.created) })),
      fc.integer({ min: 0, max: 30 }).map((k) => ({ kind: 'remove' as const, key: `ns/p${k}` })),
      fc.constant({ kind: 'pop' as const }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const queue = new PendingQueue();
        const reference = new Map<string, QueuedPod>();
        for (const op of ops) {
          if (op.kind === 'add') {
            queue.add(op.item);
            reference.set(op.item.key, op.item);
          } else if (op.kind === 'remove') {
            expect(queue.remove(op.key)).toBe(reference.delete(op.key));
          } else {
            const popped = queue.pop();
            const expected = [...reference.values()].sort((a, b) => (placedBefore(a, b) ? -1 : 1))[0];
            expect(popped).toEqual(expected);
            if (popped) {
              for (const other of reference.values()) {
                expect(other.priority).toBeLessThanOrEqual(popped.priority);
                if (other.priority !== popped.priority) continue;
                expect(other.creationTimestamp ?? Infinity).toBeGreaterThanOrEqual(
                  popped.creationTimestamp ?? Infinity,
                );
              }
              reference.delete(popped.key);
            }
          }
          expect(queue.size).toBe(reference.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
