import { node } from '../testing/builders.js';
import { probeAddress, type AddressedNode } from './probe-address.js';

function withAddresses(n: AddressedNode, addresses: Array<{ type: string; address: string }>): AddressedNode {
  return { ...n, status: { ...n.status, addresses } };
}

describe('probeAddress', () => {
  const internal = [
    { type: 'Hostname', address: 'n1' },
    { type: 'InternalIP', address: '127.0.1.1' },
  ];

  test.each([
    {
      scenario: 'InternalIP when there is no annotation',
      node: withAddresses(node('n1').obj(), internal),
      want: { ok: true, address: { host: '127.0.1.1', port: 10250 }, source: 'InternalIP' },
    },
    {
      scenario: 'the default annotation wins over InternalIP',
      node: withAddresses(node('n1').annotate('fulcrum.io/probe-address', '127.0.2.2').obj(), internal),
      want: { ok: true, address: { host: '127.0.2.2', port: 10250 }, source: 'annotation' },
    },
    {
      scenario: 'the annotation may carry a port',
      node: node('n1').annotate('fulcrum.io/probe-address', '127.0.2.2:18080').obj(),
      want: { ok: true, address: { host: '127.0.2.2', port: 18080 }, source: 'annotation' },
    },
    {
      scenario: 'IPv6 in brackets with a port',
      node: node('n1').annotate('fulcrum.io/probe-address', '[::1]:18080').obj(),
      want: { ok: true, address: { host: '::1', port: 18080 }, source: 'annotation' },
    },
    {
      scenario: 'bare IPv6',
      node: node('n1').annotate('fulcrum.io/probe-address', 'fd00::5').obj(),
      want: { ok: true, address: { host: 'fd00::5', port: 10250 }, source: 'annotation' },
    },
  ])('$scenario', ({ node: n, want }) => {
    expect(probeAddress(n, { port: 10250 })).toEqual(want);
  });

  test('the pool’s addressAnnotation replaces the default annotation', () => {
    const n = node('n1')
      .annotate('example.com/probe', '127.0.3.3')
      .annotate('fulcrum.io/probe-address', '127.9.9.9');
    expect(probeAddress(n.obj(), { port: 80, annotation: 'example.com/probe' })).toMatchObject({
      ok: true,
      address: { host: '127.0.3.3', port: 80 },
    });
  });

  test.each([
    { value: 'localhost', want: /host names are not allowed/ },
    { value: 'node1.example.com:80', want: /host names are not allowed/ },
    { value: '127.0.0.1:0', want: /invalid port "0"/ },
    { value: '127.0.0.1:99999', want: /invalid port/ },
    { value: '127.0.0.1:http', want: /invalid port/ },
    { value: '[127.0.0.1]:80', want: /IPv6/ },
  ])('a malformed annotation $value is an error, not a fallback to InternalIP', ({ value, want }) => {
    const n = withAddresses(node('n1').annotate('fulcrum.io/probe-address', value).obj(), internal);
    const result = probeAddress(n, { port: 10250 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(want);
  });

  test('a node with neither annotation nor InternalIP has no address', () => {
    expect(probeAddress(node('n1').obj(), { port: 10250 })).toEqual({
      ok: false,
      reason: 'node has no fulcrum.io/probe-address annotation and no InternalIP address',
    });
  });
});
