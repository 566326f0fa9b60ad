/**
 * Go-style durations ("500ms", "15s", "2m", "1h30m"), the format Kubernetes users already write and the one the
 * API server's CEL `duration()` understands, so cross-field rules can compare them on the server.
 */

/**
 * One or more `<number><unit>` terms with units h, m, s, ms, us or ns; no sign, no bare numbers.
 * A subset of Go's `time.ParseDuration`, written so that JavaScript and the API server's RE2 agree on it.
 */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(h|m|s|ms|us|ns))+$/;

const TERM = /([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|ns)/g;

const MS_PER_UNIT: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 1e-3,
  ns: 1e-6,
};

/**
 * A CEL expression that holds when the string expression `expr` is a duration, so rules can guard their
 * `duration()` calls: the API server reports the pattern violation instead of a CEL evaluation error.
 */
export function celIsDuration(expr: string): string {
  return `${expr}.matches(r'${DURATION_PATTERN.source}')`;
}

/** Whether `text` is a duration that `parseDuration` (and the API server) accepts. */
export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/**
 * The length of a Go-style duration in milliseconds ("1h30m" → 5_400_000, "250us" → 0.25).
 * Throws on anything DURATION_PATTERN rejects.
 */
export function parseDuration(text: string): number {
  if (!DURATION_PATTERN.test(text)) {
    throw new Error(
      `invalid duration ${JSON.stringify(text)}: expected a duration such as 500ms, 15s or 1h30m`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(TERM)) {
    ms += Number(amount) * (MS_PER_UNIT[unit ?? ''] ?? Number.NaN);
  }
  return ms;
}
