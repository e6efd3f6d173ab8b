// Making a secrets bundle and client certificates the way talosctl does (machinery
// config/generate/secrets on siderolabs/crypto): an Ed25519 OS CA; ECDSA P-256 etcd, Kubernetes and
// aggregator CAs; an RSA-4096 service-account key for contracts after v1.6 (ECDSA P-256 up to v1.6);
// CAs valid 87600h from now; bootstrap and trustd tokens [a-z0-9]{6}.[a-z0-9]{16}; a 32-byte cluster id
// cluster secret and secretbox key (base64).
import { generateKeyPair, generateKeyPairSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { CertAndKey, SecretsBundle } from './bundle.js';
import { crtPem, keyPem } from './bundle.js';
import { features, type Contract } from './contract.js';
import { certificatePem, createCertificate, issuerFromCertificate, KeyUsage, keyKind, parsePrivateKeyPem, privateKeyPem } from './x509.js';

/** machinery secrets.CAValidityTime: 87600h. */
export const CA_VALIDITY_MS = 87600 * 3600 * 1000;
/** constants.TalosAPIDefaultCertificateValidityDuration: 365 days. */
export const CLIENT_CERT_VALIDITY_MS = 365 * 24 * 3600 * 1000;

/** The roles Talos knows (machinery role package), for --roles. */
export const TALOS_ROLES = ['os:admin', 'os:operator', 'os:reader', 'os:etcd:backup', 'os:image:verifier', 'os:meta:writer', 'os:impersonator'] as const;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Talos's bootstrap-token alphabet, drawn without modulo bias (bytes >= 252 are skipped). */
function tokenPart(length: number): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 252 && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

export const newToken = (): string => `${tokenPart(6)}.${tokenPart(16)}`;

function selfSignedCA(kind: 'ed25519' | 'ec', organizations: string[], now: Date): CertAndKey {
  const { privateKey, publicKey } = kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const { der } = createCertificate(
    { subject: { organizations }, notBefore, notAfter: new Date(notBefore.getTime() + CA_VALIDITY_MS), keyUsage: KeyUsage.certSign | KeyUsage.digitalSignature, extKeyUsage: ['serverAuth', 'clientAuth'], isCA: true },
    publicKey,
    null,
    privateKey,
  );
  return { crt: b64(certificatePem(der)), key: b64(privateKeyPem(privateKey)) };
}

/** A new bundle for `contract` (talosctl gen secrets --talos-version). RSA-4096 generation runs off the main thread. */
export async function generateBundle(contract: Contract, now: Date = new Date()): Promise<SecretsBundle> {
  const serviceAccount = features(contract).rsaServiceAccountKey
    ? (await promisify(generateKeyPair)('rsa', { modulusLength: 4096 })).privateKey
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  return {
    cluster: { id: randomBytes(32).toString('base64'), secret: randomBytes(32).toString('base64') },
    secrets: { bootstrapToken: newToken(), secretboxEncryptionSecret: randomBytes(32).toString('base64') },
    trustdToken: newToken(),
    certs: {
      etcd: selfSignedCA('ec', ['etcd'], now),
      k8s: selfSignedCA('ec', ['kubernetes'], now),
      // Talos asks for CN=front-proxy, but siderolabs/crypto's CA template copies only organizations.
      k8sAggregator: selfSignedCA('ec', [], now),
      k8sServiceAccount: { key: b64(privateKeyPem(serviceAccount)) },
      os: selfSignedCA('ed25519', ['talos'], now),
    },
  };
}

export interface ClientCertificate {
  crtPem: string;
  keyPem: string;
}

/**
 * A Talos API client certificate signed by the bundle's OS CA (secrets.NewAdminCertificateAndKey): a new
 * key of the CA's type, O = each role (sorted), digital signature + client auth, valid from now for `ttlMs`.
 */
export function issueClientCertificate(bundle: SecretsBundle, roles: readonly string[], ttlMs: number = CLIENT_CERT_VALIDITY_MS, now: Date = new Date()): ClientCertificate {
  if (roles.length === 0) throw new Error('at least one role is required to generate a Talos API certificate');
  const caKey = parsePrivateKeyPem(keyPem(bundle.certs.os));
  const kind = keyKind(caKey);
  if (!kind) throw new Error('the bundle\'s OS CA key is neither Ed25519 nor ECDSA P-256');
  const issuer = issuerFromCertificate(crtPem(bundle.certs.os), caKey);
  const { privateKey, publicKey } = kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const { der } = createCertificate(
    {
      subject: { organizations: [...new Set(roles)].sort() },
      notBefore,
      notAfter: new Date(notBefore.getTime() + ttlMs),
      keyUsage: KeyUsage.digitalSignature,
      extKeyUsage: ['clientAuth'],
      isCA: false,
    },
    publicKey,
    issuer,
  );
  return { crtPem: certificatePem(der), keyPem: privateKeyPem(privateKey) };
}
