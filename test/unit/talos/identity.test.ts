import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificatePem, createCertificate, KeyUsage } from '../../../src/core/gen/x509.js';
import { clientIdentity, spkiFingerprint } from '../../../src/talos/identity.js';
import { normalizeFingerprint } from '../../../src/core/fingerprint.js';
import { fixture } from '../../fixtures/talos/index.js';

describe('clientIdentity', () => {
  it('reads every Talos role from the subject O entries of an Ed25519 cert', () => {
    const id = clientIdentity(fixture('reader.crt'));
    expect(id.roles).toEqual(['os:reader', 'os:etcd:backup']);
    expect(id.subject).toBe('O=os:reader, O=os:etcd:backup, CN=reader');
  });

  it('reads every role of a certificate as Talos writes it: every O in one RDN (Go\'s encoding), escapes undone', () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    const organizations = ['os:reader', 'os:etcd:backup', 'a + O=b,c', 'tab\there', 'é'];
    const { der } = createCertificate({ subject: { organizations, commonName: 'reader' }, notBefore: new Date(), notAfter: new Date(Date.now() + 3600_000), keyUsage: KeyUsage.digitalSignature, extKeyUsage: ['clientAuth'], isCA: false }, key, null, key);
    const id = clientIdentity(certificatePem(der));
    expect([...id.roles].sort()).toEqual([...organizations].sort());
    expect(id.subject).toMatch(/, CN=reader$/);
  });

  it('reads notAfter, also of an expired certificate', () => {
    expect(clientIdentity(fixture('expired.crt')).notAfter.toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(clientIdentity(fixture('admin.crt')).notAfter.getUTCFullYear()).toBeGreaterThan(2100);
  });

  it('reads ECDSA certificates too', () => {
    expect(clientIdentity(fixture('ecdsa.crt')).roles).toEqual(['os:operator']);
  });
});

describe('spkiFingerprint (--cert-fingerprint)', () => {
  // The expected values were computed by openssl (make-fixtures.sh): sha256 over the DER SPKI, base64.
  it.each(['server', 'admin', 'ecdsa'])('matches openssl for %s.crt', (name) => {
    expect(spkiFingerprint(fixture(`${name}.crt`))).toBe(fixture(`${name}.spki-sha256`).trim());
  });

  it('differs between certificates with different keys', () => {
    expect(spkiFingerprint(fixture('server.crt'))).not.toBe(spkiFingerprint(fixture('admin.crt')));
  });
});

describe('normalizeFingerprint', () => {
  const fp = fixture('server.spki-sha256').trim();
  it('accepts the pasted form, unpadded and base64url variants', () => {
    expect(normalizeFingerprint(` ${fp} `)).toBe(fp);
    expect(normalizeFingerprint(fp.replace(/=+$/, ''))).toBe(fp);
    expect(normalizeFingerprint(fp.replace(/\+/g, '-').replace(/\//g, '_'))).toBe(fp);
  });
  it('names a value that is not a SHA-256 fingerprint', () => {
    expect(() => normalizeFingerprint('abc')).toThrow('--cert-fingerprint "abc" is not a base64 SHA-256 fingerprint');
  });
});
