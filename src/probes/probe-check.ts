/** The vocabulary shared by the probes and the prober. */

/** Where to probe a node: an IP literal (never a host name) and a port. */
export interface ProbeAddress {
  host: string;
  port: number;
}

/**
 * The result of one probe. `inconclusive` means it was never attempted (no usable address, refused by the
 * address guard, stopped by the caller): it says nothing about the node, and the detector does not count it.
 */
export type ProbeOutcome =
  { ok: true; latencyMs: number } | { ok: false; reason: string; latencyMs: number; inconclusive?: boolean };

/** One network check of an address, which must settle soon after `signal` aborts. Never rejects. */
export type ProbeCheck = (address: ProbeAddress, signal: AbortSignal) => Promise<ProbeOutcome>;

/** "127.0.0.1:10250", "[::1]:10250". */
export function formatAddress(address: ProbeAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
