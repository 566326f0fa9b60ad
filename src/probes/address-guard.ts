/**
 * The address guard: the one gate every probe passes before it opens a socket. A probe to an address the
 * guard refuses is never attempted; the prober reports it as an inconclusive observation instead.
 *
 * The library default is `loopbackOnly` (127.0.0.0/8): tests, the demo and the benchmarks run on loopback and
 * must never send traffic anywhere else. A production operator opts in to its node network explicitly, for
 * example `allowCidrs(['10.0.0.0/8'])` (or `['0.0.0.0/0', '::/0']`). Guards admit IP literals only, never host
 * names, so DNS cannot route a probe around them.
 */
import { BlockList, isIP } from 'node:net';

/** Whether a probe may connect to `address`; `description` names what it admits, for messages. */
export interface AddressGuard {
  (address: string): boolean;
  readonly description: string;
}

/** A guard admitting the IP addresses inside any of `cidrs` ("127.0.0.0/8", "fd00::/8"). Throws on a bad CIDR. */
export function allowCidrs(cidrs: readonly string[]): AddressGuard {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits, extra] = cidr.split('/');
    const family = isIP(network ?? '');
    const prefix = Number(bits);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`invalid CIDR ${JSON.stringify(cidr)}`);
    }
    list.addSubnet(network as string, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  const guard = (address: string): boolean => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return Object.assign(guard, { description: cidrs.length ? cidrs.join(', ') : 'nothing' });
}

/** 127.0.0.0/8 only: the default everywhere in this library. */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8'];
export const loopbackOnly: AddressGuard = allowCidrs(LOOPBACK_CIDRS);

/** The message of an observation for a probe the guard refused. */
export function refusedMessage(address: string, guard: AddressGuard): string {
  return `probe address ${address} refused by the address guard (allowed: ${guard.description}); not probed`;
}
