// The X.509 writer in src/core/gen as the simulator uses it: certificates for every key type Talos may
// hold (Ed25519, ECDSA P-256, RSA), issued by every such CA, read back with node:crypto's parser and
// verified against the issuer's key. Byte-level agreement with Go is the oracle's job (test/oracle).
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ipAddressBytes } from '../../src/core/gen/ip-address.js';
import { certificatePem, createCertificate, issuerFromCertificate, KeyUsage, type CertificateTemplate } from '../../src/core/gen/x509.js';

const keyOf = {
  ed25519: () => generateKeyPairSync('ed25519').privateKey,
  ecdsa: () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
  rsa: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
};
type Kind = keyof typeof keyOf;
const keys = Object.fromEntries(Object.entries(keyOf).map(([k, make]) => [k, make()])) as Record<Kind, KeyObject>;
const kinds = Object.keys(keyOf) as Kind[];
const DAY = 24 * 3600_000;
const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);

function caTemplate(organizations: string[]): CertificateTemplate {
  return { subject: { organizations, commonName: 'talos' }, notBefore, notAfter: new Date(notBefore.getTime() + 3650 * DAY), keyUsage: KeyUsage.certSign | KeyUsage.digitalSignature, extKeyUsage: ['serverAuth', 'clientAuth'], isCA: true };
}

function selfSignedCa(kind: Kind) {
  const { der } = createCertificate(caTemplate(['talos', `ca-${kind}`]), keys[kind], null, keys[kind]);
  const pem = certificatePem(der);
  return { pem, x509: new X509Certificate(pem), issuer: issuerFromCertificate(pem, keys[kind]) };
}

describe.each(kinds)('a %s CA', (caKind) => {
  const ca = selfSignedCa(caKind);

  it('is self-signed, a CA, with its subject (O then CN) and validity', () => {
    expect(ca.x509.ca).toBe(true);
    expect(ca.x509.subject).toBe(`O=talos + O=ca-${caKind}\nCN=talos`); // every O in one RDN, as Go writes it
    expect(ca.x509.issuer).toBe(ca.x509.subject);
    expect(ca.x509.verify(ca.x509.publicKey)).toBe(true);
    expect(new Date(ca.x509.validFrom).getTime()).toBe(notBefore.getTime());
    expect(new Date(ca.x509.validTo).getTime()).toBe(notBefore.getTime() + 3650 * DAY);
    expect(ca.issuer.subjectKeyId).toHaveLength(20);
  });

  it.each(kinds)('issues a %s server leaf with DNS and IP names that verifies against it, and only it', (leafKind) => {
    const { der } = createCertificate(
      {
        subject: { organizations: [], commonName: 'node-1' },
        notBefore,
        notAfter: new Date(notBefore.getTime() + 365 * DAY),
        keyUsage: KeyUsage.digitalSignature,
        extKeyUsage: ['serverAuth'],
        isCA: false,
        dnsNames: ['node-1', 'node-1.example.org'],
        ipAddresses: ['127.0.10.11', 'fd00::a:b'],
        serial: Buffer.from('80a1b2c3d4e5f60718293a4b5c6d7e8f', 'hex'),
      },
      keys[leafKind],
      ca.issuer,
    );
    const leaf = new X509Certificate(der);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=node-1');
    expect(leaf.issuer).toBe(ca.x509.subject);
    expect(leaf.subjectAltName).toBe('DNS:node-1, DNS:node-1.example.org, IP Address:127.0.10.11, IP Address:FD00:0:0:0:0:0:A:B');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.serialNumber.toLowerCase()).toBe('80a1b2c3d4e5f60718293a4b5c6d7e8f'); // positive: Node shows the magnitude
    expect(leaf.checkIssued(ca.x509)).toBe(true);
    expect(leaf.verify(ca.x509.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.10.11')).toBe('127.0.10.11');
    expect(leaf.checkHost('node-1.example.org')).toBe('node-1.example.org');
    expect(leaf.publicKey.asymmetricKeyType).toBe(keys[leafKind].asymmetricKeyType);
    const other = selfSignedCa(caKind === 'ed25519' ? 'ecdsa' : 'ed25519');
    expect(leaf.verify(other.x509.publicKey)).toBe(false);
  });
});

it('writes no extended key usage when there is none, and a subject-less certificate\'s names critically', () => {
  const { der } = createCertificate({ subject: { organizations: [] }, notBefore, notAfter: new Date(notBefore.getTime() + DAY), keyUsage: KeyUsage.digitalSignature, extKeyUsage: [], isCA: false, dnsNames: ['a'] }, keys.ed25519, null, keys.ed25519);
  const x = new X509Certificate(der);
  expect(x.keyUsage).toBeUndefined();
  expect(x.subject ?? '').toBe(''); // Node 20 gives undefined for an empty name
  expect(x.subjectAltName).toBe('DNS:a');
  // SAN extension: OID 2.5.29.17, then BOOLEAN TRUE (critical).
  expect(der.includes(Buffer.from('0603551d110101ff', 'hex'))).toBe(true);
});

describe('ipAddressBytes', () => {
  it.each([
    ['127.0.10.11', '7f000a0b'],
    ['::1', '00000000000000000000000000000001'],
    ['fd00::a:b', 'fd000000000000000000000000' + '0a000b'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['::ffff:10.1.2.3', '0a010203'], // IPv4-mapped: 4 bytes, as Go's To4
    ['64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'],
  ])('%s', (text, hex) => {
    expect(ipAddressBytes(text).toString('hex')).toBe(hex);
  });

  it.each(['1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', 'node-1', ''])('refuses %j', (text) => {
    expect(() => ipAddressBytes(text)).toThrow(/is not an IP address/);
  });
});
