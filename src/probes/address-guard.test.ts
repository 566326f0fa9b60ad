import { allowCidrs, loopbackOnly } from './address-guard.js';

describe('address guards', () => {
  test.each([
    { address: '127.0.0.1', want: true },
    { address: '127.0.1.7', want: true },
    { address: '127.255.255.254', want: true },
    { address: '::ffff:127.0.0.1', want: true },
    { address: '192.0.2.1', want: false },
    { address: '10.0.0.1', want: false },
    { address: '128.0.0.1', want: false },
    { address: '::1', want: false },
    { address: 'localhost', want: false },
    { address: '127.0.0.1.nip.io', want: false },
    { address: '', want: false },
  ])('loopbackOnly($address) is $want', ({ address, want }) => {
    expect(loopbackOnly(address)).toBe(want);
  });

  test('allowCidrs admits IPv4 and IPv6 ranges and describes them', () => {
    const guard = allowCidrs(['10.0.0.0/8', 'fd00::/8']);
    expect(guard('10.1.2.3')).toBe(true);
    expect(guard('fd12::1')).toBe(true);
    expect(guard('11.0.0.1')).toBe(false);
    expect(guard.description).toBe('10.0.0.0/8, fd00::/8');
  });

  test('an empty list admits nothing', () => {
    expect(allowCidrs([])('127.0.0.1')).toBe(false);
  });

  test.each(['10.0.0.0', '10.0.0.0/33', 'example.com/8', '10.0.0.0/8/1', '::/129'])(
    'allowCidrs rejects the malformed CIDR %s',
    (cidr) => {
      expect(() => allowCidrs([cidr])).toThrow(/invalid CIDR/);
    },
  );
});
