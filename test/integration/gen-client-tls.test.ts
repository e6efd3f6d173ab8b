// The client certificate in a generated talosconfig, used the way a Talos node sees it: the product's own
// talosconfig loader reads it (Talos's "ED25519 PRIVATE KEY" included), and a TLS server on loopback that
// demands client certificates from the bundle's OS CA (what apid and the simulator's grpc-js server do,
// both on OpenSSL) completes the handshake and sees O=os:admin; a certificate from another bundle's CA is
// refused. (The simulator's own nodes use a CA of their own, so they are not configured from the bundle.)
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crtPem, keyPem, type SecretsBundle } from '../../src/core/gen/bundle.js';
import { parseContract, type Contract } from '../../src/core/gen/contract.js';
import { generateBundle } from '../../src/core/gen/secrets.js';
import { generateClusterConfigs } from '../../src/ops/gen.js';
import { parseTalosconfig } from '../../src/talos/talosconfig.js';
import { freeLoopback24 } from '../helpers/loopback.js';

let bundle: SecretsBundle;
let other: SecretsBundle;
let server: tls.Server;
let host: string;
let port: number;
const seen: Array<{ authorized: boolean; organizations: string | string[] | undefined }> = [];

beforeAll(async () => {
  const v16 = parseContract('v1.6') as Contract; // ECDSA service-account key: quick to make
  [bundle, other] = await Promise.all([generateBundle(v16), generateBundle(v16)]);
  host = `${await freeLoopback24()}.1`;
  server = tls.createServer({ cert: crtPem(bundle.certs.os), key: keyPem(bundle.certs.os).replaceAll('ED25519 PRIVATE KEY', 'PRIVATE KEY'), ca: crtPem(bundle.certs.os), requestCert: true, rejectUnauthorized: true }, (socket) => {
    seen.push({ authorized: socket.authorized, organizations: socket.getPeerCertificate().subject?.O });
    socket.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Connects with the talosconfig's client certificate; only the server's judgement of it is under test. */
function handshake(talosconfig: string): Promise<string> {
  const ctx = parseTalosconfig(talosconfig, 'generated');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, cert: ctx.certPem, key: ctx.keyPem, rejectUnauthorized: false }, () => {
      socket.once('data', (d) => {
        socket.destroy();
        resolve(String(d));
      });
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before an answer')));
  });
}

describe('a generated talosconfig against a node that trusts the bundle\'s OS CA', () => {
  it('the handshake completes and the node sees the os:admin role', async () => {
    const { talosconfig } = generateClusterConfigs({ secrets: bundle, clusterName: 'c1', endpoint: 'https://10.0.0.5:6443', contract: 'v1.13' });
    expect(await handshake(talosconfig)).toBe('ok');
    expect(seen.at(-1)).toEqual({ authorized: true, organizations: 'os:admin' });
  });

  it('a certificate from another bundle is refused', async () => {
    const { talosconfig } = generateClusterConfigs({ secrets: other, clusterName: 'c1', endpoint: 'https://10.0.0.5:6443', contract: 'v1.13' });
    const before = seen.length;
    await expect(handshake(talosconfig)).rejects.toThrow();
    expect(seen.length).toBe(before);
  });
});
