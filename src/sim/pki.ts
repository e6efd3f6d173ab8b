// Certificates for the simulator: written by src/core/gen's X.509 writer (the one `talos-tui gen` uses)
// and signed with node:crypto.
//
// Keys are Ed25519, as Talos's are: siderolabs/crypto makes Ed25519 CAs by default (the OS CA, the
// self-signed CA of a maintenance boot) and an Ed25519 CA's leaves get Ed25519 keys (apid's server
// certificate). That is also what keeps start-up cheap: a key takes ~0.1 ms to make and a signature
// less, so even 1000 maintenance nodes (a key, a CA and a leaf each) cost well under a second, where
// RSA-2048 took ~150 ms per key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { certificatePem, createCertificate, issuerFromCertificate, KeyUsage, type CertificateTemplate, type Issuer } from '../core/gen/x509.js';
import { clientIdentity } from '../talos/identity.js';
import { normalizeKeyPem } from '../talos/talosconfig.js';

export interface SimKey {
  privateKey: KeyObject;
  privateKeyPem: string; // PKCS#8 "PRIVATE KEY"
  publicKeyPem: string; // SPKI
}

function simKey(privateKey: KeyObject): SimKey {
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** A fresh Ed25519 key. */
export function newSimKey(): SimKey {
  return simKey(generateKeyPairSync('ed25519').privateKey);
}

const pool: SimKey[] = [];

/**
 * The first `count` keys of the process-wide pool: distinct keys, the same ones for every caller, so
 * that two simulators in one process (tests) give the same node the same key.
 */
export function simKeys(count: number): SimKey[] {
  while (pool.length < count) pool.push(newSimKey());
  return pool.slice(0, count);
}

// ---------------------------------------------------------------- certificates

export interface Issued {
  certPem: string;
  key: SimKey;
  /** What issuing from this certificate needs (its raw subject, key, subject key id). */
  issuer: Issuer;
}

export interface CertOptions {
  commonName: string;
  organizations?: string[];
  ips?: string[];
  dnsNames?: string[];
  usage: 'ca' | 'server' | 'client';
  validityDays: number;
  serialHex: string;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Issue a certificate for `key`, signed by `issuer` (or self-signed when issuer is null), with the
 * extensions Talos gives its own (siderolabs/crypto): a CA signs certificates and may serve both ways;
 * a leaf signs (digital signature) for one purpose, server or client.
 */
export function issueCertificate(issuer: Issued | null, key: SimKey, opts: CertOptions): Issued {
  const now = Date.now();
  const ca = opts.usage === 'ca';
  const template: CertificateTemplate = {
    subject: { organizations: opts.organizations ?? [], commonName: opts.commonName },
    notBefore: new Date(now - HOUR_MS), // tolerate an hour of clock skew
    notAfter: new Date(now + opts.validityDays * 24 * HOUR_MS),
    keyUsage: ca ? KeyUsage.certSign | KeyUsage.digitalSignature : KeyUsage.digitalSignature,
    extKeyUsage: ca ? ['serverAuth', 'clientAuth'] : [opts.usage === 'server' ? 'serverAuth' : 'clientAuth'],
    isCA: ca,
    dnsNames: opts.dnsNames,
    ipAddresses: opts.ips,
    serial: Buffer.from(opts.serialHex, 'hex'),
  };
  const { der } = createCertificate(template, key.privateKey, issuer?.issuer ?? null, key.privateKey);
  const certPem = certificatePem(der);
  return { certPem, key, issuer: issuerFromCertificate(certPem, key.privateKey) };
}

/** A CA given as PEM (a machine config's machine.ca, Ed25519, ECDSA or RSA): usable as `issuer`. */
export function issuerFromPem(certPem: string, keyPem: string): Issued {
  const key = simKey(createPrivateKey(normalizeKeyPem(keyPem)));
  return { certPem, key, issuer: issuerFromCertificate(certPem, key.privateKey) };
}

/** talosctl's --cert-fingerprint of a certificate: the client's own function, so both sides agree by construction. */
export { spkiFingerprint } from '../talos/identity.js';

/** Organisation values of a DER client certificate's subject: Talos reads roles (os:admin, ...) from them. */
export function subjectOrganizations(der: Buffer): string[] {
  try {
    return clientIdentity(der).roles;
  } catch {
    return [];
  }
}
