/**
 * A self-signed serving certificate, made at start when no certificate is given (as controller-runtime's
 * secure metrics server does): an ECDSA P-256 key and an X.509 v3 certificate, DER-encoded by hand here
 * because Node's crypto signs but does not build certificates, and a few dozen lines of ASN.1 avoid a
 * dependency in the image. Scrapers then verify the caller, not the server (`insecureSkipVerify`), unless
 * a certificate from your CA is mounted instead (`--metrics-cert-dir`).
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

export interface ServingCertificate {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

// DER: tag, length, contents.
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const sequence = (...c: Buffer[]) => der(0x30, ...c);
const set = (...c: Buffer[]) => der(0x31, ...c);
const explicit = (n: number, ...c: Buffer[]) => der(0xa0 + n, ...c);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer) => der(0x03, Buffer.from([0]), b);
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Buffer): Buffer {
  return der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function generalizedTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return der(0x18, Buffer.from(text, 'ascii'));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** subjectAltName: DNS names as [2], IP addresses as [7]. */
function subjectAltNames(names: readonly string[]): Buffer {
  const entries = names.map((n) => (isIP(n) ? der(0x87, ipBytes(n)) : der(0x82, Buffer.from(n, 'ascii'))));
  return sequence(oid('2.5.29.17'), octets(sequence(...entries)));
}

/**
 * A certificate for `commonName` valid for `names` (DNS names and IP addresses) from one hour ago (clock
 * skew) for `validDays`, signed by its own key.
 */
export function selfSignedCertificate(
  commonName: string,
  names: readonly string[],
  validDays = 365,
  now = new Date(),
): ServingCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));
  const extensions = explicit(
    3,
    sequence(
      sequence(oid('2.5.29.19'), bool(true), octets(sequence())), // basicConstraints: not a CA
      sequence(oid('2.5.29.15'), bool(true), octets(der(0x03, Buffer.from([5, 0xa0])))), // keyUsage: digitalSignature, keyEncipherment
      sequence(oid('2.5.29.37'), octets(sequence(oid('1.3.6.1.5.5.7.3.1')))), // extKeyUsage: serverAuth
      subjectAltNames(names),
    ),
  );
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // v3
    positiveInteger(randomBytes(16)),
    ecdsaWithSha256,
    name,
    sequence(
      generalizedTime(new Date(now.getTime() - 3_600_000)),
      generalizedTime(new Date(now.getTime() + validDays * 86_400_000)),
    ),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const certificate = sequence(tbs, ecdsaWithSha256, bits(sign('sha256', tbs, privateKey)));
  const body = certificate
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  const cert = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  // Parse it back: a malformed encoding fails here, at start, not in a scraper's TLS handshake.
  new X509Certificate(cert);
  return { cert, key };
}
