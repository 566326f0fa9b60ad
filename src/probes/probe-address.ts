/**
 * Where to probe a node, pure: the address in a node annotation when there is one, else its InternalIP.
 *
 * Which annotation: the pool's `probe.addressAnnotation` when set, else `fulcrum.io/probe-address` (so a
 * node can be pointed at a loopback listener without touching the pool). Its value is an IP literal with an
 * optional port: `127.0.1.7`, `127.0.1.7:18080`, `::1` or `[::1]:18080`; without a port the pool's
 * `probe.port` is used. Host names are refused: the address guard judges IP addresses, and DNS must not be
 * able to send a probe past it. A malformed annotation is an error, never a silent fallback to InternalIP.
 */
import { isIP } from 'node:net';
import type { ProbeAddress } from './probe-check.js';

export const DEFAULT_PROBE_ADDRESS_ANNOTATION = 'fulcrum.io/probe-address';

/** The parts of a core/v1 Node that name its addresses (a V1Node fits). */
export interface AddressedNode {
  metadata?: { name?: string; annotations?: Record<string, string> };
  status?: { addresses?: ReadonlyArray<{ type: string; address: string }> };
}

export interface ProbeAddressOptions {
  /** The pool's probe.port, used unless the annotation names a port. */
  port: number;
  /** The pool's probe.addressAnnotation; DEFAULT_PROBE_ADDRESS_ANNOTATION when undefined. */
  annotation?: string;
}

export type AddressResolution =
  { ok: true; address: ProbeAddress; source: 'annotation' | 'InternalIP' } | { ok: false; reason: string };

/** The address to probe `node` at; see the file comment for the rules. */
export function probeAddress(node: AddressedNode, options: ProbeAddressOptions): AddressResolution {
  const key = options.annotation ?? DEFAULT_PROBE_ADDRESS_ANNOTATION;
  const value = node.metadata?.annotations?.[key];
  if (value !== undefined) {
    const parsed = parseHostPort(value.trim(), options.port);
    return typeof parsed === 'string'
      ? { ok: false, reason: `annotation ${key}=${JSON.stringify(value)}: ${parsed}` }
      : { ok: true, address: parsed, source: 'annotation' };
  }
  const internal = node.status?.addresses?.find((a) => a.type === 'InternalIP' && isIP(a.address) !== 0);
  if (internal)
    return { ok: true, address: { host: internal.address, port: options.port }, source: 'InternalIP' };
  return { ok: false, reason: `node has no ${key} annotation and no InternalIP address` };
}

/** "host", "host:port", "[v6]" or "[v6]:port" → address, or an error message. */
export function parseHostPort(text: string, defaultPort: number): ProbeAddress | string {
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2];
    if (isIP(host) !== 6) return 'not an IPv6 address in brackets';
  } else if (isIP(text) === 0) {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return 'not an IP address (host names are not allowed)';
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (isIP(host) !== 4) return 'not an IP address (host names are not allowed; write IPv6 as [addr]:port)';
  }
  if (portText === undefined) return { host, port: defaultPort };
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port < 1 || port > 65535)
    return `invalid port ${JSON.stringify(portText)}`;
  return { host, port };
}
