import { allowCidrs, neverProbedReason, probeable } from './address-guard.js';

describe('address guards', () => {
  test.each([
    { address: '127.1.0.7', want: true },
    { address: '10.0.3.17', want: true },
    { address: '192.168.1.20', want: true },
    { address: '2001:db8::5', want: true },
    { address: '169.254.169.254', want: false },
    { address: '::ffff:169.254.169.254', want: false },
    { address: '169.254.10.1', want: false },
    { address: 'fe80::1', want: false },
    { address: 'fd00:ec2::254', want: false },
    { address: '100.100.100.200', want: false },
    { address: '0.0.0.0', want: false },
    { address: '::', want: false },
    { address: '224.0.0.1', want: false },
    { address: 'ff02::1', want: false },
    { address: '255.255.255.255', want: false },
    { address: 'localhost', want: false },
    { address: '127.0.0.1.nip.io', want: false },
    { address: '', want: false },
  ])('probeable($address) is $want', ({ address, want }) => {
    expect(probeable(address)).toBe(want);
  });

  test('neverProbedReason says why', () => {
    expect(neverProbedReason('169.254.169.254')).toMatch(/link-local .*metadata/);
    expect(neverProbedReason('100.100.100.200')).toBe('a cloud metadata address');
    expect(neverProbedReason('example.com')).toBe('not an IP address');
    expect(neverProbedReason('10.0.0.1')).toBeUndefined();
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
    expect(allowCidrs([]).description).toBe('none');
  });

  test.each(['10.0.0.0', '10.0.0.0/33', 'example.com/8', '10.0.0.0/8/1', '::/129'])(
    'allowCidrs rejects the malformed CIDR %s',
    (cidr) => {
      expect(() => allowCidrs([cidr])).toThrow(/invalid CIDR/);
    },
  );
});
