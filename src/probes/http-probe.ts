/**
 * HTTP probe: a node is alive when `GET path` on its probe address answers 2xx or 3xx (redirects are not
 * followed, as with kubelet httpGet probes) within the timeout. Each probe opens its own connection
 * (no keep-alive pool), so a dead server can never be hidden behind a pooled socket; the body is discarded.
 * Plain HTTP only.
 */
import { request } from 'node:http';
import { errorText, runGuarded, type NetworkProbeOptions } from './network-probe.js';
import { formatAddress, type ProbeAddress, type ProbeCheck, type ProbeOutcome } from './probe-check.js';

export interface HttpProbeOptions extends NetworkProbeOptions {
  /** Request path, default "/". */
  path?: string;
}

/** GETs `path` from `address`; resolves (never rejects) with the outcome. */
export function httpProbe(address: ProbeAddress, options: HttpProbeOptions = {}): Promise<ProbeOutcome> {
  const path = options.path ?? '/';
  const label = `http GET ${formatAddress(address)}${path}`;
  return runGuarded(address, label, options, (fail, succeed) => {
    const connect = options.connect;
    const req = request({
      host: address.host,
      port: address.port,
      path,
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'fulcrum-probe', connection: 'close' },
      ...(connect ? { createConnection: () => connect({ host: address.host, port: address.port }) } : {}),
    });
    req.on('response', (res) => {
      // The status line decides; the body is discarded, and cutting it off is not an error.
      res.on('error', () => undefined);
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 400) succeed();
      else fail(`status ${status}`);
    });
    req.on('error', (error) => fail(errorText(error)));
    req.end();
    return () => req.destroy();
  });
}

/** A ProbeCheck for the prober: httpProbe with the prober's signal (which carries the timeout). */
export function httpCheck(options: Omit<HttpProbeOptions, 'signal' | 'timeoutMs'> = {}): ProbeCheck {
  return (address, signal) => httpProbe(address, { ...options, signal });
}
