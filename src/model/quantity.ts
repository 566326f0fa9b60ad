/**
 * Kubernetes resource quantities ("250m", "32Gi", "1.5", "200M") as plain numbers in base units.
 *
 * CPU is kept in millicores and everything else in whole base units (bytes, bits/s, pods), so that
 * aggregates are integers and sums never drift through floating point.
 */

const BINARY_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL_SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity grammar of k8s.io/apimachinery (sign, digits, optional fraction, suffix or exponent). */
export const QUANTITY_PATTERN = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE]?)$/;

/** Parses a quantity into its value in base units (cores, bytes, bits/s). Throws on a malformed string. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = QUANTITY_PATTERN.exec(quantity.trim());
  if (!match || match[1] === undefined || !/[0-9]/.test(match[1])) {
    throw new Error(`invalid quantity ${JSON.stringify(quantity)}`);
  }
  const value = Number(match[1]);
  const suffix = match[2] ?? '';
  if (Number.isNaN(value)) throw new Error(`invalid quantity ${JSON.stringify(quantity)}`);
  if (suffix.startsWith('e') || suffix.startsWith('E')) {
    if (suffix.length > 1) return value * 10 ** Number(suffix.slice(1));
  }
  const multiplier = BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix];
  if (multiplier === undefined) throw new Error(`invalid quantity ${JSON.stringify(quantity)}`);
  return value * multiplier;
}

/** CPU quantity in millicores, rounded up as the kubelet does ("1" → 1000, "250m" → 250, "0.1" → 100). */
export function parseMillicores(quantity: string | number): number {
  return Math.ceil(parseQuantity(quantity) * 1000 - 1e-9) || 0; // `|| 0` turns -0 into 0
}

/** Any non-CPU quantity in whole base units, rounded up ("1Ki" → 1024, "1.5" → 2). */
export function parseUnits(quantity: string | number): number {
  return Math.ceil(parseQuantity(quantity) - 1e-9) || 0;
}

/** Formats millicores as a Kubernetes quantity: whole cores without a suffix ("12"), else "12500m". */
export function formatMillicores(millicores: number): string {
  const rounded = Math.round(millicores);
  return rounded % 1000 === 0 ? String(rounded / 1000) : `${rounded}m`;
}

/** Formats bytes with the largest binary suffix that divides them exactly ("32Gi", "1536Mi", "1000"). */
export function formatBytes(bytes: number): string {
  const rounded = Math.round(bytes);
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = BINARY_SUFFIX[suffix] as number;
    if (rounded !== 0 && rounded % unit === 0) return `${rounded / unit}${suffix}`;
  }
  return String(rounded);
}

/** Formats a rate (bits/s) with the largest decimal suffix that divides it exactly ("10G", "200M"). */
export function formatDecimal(value: number): string {
  const rounded = Math.round(value);
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) {
    const unit = DECIMAL_SUFFIX[suffix] as number;
    if (rounded !== 0 && rounded % unit === 0) return `${rounded / unit}${suffix}`;
  }
  return String(rounded);
}
