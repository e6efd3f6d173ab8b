// What a certificate says about who we are (client) or who we talk to (server), read with node:crypto's
// X509Certificate (Talos certificates are usually Ed25519).
import { createHash, X509Certificate } from 'node:crypto';

export interface ClientIdentity {
  /** Talos roles from the subject's Organization entries, e.g. ['os:admin']. */
  roles: string[];
  notAfter: Date;
  /** The subject, one `KEY=value` per line joined by ', ', e.g. `O=os:admin, CN=admin`. */
  subject: string;
}

// X509Certificate.subject is one RDN per line, `KEY=value`; the values of a multi-valued RDN are joined
// by " + " (Go, hence Talos, writes every O of a subject into one RDN: `O=os:reader + O=os:etcd:backup`).
// Special characters in a value come backslash-escaped (RFC 2253: `\+`, `\,`, `\0A`), so a bare " + "
// always separates; some Node versions quote a whole value instead.
function subjectEntries(subject: string): [string, string][] {
  return subject
    .split('\n')
    .flatMap((line) => line.split(' + '))
    .filter((entry) => entry.includes('='))
    .map((entry) => {
      const eq = entry.indexOf('=');
      let value = entry.slice(eq + 1);
      if (value.startsWith('"') && value.endsWith('"')) {
        try {
          value = JSON.parse(value) as string;
        } catch {
          value = value.slice(1, -1);
        }
      } else {
        value = value.replace(/\\([0-9A-Fa-f]{2}|.)/g, (_, c: string) => (c.length === 2 ? String.fromCharCode(parseInt(c, 16)) : c));
      }
      return [entry.slice(0, eq), value];
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

