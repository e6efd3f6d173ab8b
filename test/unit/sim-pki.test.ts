// The simulator's PKI (src/sim/pki.ts): keys, CAs and leaves as its callers make them (cluster.ts,
// node.ts, cluster-configs.ts), read back with node:crypto. TLS with them is exercised by every
// integration test; Talos's own verdict on them is test/oracle/sim-pki.test.ts.
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { privateKeyPem } from '../../src/core/gen/x509.js';
import { issueCertificate, issuerFromPem, simKeys, subjectOrganizations, type SimKey } from '../../src/sim/pki.js';

const DAY = 24 * 3600_000;
const serialHex = () => Math.random().toString(16).slice(2).padEnd(32, '7').slice(0, 32);

function asSimKey(privateKey: KeyObject): SimKey {
  return { privateKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string };
}

describe('simKeys', () => {
  it('gives distinct Ed25519 keys, the same ones for every caller as the pool grows', () => {
    const first = simKeys(3);
    const more = simKeys(20);
    expect(more.slice(0, 3)).toEqual(first);
    expect(new Set(more.map((k) => k.publicKeyPem)).size).toBe(20);
    for (const k of more) expect(k.privateKey.asymmetricKeyType).toBe('ed25519');
  });
});

describe('issueCertificate', () => {
  const [caKey, clientKey, leafKey] = simKeys(3);
  const ca = issueCertificate(null, caKey!, { commonName: 'talos', organizations: ['talos', 'sim-1a2b'], usage: 'ca', validityDays: 3650, serialHex: serialHex() });
  const caX509 = new X509Certificate(ca.certPem);

  it('makes a self-signed CA with its names, ten years from an hour ago', () => {
    expect(caX509.ca).toBe(true);
    expect(caX509.subject).toBe('O=talos + O=sim-1a2b\nCN=talos');
    expect(caX509.issuer).toBe(caX509.subject);
    expect(caX509.verify(caX509.publicKey)).toBe(true);
    const from = new Date(caX509.validFrom).getTime();
    expect(Math.abs(from - (Date.now() - 3600_000))).toBeLessThan(5000);
    expect(new Date(caX509.validTo).getTime() - from).toBeGreaterThanOrEqual(3650 * DAY);
  });

  it('makes client certificates whose organisations are the roles the simulator\'s RBAC reads', () => {
    const admin = issueCertificate(ca, clientKey!, { commonName: 'admin', organizations: ['os:admin'], usage: 'client', validityDays: 365, serialHex: serialHex() });
    const two = issueCertificate(ca, clientKey!, { commonName: 'os:reader+os:etcd:backup', organizations: ['os:reader', 'os:etcd:backup'], usage: 'client', validityDays: 365, serialHex: serialHex() });
    const der = (pem: string) => new X509Certificate(pem).raw;
    expect(subjectOrganizations(der(admin.certPem))).toEqual(['os:admin']);
    expect(subjectOrganizations(der(two.certPem)).sort()).toEqual(['os:etcd:backup', 'os:reader']);
    const x = new X509Certificate(admin.certPem);
    expect(x.ca).toBe(false);
    expect(x.issuer).toBe(caX509.subject);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth only
    expect(x.verify(caX509.publicKey)).toBe(true);
    expect(subjectOrganizations(Buffer.from('not a certificate'))).toEqual([]);
  });

  it('makes server leaves naming the node by address and hostname', () => {
    const leaf = issueCertificate(ca, leafKey!, { commonName: 'talos-cp1', usage: 'server', validityDays: 365, serialHex: serialHex(), ips: ['127.0.10.11'], dnsNames: ['talos-cp1'] });
    const x = new X509Certificate(leaf.certPem);
    expect(x.subject).toBe('CN=talos-cp1');
    expect(x.subjectAltName).toBe('DNS:talos-cp1, IP Address:127.0.10.11');
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth only
    expect(x.checkIssued(caX509)).toBe(true);
    expect(x.verify(caX509.publicKey)).toBe(true);
    expect(x.checkPrivateKey(leafKey!.privateKey)).toBe(true);
  });
});

describe('issuerFromPem: a machine config\'s own CA, in the PEM forms Talos writes', () => {
  const kinds = {
    ed25519: () => generateKeyPairSync('ed25519').privateKey,
    ecdsa: () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
    rsa: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  };
  it.each(Object.entries(kinds))('%s', (_, make) => {
    const key = make();
    const made = issueCertificate(null, asSimKey(key), { commonName: 'cluster', organizations: ['talos'], usage: 'ca', validityDays: 3650, serialHex: serialHex() });
    const talosPem = privateKeyPem(key); // "ED25519 PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"
    const issuer = issuerFromPem(made.certPem, talosPem);
    expect(issuer.key.privateKey.equals(createPrivateKey(key.export({ type: 'pkcs8', format: 'pem' })))).toBe(true);
    const leaf = new X509Certificate(issueCertificate(issuer, simKeys(1)[0]!, { commonName: 'w1', usage: 'server', validityDays: 365, serialHex: serialHex(), ips: ['127.0.10.14'] }).certPem);
    const caX509 = new X509Certificate(made.certPem);
    expect(leaf.checkIssued(caX509)).toBe(true);
    expect(leaf.verify(caX509.publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(simOtherCa()).publicKey)).toBe(false);
  });
});

function simOtherCa(): string {
  return issueCertificate(null, asSimKey(generateKeyPairSync('ed25519').privateKey), { commonName: 'other', usage: 'ca', validityDays: 1, serialHex: serialHex() }).certPem;
}
