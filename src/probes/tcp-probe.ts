/**
 * TCP probe: a node is alive when a TCP connection to its probe address is accepted within the timeout. The
 * connection is closed as soon as it opens; nothing is sent.
 */
import { connect as netConnect } from 'node:net';
import { errorText, runGuarded, type NetworkProbeOptions } from './network-probe.js';
import { formatAddress, type ProbeAddress, type ProbeCheck, type ProbeOutcome } from './probe-check.js';

/** Connects to `address`; resolves (never rejects) with the outcome. */
export function tcpProbe(address: ProbeAddress, options: NetworkProbeOptions = {}): Promise<ProbeOutcome> {
  const label = `tcp ${formatAddress(address)}`;
  return runGuarded(address, label, options, (fail, succeed) => {
    const socket = (options.connect ?? netConnect)({ host: address.host, port: address.port });
    socket.on('connect', succeed);
    socket.on('error', (error) => fail(errorText(error)));
    return () => socket.destroy();
  });
}

/** A ProbeCheck for the prober: tcpProbe with the prober's signal (which carries the timeout). */
export function tcpCheck(options: Omit<NetworkProbeOptions, 'signal' | 'timeoutMs'> = {}): ProbeCheck {
  return (address, signal) => tcpProbe(address, { ...options, signal });
}
