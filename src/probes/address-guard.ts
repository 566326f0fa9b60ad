/**
 * Address guards: the gates a probe passes before it opens a socket. A probe to an address a guard refuses is
 * never attempted; the prober reports it as an inconclusive observation instead. Guards admit IP literals only,
 * never host names, so DNS cannot route a probe around them.
 *
 * Which address a node is probed at, and which guard judges it, is decided in address-policy.ts: a node's own
 * address needs no configuration, an annotation redirect needs `allowCidrs` of the operator's flag. Whatever
 * either says, `probeable` is the last gate: it refuses the addresses no probe has any business with (the
 * unspecified address, link-local ranges, which hold the cloud metadata service 169.254.169.254, multicast,
 * broadcast, and the other clouds' metadata addresses).
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
  return Object.assign(guard, { description: cidrs.length ? cidrs.join(', ') : 'none' });
}

/** Addresses never probed, whatever a node or an operator flag says, and why. */
const NEVER_PROBED: ReadonlyArray<{ cidrs: readonly string[]; why: string }> = [
  { cidrs: ['0.0.0.0/8', '::/128'], why: 'an unspecified address' },
  { cidrs: ['169.254.0.0/16', 'fe80::/10'], why: 'link-local (the cloud metadata service lives there)' },
  { cidrs: ['fd00:ec2::254/128', '100.100.100.200/32'], why: 'a cloud metadata address' },
  { cidrs: ['224.0.0.0/4', 'ff00::/8', '255.255.255.255/32'], why: 'a multicast or broadcast address' },
];
const NEVER_PROBED_GUARDS = NEVER_PROBED.map(({ cidrs, why }) => ({ guard: allowCidrs(cidrs), why }));

/** Why `address` is never probed, or undefined when it may be (IPv4-mapped IPv6 judged as IPv4). */
export function neverProbedReason(address: string): string | undefined {
  if (isIP(address) === 0) return 'not an IP address';
  return NEVER_PROBED_GUARDS.find(({ guard }) => guard(address))?.why;
}

/** Every IP address that is not in NEVER_PROBED: the last gate of every network probe. */
export const probeable: AddressGuard = Object.assign(
  (address: string): boolean => neverProbedReason(address) === undefined,
  { description: 'any IP address but unspecified, link-local, metadata, multicast and broadcast ones' },
);

/** The message of an observation for a probe the guard refused. */
export function refusedMessage(address: string, guard: AddressGuard): string {
  return `probe address ${address} refused by the address guard (allowed: ${guard.description}); not probed`;
}
