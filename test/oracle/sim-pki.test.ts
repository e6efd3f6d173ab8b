// The simulator's certificates against Talos's code (oracle `verify-leaf`): the CA loads with its key as
// machined loads machine.ca, the leaf pairs with its key as a TLS endpoint does and verifies against the
// CA for its usage and every name, and both are described like the CA and leaf Talos itself makes for
// the same names (apid's server certificate, a talosconfig's client certificate): same extensions, key
// usages, names and shape; only the clock, the serial and, where the CA is not Ed25519, the leaf's key
// type (Talos matches it to the CA, the simulator keeps its Ed25519 pool) may differ.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { expect, it } from 'vitest';
import { privateKeyPem } from '../../src/core/gen/x509.js';
import { issueCertificate, issuerFromPem, simKeys, type Issued, type SimKey } from '../../src/sim/pki.js';
import { describeOracle, runOracle } from './oracle.js';

type Described = Record<string, unknown>;
interface Verdict {
  error?: string;
  caKeyType: string;
  ca: Described;
  talosCa: Described;
  leaf: Described;
  leafKeyType: string;
  talosLeaf: Described;
  chainVerified: boolean;
  verifyError?: string;
  names: Record<string, boolean>;
}

const serialHex = () => randomBytes(16).toString('hex');
const withoutClock = ({ notBefore: _n, serialBits: _s, validitySeconds: _v, ...rest }: Described) => rest;

function verify(ca: Issued, caKey: KeyObject, leaf: Issued, names: { commonName: string; organizations?: string[]; dnsNames?: string[]; ips?: string[] }, usage: 'server' | 'client'): Verdict {
  const request = { ca: ca.certPem, caKey: privateKeyPem(caKey), leaf: leaf.certPem, leafKey: leaf.key.privateKeyPem, usage, organizations: [], dnsNames: [], ips: [], ...names };
  const v = runOracle<Verdict>('verify-leaf', JSON.stringify(request));
  expect(v.error).toBeUndefined();
  return v;
}

function configCa(kind: 'ecdsa' | 'rsa'): { ca: Issued; key: KeyObject } {
  const key = kind === 'ecdsa' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const made = issueCertificate(null, { privateKey: key } as SimKey, { commonName: 'talos', organizations: ['talos'], usage: 'ca', validityDays: 3650, serialHex: serialHex() });
  // As node.ts gets such a CA: PEM from the machine config, the key in Talos's PEM form.
  return { ca: issuerFromPem(made.certPem, privateKeyPem(key)), key };
}

describeOracle('simulator certificates: Talos loads, pairs and verifies them like its own', () => {
  const [caKey, clientKey, leafKey] = simKeys(3);
  // The simulator's CA, as cluster.ts makes it.
  const ca = issueCertificate(null, caKey!, { commonName: 'talos', organizations: ['talos', 'sim-0a1b'], usage: 'ca', validityDays: 3650, serialHex: serialHex() });
  const server = { commonName: 'talos-cp1', dnsNames: ['talos-cp1'], ips: ['127.0.10.11'] };

  it('the CA and a configured node\'s server leaf (node.ts): Ed25519 throughout, as Talos\'s OS CA and apid certificate', () => {
    const leaf = issueCertificate(ca, leafKey!, { ...server, usage: 'server', validityDays: 365, serialHex: serialHex() });
    const v = verify(ca, caKey!.privateKey, leaf, server, 'server');
    expect(v.chainVerified).toBe(true);
    expect(v.names).toEqual({ 'talos-cp1': true, '127.0.10.11': true });
    expect(v).toMatchObject({ caKeyType: 'ed25519', leafKeyType: 'ed25519' });
    expect(withoutClock(v.leaf)).toEqual(withoutClock(v.talosLeaf));
    // Talos's CA has no common name option; the simulator's names its CA "talos".
    expect({ ...withoutClock(v.ca), commonName: '' }).toEqual(withoutClock(v.talosCa));
    expect(v.ca.organizations).toEqual(['talos', 'sim-0a1b']);
  });

  it('a client certificate with two roles, as Talos issues a talosconfig\'s', () => {
    const names = { commonName: 'os:reader+os:etcd:backup', organizations: ['os:reader', 'os:etcd:backup'] };
    const client = issueCertificate(ca, clientKey!, { ...names, usage: 'client', validityDays: 365, serialHex: serialHex() });
    const v = verify(ca, caKey!.privateKey, client, names, 'client');
    expect(v.chainVerified).toBe(true);
    expect(withoutClock(v.leaf)).toEqual(withoutClock(v.talosLeaf));
    expect([...(v.leaf.organizations as string[])].sort()).toEqual(['os:etcd:backup', 'os:reader']);
  });

  it.each(['ecdsa', 'rsa'] as const)('a leaf issued from a machine config\'s %s CA', (kind) => {
    const { ca: own, key } = configCa(kind);
    const leaf = issueCertificate(own, leafKey!, { ...server, usage: 'server', validityDays: 365, serialHex: serialHex() });
    const v = verify(own, key, leaf, server, 'server');
    expect(v.chainVerified).toBe(true);
    expect(v.caKeyType).toBe(kind === 'ecdsa' ? 'ecdsa-P-256' : 'rsa-2048');
    expect(v.leaf.signatureAlgorithm).toBe(kind === 'ecdsa' ? 'ECDSA-SHA256' : 'SHA512-RSA');
    expect({ ...withoutClock(v.leaf), publicKey: 'any' }).toEqual({ ...withoutClock(v.talosLeaf), publicKey: 'any' });
    expect({ ...withoutClock(v.ca), commonName: '' }).toEqual(withoutClock(v.talosCa));
  });

  it('a leaf from another CA, or used for the other purpose, is refused (the check can fail)', () => {
    const other = issueCertificate(null, simKeys(4)[3]!, { commonName: 'talos', organizations: ['talos'], usage: 'ca', validityDays: 3650, serialHex: serialHex() });
    const stranger = issueCertificate(other, leafKey!, { ...server, usage: 'server', validityDays: 365, serialHex: serialHex() });
    const v = verify(ca, caKey!.privateKey, stranger, server, 'server');
    expect(v.chainVerified).toBe(false);
    const leaf = issueCertificate(ca, leafKey!, { ...server, usage: 'server', validityDays: 365, serialHex: serialHex() });
    expect(verify(ca, caKey!.privateKey, leaf, server, 'client').chainVerified).toBe(false);
    expect(verify(ca, caKey!.privateKey, leaf, { ...server, dnsNames: ['talos-cp2'], ips: ['127.0.10.12'] }, 'server').names).toEqual({ 'talos-cp2': false, '127.0.10.12': false });
  });
});
