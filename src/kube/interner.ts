/**
 * Shares equal values between cached objects, so 150,000 pods of a few hundred workloads hold a few hundred
 * copies of their labels, owner references, containers and tolerations instead of 150,000.
 *
 * Guarantees:
 * - `string(s)` returns a string equal to `s`; `shared(v)` returns a value deep-equal to `v` (by its JSON
 *   form, so key order matters and Dates compare by instant). Equal inputs usually return the same instance.
 * - A value returned by `shared` is deep-frozen: it may be handed to any number of objects, and a consumer
 *   that tries to change it throws (ES modules are strict) instead of silently changing every other pod.
 * - Memory is bounded: when a table holds `maxEntries` values it is cleared and starts again. Values already
 *   handed out stay valid; later equal values simply stop being shared with them. Unique strings (names,
 *   uids) must not be interned: they would only fill the table.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly values = new Map<string, unknown>();

  constructor(private readonly maxEntries = 50_000) {}

  string<S extends string | undefined>(value: S): S {
    if (value === undefined) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as S;
    if (this.strings.size >= this.maxEntries) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }

  /** A shared, deep-frozen instance equal to `value` (undefined stays undefined). */
  shared<T>(value: T): T {
    if (value === undefined || value === null || typeof value !== 'object') return value;
    const key = JSON.stringify(value);
    const known = this.values.get(key);
    if (known !== undefined) return known as T;
    return this.remember(key, value);
  }

  /**
   * `shared(plain(value))`, copying only on a miss: the key is the JSON form, which is the same for `value`
   * and its plain copy (JSON skips undefined members), so the common case — a value already seen on another
   * pod — allocates nothing but the key. `value` itself is never frozen or kept.
   */
  sharedCopy<T>(value: T): T {
    if (value === undefined || value === null || typeof value !== 'object') return value;
    const key = JSON.stringify(value);
    const known = this.values.get(key);
    if (known !== undefined) return known as T;
    return this.remember(key, plain(value));
  }

  private remember<T>(key: string, value: T): T {
    if (this.values.size >= this.maxEntries) this.values.clear();
    deepFreeze(value);
    this.values.set(key, value);
    return value;
  }

  get size(): { strings: number; values: number } {
    return { strings: this.strings.size, values: this.values.size };
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/**
 * A JSON-equal plain copy without undefined members: the client's decoder gives every generated class all
 * of its attributes, set or not, which costs memory and makes equal values differ in shape.
 */
export function plain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(plain) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
  return out as T;
}
