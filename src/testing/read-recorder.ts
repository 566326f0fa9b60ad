/**
 * Records which fields code reads from an object, for the lean-record tests: wrap a full object, run the
 * code on the wrapper, and `paths` holds every property path it read, as segments joined by PATH_SEPARATOR
 * (label keys contain dots), `[]` standing for any array element. `showPath` prints one.
 * Dates and functions are handed out unwrapped (a Date's methods refuse a proxy).
 */
export const PATH_SEPARATOR = '\u001f';

export function showPath(path: string): string {
  return path.split(PATH_SEPARATOR).join('.').replaceAll('.[]', '[]');
}

export interface ReadRecording<T> {
  object: T;
  paths: Set<string>;
}

export function recordReads<T extends object>(target: T): ReadRecording<T> {
  const paths = new Set<string>();
  return { object: wrap(target, '', paths), paths };
}

function wrap<T extends object>(target: T, prefix: string, paths: Set<string>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof property === 'symbol' || typeof value === 'function') return value;
      if (Array.isArray(object) && property === 'length') return value;
      const segment = Array.isArray(object) ? '[]' : property;
      const path = prefix === '' ? segment : `${prefix}${PATH_SEPARATOR}${segment}`;
      paths.add(path);
      if (value === null || typeof value !== 'object' || value instanceof Date) return value;
      return wrap(value, path, paths);
    },
  });
}

/** The values at `path` (as recorded) in `object`: one per array element on the way. */
export function valuesAt(object: unknown, path: string): unknown[] {
  let current: unknown[] = [object];
  for (const part of path.split(PATH_SEPARATOR)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined || typeof value !== 'object') continue;
      if (part === '[]') {
        if (Array.isArray(value)) next.push(...(value as unknown[]));
      } else next.push((value as Record<string, unknown>)[part]);
    }
    current = next;
  }
  return current;
}
