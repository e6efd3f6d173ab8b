// The console's secret redactor (src/core/config-redact.ts) against Talos's own RedactSecrets (oracle
// `redact`): for generated configs of every contract and for configs carrying each kind of secret
// Talos knows (registries, wireguard, VIP tokens, disk encryption keys, the multi-doc secret kinds),
// both must replace exactly the same values. Compared as sets of changed YAML paths, since Talos
// re-encodes the document (and writes a bytes field's replacement base64-encoded).
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments, type parseDocument, stringify } from 'yaml';
import { parseBundle, type SecretsBundle } from '../../src/core/gen/bundle.js';
import { parseContract, SUPPORTED_CONTRACTS, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig } from '../../src/core/gen/machine-config.js';
import { redactConfig, REDACTED } from '../../src/core/config-redact.js';
import { FLAVOURS } from './gen-helpers.js';
import { describeOracle, runOracle } from './oracle.js';
import { stabilitySecrets } from './stability.js';

type Leaves = Map<string, unknown>;

/** Every leaf of every document, keyed by document identity (kind/name) and path. */
function leaves(text: string): Leaves {
  const out: Leaves = new Map();
  for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    const js = doc.toJS() as Record<string, unknown> | null;
    if (!js) continue;
    const id = `${(js.kind as string | undefined) ?? 'v1alpha1'}/${(js.name as string | undefined) ?? ''}`;
    const walk = (v: unknown, path: string) => {
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      else out.set(path, v);
    };
    walk(js, id);
  }
  return out;
}

/** The paths whose value in `after` differs from `before` (a path `after` dropped is not a change: Go omits empty values). */
function changed(before: Leaves, after: Leaves): string[] {
  return [...before.keys()].filter((p) => after.has(p) && after.get(p) !== before.get(p)).sort();
}

function compare(config: string): string[] {
  const talos = runOracle<{ yaml?: string; error?: string }>('redact', config);
  expect(talos.error).toBeUndefined();
  const before = leaves(config);
  const ours = redactConfig(config);
  const oursChanged = changed(before, leaves(ours));
  expect(oursChanged).toEqual(changed(before, leaves(talos.yaml!)));
  const redacted = leaves(ours);
  for (const p of oursChanged) expect(String(redacted.get(p)), p).toContain(REDACTED);
  return oursChanged;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describeOracle('redact: the same values as Talos machinery RedactSecrets', () => {
  let bundle: SecretsBundle;
  beforeAll(() => {
    bundle = parseBundle(stabilitySecrets(), 'stability secrets.yaml');
  });
  const inputs = { clusterName: 'red', endpoint: 'https://red:6443', kubernetesVersion: '1.30.0', ...FLAVOURS.talosctl };

  for (const name of SUPPORTED_CONTRACTS) {
    it(`${name}: generated controlplane and worker`, () => {
      const contract = parseContract(name) as Contract;
      const cp = compare(renderMachineConfig({ ...inputs, bundle, contract }, 'controlplane'));
      // Something is redacted, and the machine token with the CA keys among it.
      expect(cp).toEqual(expect.arrayContaining(['v1alpha1/.machine.token', 'v1alpha1/.machine.ca.key', 'v1alpha1/.cluster.token', 'v1alpha1/.cluster.etcd.ca.key']));
      expect(compare(renderMachineConfig({ ...inputs, bundle, contract }, 'worker'))).toContain('v1alpha1/.machine.token');
    });
  }

  it('v1alpha1 registries, wireguard, VIP tokens and disk encryption keys; empty values stay empty', () => {
    const [doc, ...rest] = parseAllDocuments(renderMachineConfig({ ...inputs, bundle, contract: parseContract('v1.13') as Contract }, 'worker')) as ReturnType<typeof parseDocument>[];
    if (!doc) throw new Error('no v1alpha1 document');
    doc.setIn(['machine', 'registries', 'config'], {
      'reg.example': { auth: { username: 'u', password: 'pw', auth: 'YXV0aA==', identityToken: 'idt' }, tls: { clientIdentity: { crt: b64('crt'), key: b64('key') } } },
      'empty.example': { auth: { username: 'u', password: '' } },
    });
    doc.setIn(['machine', 'network', 'interfaces'], [
      {
        interface: 'eth0',
        wireguard: { privateKey: 'wgpriv', peers: [{ publicKey: 'peerpub', endpoint: '192.0.2.1:51820', allowedIPs: ['10.1.0.0/16'] }] },
        vip: { ip: '10.5.0.1', hcloud: { apiToken: 'hctoken' } },
        vlans: [{ vlanId: 5, vip: { ip: '10.6.0.1', equinixMetal: { apiToken: 'emtoken' } } }],
      },
    ]);
    doc.setIn(['machine', 'systemDiskEncryption'], {
      state: { provider: 'luks2', keys: [{ slot: 0, static: { passphrase: 'statepass' } }, { slot: 1, nodeID: {} }] },
      ephemeral: { provider: 'luks2', keys: [{ slot: 0, static: { passphrase: 'ephpass' } }] },
    });
    const paths = compare([doc, ...rest].map((d) => d.toString()).join('---\n'));
    for (const p of ['registries.config.reg.example.auth.password', 'tls.clientIdentity.key', 'wireguard.privateKey', 'vip.hcloud.apiToken', 'equinixMetal.apiToken', 'state.keys.0.static.passphrase', 'ephemeral.keys.0.static.passphrase']) {
      expect(paths.some((x) => x.endsWith(p)), p).toBe(true);
    }
    expect(paths.some((x) => x.includes('empty.example'))).toBe(false);
  });

  it('the multi-document secret kinds', () => {
    const docs = [
      { apiVersion: 'v1alpha1', kind: 'KubeAggregatorCAConfig', issuingCA: { cert: 'aggcrt', key: 'aggkey' } },
      { apiVersion: 'v1alpha1', kind: 'KubeAPIServerCAConfig', issuingCA: { cert: 'apicrt', key: 'apikey' } },
      { apiVersion: 'v1alpha1', kind: 'KubeServiceAccountConfig', issuer: { privateKey: 'sakey' } },
      {
        apiVersion: 'v1alpha1',
        kind: 'KubeEtcdEncryptionConfig',
        config: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k1', secret: 'etcdsecret' }] } }, { identity: {} }] }] },
      },
      { apiVersion: 'v1alpha1', kind: 'SideroLinkConfig', apiUrl: 'https://siderolink.example:8099/?jointoken=jtok', uniqueToken: 'utok' },
      { apiVersion: 'v1alpha1', kind: 'WireguardConfig', name: 'wg0', privateKey: 'wgpriv', peers: [{ publicKey: 'pub', presharedKey: 'psk', allowedIPs: ['10.2.0.0/16'] }, { publicKey: 'pub2', allowedIPs: ['10.3.0.0/16'] }] },
      { apiVersion: 'v1alpha1', kind: 'HCloudVIPConfig', name: '10.7.0.1', link: 'eth0', apiToken: 'hctok' },
      { apiVersion: 'v1alpha1', kind: 'UserVolumeConfig', name: 'data', provisioning: { diskSelector: { match: 'disk.size > 1u * GB' } }, encryption: { provider: 'luks2', keys: [{ slot: 0, static: { passphrase: 'uvpass' } }, { slot: 1, tpm: {} }] } },
      { apiVersion: 'v1alpha1', kind: 'RawVolumeConfig', name: 'raw', provisioning: { diskSelector: { match: 'true' } }, encryption: { provider: 'luks2', keys: [{ slot: 0, static: { passphrase: 'rawpass' } }] } },
      { apiVersion: 'v1alpha1', kind: 'SwapVolumeConfig', name: 'swap', provisioning: { diskSelector: { match: 'true' } }, encryption: { provider: 'luks2', keys: [{ slot: 0, static: { passphrase: 'swappass' } }] } },
      { apiVersion: 'v1alpha1', kind: 'VolumeConfig', name: 'EPHEMERAL', encryption: { provider: 'luks2', keys: [{ slot: 0, static: { passphrase: 'ephpass' } }] } },
      { apiVersion: 'v1alpha1', kind: 'RegistryAuthConfig', name: 'reg.example', username: 'u', password: 'pw', auth: 'au', identityToken: 'it' },
      { apiVersion: 'v1alpha1', kind: 'RegistryTLSConfig', name: 'reg.example', clientIdentity: { cert: 'c', key: 'k' } },
      { apiVersion: 'v1alpha1', kind: 'DiscoveryIdentityConfig', clusterID: 'cid', clusterSecret: 'csec' },
    ];
    const text = docs.map((d) => stringify(d)).join('---\n');
    const paths = compare(text);
    // Every secret above, and nothing else (the peer without a preshared key, the TPM key, the cluster ID).
    expect(paths.length).toBe(18);
    expect(paths.some((p) => p.includes('clusterID') || p.includes('pub2') || p.includes('tpm'))).toBe(false);
  });
});
