import { allowCidrs } from './address-guard.js';
import { NO_REDIRECTS, probeAddressVerdict } from './address-policy.js';
import { probeAddress, type AddressedNode } from './probe-address.js';

/** A node with an InternalIP (and an ExternalIP) and, optionally, a probe-address annotation. */
function nodeAt(internal: string, annotation?: string): AddressedNode {
  return {
    metadata: {
      name: 'n1',
      ...(annotation !== undefined ? { annotations: { 'fulcrum.io/probe-address': annotation } } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: internal },
        { type: 'ExternalIP', address: '203.0.113.9' },
        { type: 'Hostname', address: 'n1' },
      ],
    },
  };
}

function verdict(node: AddressedNode, redirects = NO_REDIRECTS) {
  const resolved = probeAddress(node, { port: 10250 });
  if (!resolved.ok) throw new Error(resolved.reason);
  return probeAddressVerdict(node, resolved, redirects);
}

describe('probe address policy', () => {
  test.each(['10.0.3.17', '192.168.7.2', '172.20.0.4', '127.1.0.3', '2001:db8::5'])(
    "a node's own InternalIP %s is probed with no CIDR configured",
    (ip) => {
      expect(verdict(nodeAt(ip))).toEqual({ ok: true });
    },
  );

  test("an annotation naming one of the node's own addresses needs no CIDR either", () => {
    expect(verdict(nodeAt('10.0.3.17', '203.0.113.9:9100'))).toEqual({ ok: true });
  });

  test('an annotation redirect elsewhere is refused by default and says how to allow it', () => {
    expect(verdict(nodeAt('10.0.3.17', '10.9.9.9'))).toEqual({
      ok: false,
      reason:
        "probe address 10.9.9.9 from an annotation is not one of the node's own addresses and is outside " +
        '--probe-allow-cidrs (none); not probed',
    });
  });

  test('an annotation redirect inside --probe-allow-cidrs is probed; outside it is not', () => {
    const redirects = allowCidrs(['10.9.0.0/16']);
    expect(verdict(nodeAt('10.0.3.17', '10.9.9.9'), redirects)).toEqual({ ok: true });
    expect(verdict(nodeAt('10.0.3.17', '10.8.9.9'), redirects)).toMatchObject({ ok: false });
  });

  test.each(['169.254.169.254', '[fd00:ec2::254]:80', '100.100.100.200', '0.0.0.0', 'fe80::1'])(
    'a redirect to %s is refused even when every address is allowed',
    (annotation) => {
      const everything = allowCidrs(['0.0.0.0/0', '::/0']);
      expect(verdict(nodeAt('10.0.3.17', annotation), everything)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/never probed$/),
      });
    },
  );

  test('a node whose own address is link-local is not probed either', () => {
    expect(verdict(nodeAt('169.254.3.4'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/link-local/),
    });
  });
});
