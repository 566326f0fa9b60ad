/**
 * Node probes, the I/O shell around the failover core: TCP and HTTP probes (behind an address guard that
 * defaults to loopback only), Lease age and Ready condition (pure), probe addresses, and the prober that runs
 * them every period with bounded concurrency and jitter.
 */
export {
  allowCidrs,
  loopbackOnly,
  LOOPBACK_CIDRS,
  refusedMessage,
  type AddressGuard,
} from './address-guard.js';
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
export { formatAddress, type ProbeAddress, type ProbeCheck, type ProbeOutcome } from './types.js';
