/**
 * Resolving int-or-percent fields (failover.maxUnhealthy, minAvailable) against a total, the way Kubernetes
 * resolves PodDisruptionBudget and rolling-update values.
 */
import type { IntOrPercent } from './field-schemas.js';

/**
 * `value` as a count of `total`: an integer is itself, "30%" is 30% of total, rounded up or down as asked
 * (Kubernetes rounds minAvailable up and maxUnavailable down). Throws on a malformed percentage.
 */
export function scaledIntOrPercent(value: IntOrPercent, total: number, rounding: 'up' | 'down'): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9]+)%$/.exec(value);
  if (!match) throw new Error(`invalid int-or-percent ${JSON.stringify(value)}`);
  const exact = (Number(match[1]) * total) / 100;
  return rounding === 'up' ? Math.ceil(exact) : Math.floor(exact);
}
