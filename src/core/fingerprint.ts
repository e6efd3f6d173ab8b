// A certificate pin as the user gives it (--cert-fingerprint, a profile's pin): checked and put in
// Talos's form without node:crypto, so the command line is parsed before the console's first frame
// without loading it (src/talos/identity.ts computes pins from certificates).

/** Accept a pin as users paste it: surrounding spaces, a missing `=` padding, or base64url. */
export function normalizeFingerprint(pin: string): string {
  const t = pin.trim().replace(/-/g, '+').replace(/_/g, '/');
  const raw = Buffer.from(t, 'base64');
  if (raw.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) {
    throw new Error(`--cert-fingerprint "${pin}" is not a base64 SHA-256 fingerprint (44 characters ending in "=")`);
  }
  return raw.toString('base64');
}
