// TLS for the three ways talos-tui connects: mutual TLS with the talosconfig, insecure (maintenance
// mode, no client certificate, server not verified), and insecure pinned to --cert-fingerprint.
import * as grpc from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { Endpoint } from './address.js';
import { fingerprintMismatch, TalosError } from './errors.js';
import { spkiFingerprint } from './identity.js';
import { Code } from './status-codes.js';

export function mtlsCredentials(ctx: { caPem: string; certPem: string; keyPem: string }): grpc.ChannelCredentials {
  const secureContext = tls.createSecureContext({ ca: ctx.caPem, cert: ctx.certPem, key: ctx.keyPem });
  // Default verification: chain to the talosconfig CA and the endpoint address in the server's SANs,
  // as talosctl (Go crypto/tls with the dialled host as ServerName) does.
  return grpc.credentials.createFromSecureContext(secureContext);
}

/** Maintenance mode without pins: encrypted, but the server is not verified and no client cert is sent. */
export function insecureCredentials(): grpc.ChannelCredentials {
  return grpc.credentials.createFromSecureContext(tls.createSecureContext({}), { rejectUnauthorized: false });
}

/**
 * Credentials that only complete a handshake with the very server leaf given: it becomes the sole
 * trust anchor (allowPartialTrustChain), and checkServerIdentity re-checks its SPKI fingerprint on
 * the connection that will carry the request. Any other certificate fails the handshake, so nothing
 * is sent to an impostor.
 */
export function pinnedCredentials(leaf: X509Certificate, pins: string[]): grpc.ChannelCredentials {
  const secureContext = tls.createSecureContext({ ca: leaf.toString(), allowPartialTrustChain: true });
  return grpc.credentials.createFromSecureContext(secureContext, {
    // Hostnames are meaningless for maintenance certs; the pin is what identifies the server.
    checkServerIdentity: (host, cert) => {
      const got = cert.raw ? spkiFingerprint(new X509Certificate(cert.raw)) : '(no certificate)';
      return pins.includes(got) ? undefined : new Error(fingerprintMismatch(host, got).message);
    },
  });
}

/**
 * Read the server's leaf certificate with a bare TLS handshake (nothing is sent over it), so the
 * fingerprint can be checked before any request and the leaf pinned for the real connection.
 */
export function probeServerLeaf(endpoint: Endpoint, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<X509Certificate> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: endpoint.host,
      port: endpoint.port,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      // SNI must not be an IP address (Node warns, and Talos does not need it).
      ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
    });
    let settled = false;
    const finish = (err: unknown, leaf?: X509Certificate) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(leaf!);
    };
    const onAbort = () => finish(new TalosError({ code: Code.CANCELLED, message: `connecting to ${endpoint.address} was cancelled`, endpoint: endpoint.address }));
    const timer = setTimeout(
      () => finish(new TalosError({ code: Code.DEADLINE_EXCEEDED, message: `no TLS answer from ${endpoint.address} within ${timeoutMs / 1000} s`, endpoint: endpoint.address })),
      timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      if (!peer || !peer.raw) {
        finish(new TalosError({ code: Code.UNAVAILABLE, message: `${endpoint.address} sent no server certificate`, endpoint: endpoint.address }));
        return;
      }
      finish(null, new X509Certificate(peer.raw));
    });
    // Raw socket errors (ECONNREFUSED, ...) carry `code` strings; describeError reads their text.
    socket.once('error', (err) => finish(Object.assign(new Error(err.message), { code: Code.UNAVAILABLE, details: `${err.message}` })));
  });
}

/** Probe the leaf and check it against the pins: returns its credentials, or throws the mismatch. */
export async function pinnedCredentialsFor(
  endpoint: Endpoint,
  pins: string[],
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ credentials: grpc.ChannelCredentials; fingerprint: string }> {
  const leaf = await probeServerLeaf(endpoint, opts);
  const fingerprint = spkiFingerprint(leaf);
  if (!pins.includes(fingerprint)) throw fingerprintMismatch(endpoint.host, fingerprint, endpoint.address);
  return { credentials: pinnedCredentials(leaf, pins), fingerprint };
}
