// X.509 certificates as Talos makes them (siderolabs/crypto on Go's x509.CreateCertificate): node:crypto
// can sign and parse certificates but not create them, so the DER is built here and signed with
// node:crypto. Used for the secrets bundle and talosconfigs, and by the simulator for its CAs and leaves.
// Pure computation: keys and randomness come from node:crypto, nothing touches the disk.
import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { bitString, boolean, children, directoryString, explicit, implicit, octetString, oid, pem, pemBody, sequence, set, smallInteger, time, tlv, unsignedInteger } from './der.js';
import { ipAddressBytes } from './ip-address.js';

const OID = {
  organization: '2.5.4.10',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ed25519: '1.3.101.112',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  sha512WithRSA: '1.2.840.113549.1.1.13',
};

/** Go's x509.KeyUsage bits. */
export const KeyUsage = { digitalSignature: 1, certSign: 32 } as const;

export interface Subject {
  organizations: string[];
  commonName?: string;
}

/** Go's pkix.Name with organizations and a common name: one RDN holding every O, then the CN (none: an empty name). */
function name(s: Subject): Buffer {
  const rdns: Buffer[] = [];
  if (s.organizations.length > 0) rdns.push(set(...s.organizations.map((o) => sequence(oid(OID.organization), directoryString(o)))));
  if (s.commonName) rdns.push(set(sequence(oid(OID.commonName), directoryString(s.commonName))));
  return sequence(...rdns);
}

/** Go's marshalSANs: DNS names ([2] IA5String) first, then IP addresses ([7] OCTET STRING). */
function subjectAltNames(dnsNames: readonly string[], ips: readonly string[]): Buffer {
  return sequence(...dnsNames.map((d) => implicit(2, Buffer.from(d, 'ascii'))), ...ips.map((ip) => implicit(7, ipAddressBytes(ip))));
}

/** Go's marshalKeyUsage: bits reversed into a BIT STRING as long as its last set bit. */
function keyUsageValue(bits: number): Buffer {
  const reverse = (b: number) => {
    let r = 0;
    for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
    return r;
  };
  const bytes = [reverse(bits & 0xff), reverse((bits >> 8) & 0xff)];
  const used = bytes[1] !== 0 ? 2 : 1;
  const body = Buffer.from(bytes.slice(0, used));
  let bitLength = used * 8;
  const last = body[used - 1]!;
  for (let i = 0; i < 8 && !(last & (1 << i)); i++) bitLength--;
  return bitString(body, used * 8 - bitLength);
}

function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

export type KeyKind = 'ed25519' | 'ecdsa-p256';

/** The kind of a private key Talos uses for a CA: Ed25519 (OS CA) or ECDSA P-256 (the others). */
export function keyKind(key: KeyObject): KeyKind | null {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  return null;
}

/**
 * How siderolabs/crypto signs with `key`: PureEd25519, ECDSAWithSHA256 (P-256) or, for an RSA CA (which
 * Talos also accepts), SHA512WithRSA. The AlgorithmIdentifier goes into the certificate twice.
 */
function signatureAlgorithm(key: KeyObject): { identifier: Buffer; digest: string | null } {
  const kind = keyKind(key);
  if (kind === 'ed25519') return { identifier: sequence(oid(OID.ed25519)), digest: null };
  if (kind === 'ecdsa-p256') return { identifier: sequence(oid(OID.ecdsaWithSHA256)), digest: 'sha256' };
  if (key.asymmetricKeyType === 'rsa') return { identifier: sequence(oid(OID.sha512WithRSA), tlv(0x05, Buffer.alloc(0))), digest: 'sha512' };
  throw new Error('the signing key must be Ed25519, ECDSA P-256 or RSA');
}

export interface CertificateTemplate {
  subject: Subject;
  notBefore: Date;
  notAfter: Date;
  keyUsage: number;
  extKeyUsage: Array<'serverAuth' | 'clientAuth'>;
  isCA: boolean;
  /** Subject alternative names (Go's DNSNames and IPAddresses). */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** Big-endian magnitude of the serial number; 128 random bits when omitted (as siderolabs/crypto). */
  serial?: Uint8Array;
}

export interface Issuer {
  /** The issuer's subject exactly as its certificate encodes it (Go copies parent.RawSubject). */
  subjectDer: Buffer;
  key: KeyObject;
  /** The issuer's subject key identifier, copied into the authority key identifier (as Go does). */
  subjectKeyId: Buffer;
}

/**
 * A certificate for `publicKey` (any key type) as Go's CreateCertificate writes it for Talos's templates:
 * v3, a random 128-bit serial, extensions in Go's order (key usage, extended key usage when any, basic
 * constraints and subject key id for CAs, authority key id when issued by another certificate, subject
 * alternative names when any). Self-signed when `issuer` is null (then `selfKey` signs). Returns the DER
 * and the subject key id (empty for non-CA certificates).
 */
export function createCertificate(t: CertificateTemplate, publicKey: KeyObject, issuer: Issuer | null, selfKey?: KeyObject): { der: Buffer; subjectKeyId: Buffer } {
  const signer = issuer ? issuer.key : selfKey;
  if (!signer) throw new Error('a self-signed certificate needs its private key');
  const algorithm = signatureAlgorithm(signer);
  const subjectKeyId = t.isCA ? randomBytes(20) : Buffer.alloc(0);
  const extensions: Buffer[] = [extension(OID.keyUsage, true, keyUsageValue(t.keyUsage))];
  if (t.extKeyUsage.length > 0) extensions.push(extension(OID.extKeyUsage, false, sequence(...t.extKeyUsage.map((u) => oid(OID[u])))));
  if (t.isCA) extensions.push(extension(OID.basicConstraints, true, sequence(boolean(true))));
  if (t.isCA) extensions.push(extension(OID.subjectKeyId, false, octetString(subjectKeyId)));
  if (issuer && issuer.subjectKeyId.length > 0) extensions.push(extension(OID.authorityKeyId, false, sequence(implicit(0, issuer.subjectKeyId))));
  const dnsNames = t.dnsNames ?? [];
  const ips = t.ipAddresses ?? [];
  // Critical when the subject is empty, as RFC 5280 asks (and Go does).
  const emptySubject = t.subject.organizations.length === 0 && !t.subject.commonName;
  if (dnsNames.length + ips.length > 0) extensions.push(extension(OID.subjectAltName, emptySubject, subjectAltNames(dnsNames, ips)));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(t.serial ?? randomBytes(16)),
    algorithm.identifier,
    issuer ? issuer.subjectDer : name(t.subject),
    sequence(time(t.notBefore), time(t.notAfter)),
    name(t.subject),
    (publicKey.type === 'public' ? publicKey : createPublicKey(publicKey)).export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign(algorithm.digest, tbs, signer);
  return { der: sequence(tbs, algorithm.identifier, bitString(signature)), subjectKeyId };
}

/** A private key in the PEM form siderolabs/crypto writes: "ED25519 PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1), "RSA PRIVATE KEY" (PKCS#1). */
export function privateKeyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return pem('ED25519 PRIVATE KEY', key.export({ type: 'pkcs8', format: 'der' }));
    case 'ec':
      return pem('EC PRIVATE KEY', key.export({ type: 'sec1', format: 'der' }));
    case 'rsa':
      return pem('RSA PRIVATE KEY', key.export({ type: 'pkcs1', format: 'der' }));
    case 'dsa':
    case 'ed448':
    case 'rsa-pss':
    case 'x25519':
    case 'x448':
    case undefined:
    default:
      throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
  }
}

/** A private key from any PEM Talos writes (the custom "ED25519 PRIVATE KEY" label holds PKCS#8). */
export function parsePrivateKeyPem(text: string): KeyObject {
  const block = pemBody(text);
  if (!block) throw new Error('no PEM block');
  switch (block.type) {
    case 'ED25519 PRIVATE KEY':
    case 'PRIVATE KEY':
      return createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8' });
    case 'EC PRIVATE KEY':
      return createPrivateKey({ key: block.der, format: 'der', type: 'sec1' });
    case 'RSA PRIVATE KEY':
      return createPrivateKey({ key: block.der, format: 'der', type: 'pkcs1' });
    default:
      throw new Error(`unsupported private key PEM type "${block.type}"`);
  }
}

export const certificatePem = (der: Uint8Array): string => pem('CERTIFICATE', der);

/** The parts of a CA certificate needed to issue from it: its raw subject and subject key identifier. */
export function issuerFromCertificate(certPem: string, key: KeyObject): Issuer {
  const block = pemBody(certPem, 'CERTIFICATE');
  if (!block) throw new Error('no CERTIFICATE PEM block');
  const [tbs] = children(children(block.der)[0]!.content);
  const fields = children(tbs!.content);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0; // [0] version
  const subjectDer = Buffer.from(fields[offset + 4]!.raw);
  let subjectKeyId = Buffer.alloc(0);
  const exts = fields.find((f) => f.tag === 0xa3);
  for (const ext of exts ? children(children(exts.content)[0]!.content) : []) {
    const parts = children(ext.content);
    if (parts[0]!.raw.equals(oid(OID.subjectKeyId))) subjectKeyId = Buffer.from(children(parts.at(-1)!.content)[0]!.content);
  }
  return { subjectDer, key, subjectKeyId };
}
