/**
 * Which probe addresses Fulcrum connects to, pure. Production needs no configuration:
 *
 *  1. Never an address `probeable` refuses (unspecified, link-local, which holds the cloud metadata service
 *     169.254.169.254, other metadata addresses, multicast, broadcast), whatever else allows it.
 *  2. A node's own address, one listed in its `status.addresses` (the kubelet reports them, and the API server
 *     reaches the kubelet at them): always. This is the default, InternalIP first (see probe-address.ts).
 *  3. An address a node annotation names that is not one of the node's own: only inside the CIDRs the operator
 *     was started with (`--probe-allow-cidrs`, none by default). Anyone allowed to annotate a node could
 *     otherwise point the operator's probes at any host its network reaches.
 *
 * A refused address is never connected to: the prober reports the node inconclusive with the reason, and the
 * pool's ProbesHealthy condition, its Event and the probe metric count it as refused.
 */
import { isIP } from 'node:net';
import { allowCidrs, neverProbedReason, type AddressGuard } from './address-guard.js';
import type { AddressedNode, AddressResolution } from './probe-address.js';

/** The default redirect guard: annotations may name only the node's own addresses. */
export const NO_REDIRECTS: AddressGuard = allowCidrs([]);

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

/** Whether the resolved probe address of `node` may be probed; `redirects` judges annotation redirects. */
export function probeAddressVerdict(
  node: AddressedNode,
  resolved: Extract<AddressResolution, { ok: true }>,
  redirects: AddressGuard,
): AddressVerdict {
  const host = resolved.address.host;
  const never = neverProbedReason(host);
  if (never !== undefined) return { ok: false, reason: `probe address ${host} is ${never}; never probed` };
  if (resolved.source !== 'annotation' || isOwnAddress(node, host)) return { ok: true };
  if (redirects(host)) return { ok: true };
  return {
    ok: false,
    reason:
      `probe address ${host} from an annotation is not one of the node's own addresses and is outside ` +
      `--probe-allow-cidrs (${redirects.description}); not probed`,
  };
}

/** Whether `host` is one of the IP addresses in the node's status.addresses (as written, case aside). */
function isOwnAddress(node: AddressedNode, host: string): boolean {
  const wanted = host.toLowerCase();
  return (node.status?.addresses ?? []).some(
    (a) => isIP(a.address) !== 0 && a.address.toLowerCase() === wanted,
  );
}
