// The talosconfig against Talos: read with Talos's client config loader, its certificate paired with its
// key as the Talos client does, verified for client authentication against the bundle's OS CA with Go's
// x509, and described the same way as the certificate Talos's own generator issues for the same bundle.
import { beforeAll, expect, it } from 'vitest';
import { crtPem, parseBundle, type SecretsBundle } from '../../src/core/gen/bundle.js';
import { generateClusterConfigs, talosconfigFromBundle } from '../../src/ops/gen.js';
import { oracleRequest, type OracleGen } from './gen-helpers.js';
import { describeOracle, runOracle } from './oracle.js';
import { stabilitySecrets } from './stability.js';

interface Verified {
  error?: string;
  context: string;
  endpoints: string[] | null;
  caMatches: boolean;
  chainVerified: boolean;
  verifyError?: string;
  keyType: string;
  cert: Record<string, unknown>;
}

const withoutClock = ({ notBefore: _n, serialBits: _s, ...rest }: Record<string, unknown>) => rest;

describeOracle('talosconfig: Talos accepts the client certificate we issue', () => {
  let secrets = '';
  let bundle: SecretsBundle;
  beforeAll(() => {
    secrets = stabilitySecrets();
    bundle = parseBundle(secrets, 'stability secrets.yaml');
  });
  const caPem = () => crtPem(bundle.certs.os);

  it('gen config: context named after the cluster, os:admin, Ed25519, one year, chained to the OS CA like Talos\'s own', () => {
    const ours = generateClusterConfigs({ secrets: bundle, clusterName: 'prod', endpoint: 'https://10.0.0.5:6443', contract: 'v1.13' });
    const v = runOracle<Verified>('verify-client', JSON.stringify({ talosconfig: ours.talosconfig, ca: caPem() }));
    expect(v.error).toBeUndefined();
    expect(v.chainVerified).toBe(true);
    expect(v).toMatchObject({ context: 'prod', caMatches: true, keyType: 'ed25519' });
    const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(secrets, 'v1.13', { clusterName: 'prod', endpoint: 'https://10.0.0.5:6443', kubernetesVersion: '1.36.0' })));
    expect(withoutClock(v.cert)).toEqual(withoutClock(talos.clientCert));
    // The same YAML shape as Talos's talosconfig (only the certificate and key differ).
    const shape = (t: string) => t.replace(/(crt|key): \S+/g, '$1: X');
    expect(shape(ours.talosconfig)).toBe(shape(talos.talosconfig));
  });

  it('gen talosconfig --roles os:reader --crt-ttl 720h: a reader certificate for 30 days that Talos verifies', () => {
    const text = talosconfigFromBundle(bundle, { contextName: 'oncall', roles: ['os:reader'], crtTtlMs: 720 * 3600_000, endpoints: ['10.0.0.5'] });
    const v = runOracle<Verified>('verify-client', JSON.stringify({ talosconfig: text, ca: caPem() }));
    expect(v.chainVerified).toBe(true);
    expect(v.context).toBe('oncall');
    expect(v.endpoints).toEqual(['10.0.0.5']);
    expect(v.cert.organizations).toEqual(['os:reader']);
    expect(v.cert.validitySeconds).toBe(720 * 3600);
    expect(v.cert.extKeyUsage).toEqual(['clientAuth']);
  });

  it('a certificate from another bundle\'s CA is refused by the same check (the check can fail)', () => {
    const text = talosconfigFromBundle(bundle, { contextName: 'x', roles: ['os:admin'], crtTtlMs: 3600_000 });
    const other = runOracle<{ yaml: string }>('secrets', '', ['generate', 'v1.13']);
    const otherCa = crtPem(parseBundle(other.yaml, 'other').certs.os);
    const v = runOracle<Verified>('verify-client', JSON.stringify({ talosconfig: text, ca: otherCa }));
    expect(v.chainVerified).toBe(false);
  });
});
