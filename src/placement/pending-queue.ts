/**
 * Pending pods in placement order: highest priority first; within a priority, first created first (then by
 * key, so the order is total and deterministic). A binary heap with a position index: add, remove, update and
 * pop are O(log n), peek and has O(1).
 */

/** What the queue orders by. `creationTimestamp` undefined sorts after every timestamp of its priority. */
export interface QueuedPod {
  key: string;
  priority: number;
  creationTimestamp: number | undefined;
}

/** True when `a` is placed before `b`. */
export function placedBefore(a: QueuedPod, b: QueuedPod): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  const ta = a.creationTimestamp ?? Infinity;
  const tb = b.creationTimestamp ?? Infinity;
  if (ta !== tb) return ta < tb;
  return a.key < b.key;
}

export class PendingQueue<T extends QueuedPod = QueuedPod> {
  private readonly heap: T[] = [];
  private readonly position = new Map<string, number>();

  get size(): number {
    return this.heap.length;
  }

  has(key: string): boolean {
    return this.position.has(key);
  }

  get(key: string): T | undefined {
    const i = this.position.get(key);
    return i === undefined ? undefined : this.heap[i];
  }

  /** Adds `item`, or replaces the queued item with the same key (its priority may have changed). */
  add(item: T): void {
    const i = this.position.get(item.key);
    if (i !== undefined) {
      this.heap[i] = item;
      this.siftUp(i);
      this.siftDown(this.position.get(item.key) as number);
      return;
    }
    this.heap.push(item);
    this.position.set(item.key, this.heap.length - 1);
    this.siftUp(this.heap.length - 1);
  }

  /** Removes the item with `key`; false when it was not queued. */
  remove(key: string): boolean {
    const i = this.position.get(key);
    if (i === undefined) return false;
    this.position.delete(key);
    const last = this.heap.pop() as T;
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.position.set(last.key, i);
      this.siftUp(i);
      this.siftDown(this.position.get(last.key) as number);
    }
    return true;
  }

  /** The item to place next, without removing it. */
  peek(): T | undefined {
    return this.heap[0];
  }

  /** Removes and returns the item to place next. */
  pop(): T | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.remove(top.key);
    return top;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i] as T;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as T;
      if (!placedBefore(item, p)) break;
      heap[i] = p;
      this.position.set(p.key, i);
      i = parent;
    }
    heap[i] = item;
    this.position.set(item.key, i);
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && placedBefore(heap[right] as T, heap[left] as T)) child = right;
      const c = heap[child] as T;
      if (!placedBefore(c, item)) break;
      heap[i] = c;
      this.position.set(c.key, i);
      i = child;
    }
    heap[i] = item;
    this.position.set(item.key, i);
  }
}
