// Certificates for the simulator: node-forge builds the X.509 structures, node:crypto does the RSA work.
//
// Cost is what matters here: generating one RSA-2048 key takes ~150 ms on a small machine and forge's
// pure-JS signing ~50 ms per certificate. So:
// - keys come from a process-wide pool: a few real RSA keys are generated once (in parallel, off the main
//   thread) and their primes are recombined pairwise into many distinct 2048-bit keys. Sharing primes
//   between moduli would be fatal for real security; for fake nodes on loopback it buys distinct
//   fingerprints per node at ~1 ms per key.
// - certificates are signed with node:crypto over forge's TBSCertificate DER (~1 ms instead of ~50 ms).
import { createPrivateKey, createPublicKey, generateKeyPair, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

export interface SimKey {
  privateKey: KeyObject;
  privateKeyPem: string; // PKCS#8 "PRIVATE KEY"
  publicKeyPem: string; // SPKI
}

// ---------------------------------------------------------------- key pool

const E = 65537n;
const primes: bigint[] = [];
const keys: SimKey[] = [];
let growing: Promise<void> = Promise.resolve();

function b64uToBigInt(s: string): bigint {
  return BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
}

function bigIntToB64u(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex').toString('base64url');
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

function keyFromPrimes(p: bigint, q: bigint): SimKey {
  if (p < q) [p, q] = [q, p];
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: bigIntToB64u(n),
      e: bigIntToB64u(E),
      d: bigIntToB64u(d),
      p: bigIntToB64u(p),
      q: bigIntToB64u(q),
      dp: bigIntToB64u(d % (p - 1n)),
      dq: bigIntToB64u(d % (q - 1n)),
      qi: bigIntToB64u(modInverse(q, p)),
    },
  });
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
  };
}

function generatePrimePair(): Promise<[bigint, bigint]> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, priv) => {
      if (err) return reject(err);
      const jwk = priv.export({ format: 'jwk' });
      resolve([b64uToBigInt(jwk.p!), b64uToBigInt(jwk.q!)]);
    }),
  );
}

/** The first `count` keys of the process-wide pool: distinct RSA-2048 keys, the same ones for every caller. */
export async function simKeys(count: number): Promise<SimKey[]> {
  const step = growing.then(async () => {
    // m primes give m(m-1)/2 pairs; find the smallest m that covers `count`.
    let m = primes.length;
    while ((m * (m - 1)) / 2 < count) m += 2;
    const missing = (m - primes.length) / 2;
    if (missing > 0) {
      const pairs = await Promise.all(Array.from({ length: missing }, generatePrimePair));
      for (const [p, q] of pairs) primes.push(p, q);
    }
    // Pairs in a stable order: (0,1), (0,2), (1,2), (0,3), ... so key i never changes as the pool grows.
    for (let j = 1, made = 0; keys.length < count; j++) {
      for (let i = 0; i < j && keys.length < count; i++, made++) {
        if (made >= keys.length) keys.push(keyFromPrimes(primes[i], primes[j]));
      }
    }
  });
  growing = step.catch(() => undefined);
  await step;
  return keys.slice(0, count);
}

// ---------------------------------------------------------------- certificates

export interface Issued {
  certPem: string;
  cert: forge.pki.Certificate;
  key: SimKey;
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

function subjectAttrs(commonName: string, organizations: string[] = []): forge.pki.CertificateField[] {
  return [...organizations.map((value) => ({ name: 'organizationName', value })), { name: 'commonName', value: commonName }];
}

/** Issue a certificate for `key`, signed by `issuer` (or self-signed when issuer is null). */
export function issueCertificate(issuer: Issued | null, key: SimKey, opts: CertOptions): Issued {
  const cert = forge.pki.createCertificate();
  const rsaSubject = createPublicKey(key.publicKeyPem).asymmetricKeyType === 'rsa';
  // forge only models RSA keys: another subject key gets a placeholder here and its real
  // SubjectPublicKeyInfo is put into the TBSCertificate by assemble().
  cert.publicKey = rsaSubject ? forge.pki.publicKeyFromPem(key.publicKeyPem) : forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('3'));
  // Positive serial: DER integers are signed, so keep the top bit clear.
  cert.serialNumber = '1' + opts.serialHex.slice(1);
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000); // tolerate an hour of clock skew
  cert.validity.notAfter = new Date(now + opts.validityDays * 24 * 60 * 60 * 1000);
  const subject = subjectAttrs(opts.commonName, opts.organizations);
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);

  const extensions: object[] = [];
  if (opts.usage === 'ca') {
    extensions.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    );
    if (rsaSubject) extensions.push({ name: 'subjectKeyIdentifier' });
  } else {
    extensions.push(
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: opts.usage === 'server', clientAuth: opts.usage === 'client' },
    );
    const altNames = [
      ...(opts.dnsNames ?? []).map((value) => ({ type: 2, value })),
      ...(opts.ips ?? []).map((ip) => ({ type: 7, ip })),
    ];
    if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  }
  cert.setExtensions(extensions);

  const signingKey = (issuer ?? { key }).key.privateKey;
  if (signingKey.asymmetricKeyType !== 'rsa' || !rsaSubject) return assemble(cert, signingKey, key, rsaSubject);
  // forge computes the TBSCertificate inside sign(); the "key" below signs those exact bytes with node:crypto.
  const nativeSigner = {
    sign: () =>
      cryptoSign('sha256', Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary'), signingKey).toString('binary'),
  };
  cert.sign(nativeSigner as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), cert, key };
}

// Talos's own CAs are Ed25519 (or ECDSA), which forge cannot handle: such a certificate is
// assembled here from forge's TBSCertificate with the right AlgorithmIdentifier and subject key,
// and a node:crypto signature.
const SIGNATURE_OIDS: Record<string, { oid: string; digest: string | null; nullParams: boolean }> = {
  ed25519: { oid: '1.3.101.112', digest: null, nullParams: false },
  ec: { oid: '1.2.840.10045.4.3.2', digest: 'sha256', nullParams: false }, // ecdsa-with-SHA256
  rsa: { oid: '1.2.840.113549.1.1.11', digest: 'sha256', nullParams: true }, // sha256WithRSAEncryption
};

function assemble(cert: forge.pki.Certificate, signingKey: KeyObject, key: SimKey, rsaSubject: boolean): Issued {
  const algo = SIGNATURE_OIDS[signingKey.asymmetricKeyType ?? ''];
  if (!algo) throw new Error(`the simulator cannot sign with a ${signingKey.asymmetricKeyType} CA key`);
  const { asn1 } = forge;
  const U = asn1.Class.UNIVERSAL;
  const algorithmId = () =>
    asn1.create(U, asn1.Type.SEQUENCE, true, [
      asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(algo.oid).getBytes()),
      ...(algo.nullParams ? [asn1.create(U, asn1.Type.NULL, false, '')] : []),
    ]);
  cert.siginfo.algorithmOid = algo.oid; // replaced below; forge needs some OID to build the TBS
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  // TBSCertificate: [0] version, serial, signature AlgorithmIdentifier, issuer, validity, subject, SPKI, ...
  const fields = tbs.value as forge.asn1.Asn1[];
  fields[2] = algorithmId();
  if (!rsaSubject) {
    const spkiDer = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
    fields[6] = asn1.fromDer(forge.util.createBuffer(spkiDer.toString('binary')));
  }
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = cryptoSign(algo.digest, tbsDer, signingKey);
  const whole = asn1.create(U, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmId(),
    asn1.create(U, asn1.Type.BITSTRING, false, String.fromCharCode(0) + signature.toString('binary')),
  ]);
  const der = Buffer.from(asn1.toDer(whole).getBytes(), 'binary');
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { certPem, cert, key };
}

/**
 * A CA given as PEM (a machine config's machine.ca): usable as `issuer`. forge parses RSA
 * certificates only; for the others the subject is read with node:crypto and rebuilt for forge.
 */
export function issuerFromPem(certPem: string, keyPem: string): Issued {
  const privateKey = createPrivateKey(normalizeKeyPem(keyPem));
  const key: SimKey = {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
  };
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPem);
  } catch {
    const x509 = new X509Certificate(certPem);
    cert = forge.pki.createCertificate();
    const attrs = x509.subject.split('\n').map((line) => {
      const [type, ...rest] = line.split('=');
      return { shortName: type, value: rest.join('=') };
    });
    cert.setSubject(attrs);
  }
  return { certPem, cert, key };
}

/** talosctl's --cert-fingerprint of a certificate: the client's own function, so both sides agree by construction. */
export { spkiFingerprint } from '../talos/identity.js';
import { normalizeKeyPem } from '../talos/talosconfig.js';

/** Organisation values of a DER client certificate's subject: Talos reads roles (os:admin, ...) from them. */
export function subjectOrganizations(der: Buffer): string[] {
  try {
    return new X509Certificate(der).subject
      .split('\n')
      .filter((line) => line.startsWith('O='))
      .flatMap((line) => line.slice(2).split('+O='));
  } catch {
    return [];
  }
}
