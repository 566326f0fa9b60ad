import { objectKey, type CachedObject } from './object-key.js';

/** One change to a store, as informer handlers see it. */
export type StoreDelta<T> =
  { type: 'add'; object: T } | { type: 'update'; old: T; object: T } | { type: 'delete'; object: T };

/**
 * The informer's in-memory cache: the latest known state of each object, by `objectKey`. Every mutation
 * returns the delta it caused (or none), so the informer can tell handlers exactly what changed.
 *
 * Guarantees: an object whose resourceVersion did not change produces no delta; `replace` yields the
 * deletes for objects that vanished while the watch was down, carrying their last known state.
 */
export class ObjectStore<T extends CachedObject> {
  private readonly items = new Map<string, T>();

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  get size(): number {
    return this.items.size;
  }

  /** A snapshot array of every object (O(n): prefer `values()` in hot paths). */
  list(): T[] {
    return [...this.items.values()];
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Inserts or replaces an object; no delta when the stored copy has the same resourceVersion. */
  upsert(object: T): StoreDelta<T> | undefined {
    const key = objectKey(object);
    const old = this.items.get(key);
    if (old && sameVersion(old, object)) return undefined;
    this.items.set(key, object);
    return old ? { type: 'update', old, object } : { type: 'add', object };
  }

  /** Removes an object; the delta carries the final state reported by the server. */
  remove(object: T): StoreDelta<T> | undefined {
    const key = objectKey(object);
    if (!this.items.delete(key)) return undefined;
    return { type: 'delete', object };
  }

  /**
   * Makes the store hold exactly `objects` (the result of a fresh list) and returns the deltas, deletes first.
   */
  replace(objects: readonly T[]): StoreDelta<T>[] {
    const incoming = new Map<string, T>();
    for (const object of objects) incoming.set(objectKey(object), object);
    const deltas: StoreDelta<T>[] = [];
    for (const [key, old] of this.items) {
      if (!incoming.has(key)) {
        this.items.delete(key);
        deltas.push({ type: 'delete', object: old });
      }
    }
    for (const object of incoming.values()) {
      const delta = this.upsert(object);
      if (delta) deltas.push(delta);
    }
    return deltas;
  }
}

function sameVersion(a: CachedObject, b: CachedObject): boolean {
  const rv = a.metadata?.resourceVersion;
  return rv !== undefined && rv !== '' && rv === b.metadata?.resourceVersion;
}
