/**
 * Node probes, the I/O shell around the failover core: TCP and HTTP probes (at the node's own addresses, or
 * where an annotation redirects them inside the operator's allowed CIDRs; never link-local or metadata), Lease
 * age and Ready condition (pure), probe addresses, and the prober that runs them every period with bounded
 * concurrency and jitter.
 */
export {
  allowCidrs,
  neverProbedReason,
  probeable,
  refusedMessage,
  type AddressGuard,
} from './address-guard.js';
export { NO_REDIRECTS, probeAddressVerdict, type AddressVerdict } from './address-policy.js';
export {
  DEFAULT_PROBE_ADDRESS_ANNOTATION,
  parseHostPort,
  probeAddress,
  type AddressedNode,
  type AddressResolution,
  type ProbeAddressOptions,
} from './probe-address.js';
export { errorText, type ConnectFn, type NetworkProbeOptions } from './network-probe.js';
export { tcpCheck, tcpProbe } from './tcp-probe.js';
export { httpCheck, httpProbe, type HttpProbeOptions } from './http-probe.js';
export {
  DEFAULT_NODE_LEASE_DURATION_MS,
  leaseAgeMs,
  leaseObservation,
  leaseRenewTime,
  leaseMissedAfterMs,
  leaseStaleAfterMs,
  observedLeaseAgeMs,
  observeLease,
  type LeaseLike,
  type LeaseSighting,
} from './lease-probe.js';
export { readyObservation, type NodeWithConditions } from './node-condition.js';
export {
  networkCheckFor,
  probeTarget,
  probeTimings,
  Prober,
  type ProberOptions,
  type ProberStats,
  type ProbeTarget,
} from './prober.js';
export { formatAddress, type ProbeAddress, type ProbeCheck, type ProbeOutcome } from './probe-check.js';
