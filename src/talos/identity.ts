// What a certificate says about who we are (client) or who we talk to (server). Uses node:crypto's
// X509Certificate because Talos certificates are usually Ed25519, which node-forge cannot read.
import { createHash, X509Certificate } from 'node:crypto';

export interface ClientIdentity {
  /** Talos roles from the subject's Organization entries, e.g. ['os:admin']. */
  roles: string[];
  notAfter: Date;
  /** The subject, one `KEY=value` per line joined by ', ', e.g. `O=os:admin, CN=admin`. */
  subject: string;
}

// X509Certificate.subject is one `KEY=value` per line; values with special characters come quoted.
function subjectEntries(subject: string): [string, string][] {
  return subject
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => {
      const eq = line.indexOf('=');
      let value = line.slice(eq + 1);
      if (value.startsWith('"') && value.endsWith('"')) {
        try {
          value = JSON.parse(value) as string;
        } catch {
          value = value.slice(1, -1);
        }
      }
      return [line.slice(0, eq), value];
    });
}

/** Parse an OpenSSL-style date ("Oct 27 23:54:31 2126 GMT"); Node 20 has no validToDate yet. */
function parseCertDate(text: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new Error(`unreadable certificate date "${text}"`);
  return d;
}

export function clientIdentity(certPem: string | Buffer): ClientIdentity {
  const cert = new X509Certificate(certPem);
  const entries = subjectEntries(cert.subject);
  return {
    roles: entries.filter(([k]) => k === 'O').map(([, v]) => v),
    notAfter: parseCertDate(cert.validTo),
    subject: entries.map(([k, v]) => `${k}=${v}`).join(', '),
  };
}

/**
 * Talos's --cert-fingerprint: base64 (standard, padded) of SHA-256 over the certificate's DER
 * SubjectPublicKeyInfo, so it survives re-issuing the certificate with the same key.
 */
export function spkiFingerprint(cert: X509Certificate | string | Buffer): string {
  const x509 = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

