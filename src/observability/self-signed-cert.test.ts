import { createPrivateKey, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './self-signed-cert.js';

describe('selfSignedCertificate', () => {
  const now = new Date('2026-05-04T10:00:00Z');
  const { cert, key } = selfSignedCertificate(
    'fulcrum-metrics',
    ['fulcrum-metrics.fulcrum-system.svc', 'localhost', '127.0.0.1', '::1'],
    365,
    now,
  );
  const x509 = new X509Certificate(cert);

  test('is signed by its own key, which is the key returned', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.subject).toBe('CN=fulcrum-metrics');
    expect(x509.issuer).toBe('CN=fulcrum-metrics');
  });

  test('names every DNS name and IP address it was asked for', () => {
    expect(x509.subjectAltName).toBe(
      'DNS:fulcrum-metrics.fulcrum-system.svc, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  test('is a server certificate, not a CA, valid from an hour before now for the given days', () => {
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(new Date(x509.validFrom).toISOString()).toBe('2026-05-04T09:00:00.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2027-05-04T10:00:00.000Z');
  });

  test('each call makes a new key and serial number', () => {
    const other = new X509Certificate(selfSignedCertificate('x', ['localhost']).cert);
    expect(other.serialNumber).not.toBe(x509.serialNumber);
  });
});
