// Step 1 of identification (identify.ts): one TLS handshake, ALPN h2, no client certificate. It
// tells TLS from not-TLS, h2 from not-h2, and yields the server leaf's SPKI fingerprint; on h2 the
// socket is handed to the reads so they need no second handshake.
import { createHash } from 'node:crypto';
import * as tls from 'node:tls';
import { spkiFingerprint } from './identity.js';

export type Hello =
  | { ok: true; fingerprint: string | undefined; alpn: string | false; socket: tls.TLSSocket }
  | { ok: false; reason: string; refused: boolean };

/**
 * SPKI sha256 of the server leaf: the peer certificate's `pubkey` is its SubjectPublicKeyInfo DER
 * (what identity.spkiFingerprint exports from an X509Certificate), without building a KeyObject.
 */
function leafFingerprint(socket: tls.TLSSocket): string | undefined {
  const peer = socket.getPeerCertificate(false);
  if (peer?.pubkey) return createHash('sha256').update(peer.pubkey).digest('base64');
  const leaf = socket.getPeerX509Certificate();
  return leaf ? spkiFingerprint(leaf) : undefined;
}

// One TLS context for every probe: making a context per node showed up as a tenth of
// identification time in profiles.
let probeContext: tls.SecureContext | undefined;

/** The handshake; on h2 the caller owns (and must close) `socket`, otherwise it is already closed. */
export function tlsHello(ip: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Hello> {
  probeContext ??= tls.createSecureContext({});
  return new Promise((resolve) => {
    // No servername: SNI must not be an IP (Node warns), and Talos does not need it.
    const socket = tls.connect({ host: ip, port, rejectUnauthorized: false, ALPNProtocols: ['h2'], secureContext: probeContext });
    let done = false;
    const finish = (hello: Hello) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      // An h2 handshake hands its socket to the reads; anything else is closed here.
      if (!hello.ok || hello.alpn !== 'h2') socket.destroy();
      resolve(hello);
    };
    const onAbort = () => finish({ ok: false, reason: 'cancelled', refused: false });
    const timer = setTimeout(
      () => finish({ ok: false, reason: `accepted the connection but sent no TLS answer within ${timeoutMs / 1000} s`, refused: false }),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    socket.once('secureConnect', () => {
      finish({ ok: true, fingerprint: leafFingerprint(socket), alpn: socket.alpnProtocol ?? false, socket });
    });
    const onError = (err: NodeJS.ErrnoException) => {
      const refused = err.code === 'ECONNREFUSED';
      const reason = refused
        ? 'connection refused (it closed after the scan)'
        : /ECONNRESET|socket disconnected|socket hang up/i.test(`${err.code} ${err.message}`)
          ? 'closed the connection during the TLS handshake: not a TLS service'
          : /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i.test(err.message)
            ? 'does not speak TLS'
            : `TLS handshake failed: ${err.message}`;
      finish({ ok: false, reason, refused });
    };
    socket.once('error', onError);
  });
}
