// Base machine configs for a new cluster run inside the simulator (tests, --demo, benches): a
// controlplane.yaml and worker.yaml sharing a fresh Ed25519 machine CA, and the talosconfig whose
// admin certificate that CA signed, the three files `talosctl gen config` writes. Only what the
// simulator acts on is filled in (type, CA, token, install, cluster name and endpoint); these are
// not complete Talos configs and never leave loopback tests. Native generation is src/ops/gen.ts.
import { randomBytes } from 'node:crypto';
import { issueCertificate, newSimKey } from './pki.js';
import { talosconfigYaml } from './talosconfig.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

export interface SimClusterConfigs {
  controlplane: string;
  worker: string;
  talosconfig: string;
}

export function simClusterConfigs(opts: { clusterName: string; endpoint: string; installDisk?: string }): SimClusterConfigs {
  const caKey = newSimKey();
  const ca = issueCertificate(null, caKey, { commonName: 'talos', organizations: ['talos'], usage: 'ca', validityDays: 3650, serialHex: randomBytes(16).toString('hex') });
  const adminKey = newSimKey();
  const admin = issueCertificate(ca, adminKey, { commonName: 'admin', organizations: ['os:admin'], usage: 'client', validityDays: 365, serialHex: randomBytes(16).toString('hex') });
  const token = `${randomBytes(3).toString('hex')}.${randomBytes(8).toString('hex')}`;
  const config = (type: string) =>
    [
      'version: v1alpha1',
      'machine:',
      `  type: ${type}`,
      `  token: ${token}`,
      '  ca:',
      `    crt: ${b64(ca.certPem)}`,
      `    key: ${type === 'controlplane' ? b64(caKey.privateKeyPem) : '""'}`,
      '  install:',
      `    disk: ${opts.installDisk ?? '/dev/sda'}`,
      '    image: ghcr.io/siderolabs/installer:v1.13.9',
      'cluster:',
      `  clusterName: ${opts.clusterName}`,
      '  controlPlane:',
      `    endpoint: ${opts.endpoint}`,
      '',
    ].join('\n');
  const talosconfig = talosconfigYaml({ context: opts.clusterName, endpoints: [], nodes: [], caPem: ca.certPem, crtPem: admin.certPem, keyPem: adminKey.privateKeyPem });
  return { controlplane: config('controlplane'), worker: config('worker'), talosconfig };
}
