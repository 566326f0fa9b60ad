/**
 * A new object with those of `keys` that are defined on `source`. The client's decoder gives every generated
 * class all of its attributes, set or not; copying only the set ones keeps cached records small.
 */
export function pickDefined<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
