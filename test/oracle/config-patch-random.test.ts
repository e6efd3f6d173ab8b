// Random machine configs and patches (keyed lists hold each key once, as Talos's validation demands), through src/core/config-patch and Talos's configpatcher: the same
// config (read back by Talos's loader), or both refuse. Fields come from the v1alpha1 and multi-document
// schema, so Talos's strict loader accepts the bases; patches mix strategic merges (keyed lists, replaced
// lists, extraArgs, scalars, zero values, `$patch: delete` of paths that may be absent) and JSON 6902.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { describeOracle } from './oracle.js';
import { expectSame, judge, type PatchCase } from './patch-judge.js';

const name = fc.constantFrom('eth0', 'eth1', 'bond0', 'enp3s0');
const ip = fc.ipV4();
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
// Scalars as people write them: plain, quoted, numeric-looking, exponent and hex numbers.
const mtu = fc.oneof(fc.integer({ min: 0, max: 9000 }), fc.constantFrom(0, 1500, 9000));
const labelValue = fc.oneof(word, fc.constantFrom('', '1.10', '1e3', 'true', '0x1F', 'null', 'n', 'yes', 'Off'));
// Plain scalars in the base that YAML 1.1 and 1.2 read differently (talosctl's JSON 6902 path is 1.1).
const plainLabels = fc.dictionary(fc.constantFrom('y', 'on', 'x1', 'no'), fc.constantFrom('n', 'yes', 'On', '1.10', '0x1F', 'b'), { maxKeys: 2 });

const vlan = fc.record({ vlanId: fc.integer({ min: 1, max: 4 }), mtu, dhcp: fc.boolean() }, { requiredKeys: ['vlanId'] });
const iface = fc.record(
  { interface: name, dhcp: fc.boolean(), mtu, addresses: fc.array(ip.map((a) => `${a}/24`), { maxLength: 2 }), vlans: fc.uniqueArray(vlan, { maxLength: 2, selector: (v) => v.vlanId }) },
  { requiredKeys: ['interface'] },
);
const machine = fc.record(
  {
    network: fc.record({ hostname: fc.oneof(word, fc.constant('')), interfaces: fc.uniqueArray(iface, { maxLength: 3, selector: (i) => i.interface }), nameservers: fc.array(ip, { maxLength: 2 }) }, { requiredKeys: [] }),
    nodeLabels: fc.dictionary(word, labelValue, { maxKeys: 3 }),
    kubelet: fc.record({ extraArgs: fc.dictionary(word, labelValue, { maxKeys: 3 }), image: word }, { requiredKeys: [] }),
    certSANs: fc.array(ip, { maxLength: 2 }),
    install: fc.record({ disk: fc.constantFrom('/dev/sda', '/dev/nvme0n1'), wipe: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const cluster = fc.record(
  {
    clusterName: word,
    network: fc.record({ podSubnets: fc.array(ip.map((a) => `${a}/16`), { maxLength: 2 }), dnsDomain: word }, { requiredKeys: [] }),
    apiServer: fc.record({ certSANs: fc.array(ip, { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const hostnameDoc = fc.record({ hostname: word, auto: fc.constant(undefined) }, { requiredKeys: ['hostname'] }).map((d) => ({ apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: d.hostname }));
const extensionDoc = fc.record({
  name: fc.constantFrom('nut', 'tailscale'),
  configFiles: fc.uniqueArray(fc.record({ content: word, mountPath: fc.constantFrom('/etc/a', '/etc/b', '/etc/c') }), { maxLength: 2, selector: (f) => f.mountPath }),
  environment: fc.array(word.map((w) => `K=${w}`), { maxLength: 2 }),
}).map((d) => ({ apiVersion: 'v1alpha1', kind: 'ExtensionServiceConfig', ...d }));
const extra = fc.array(fc.oneof(hostnameDoc, extensionDoc), { maxLength: 2 });

const yamlStream = (docs: object[]) => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

const baseDocs = fc.record({ machine, cluster, extra }).map(({ machine, cluster, extra }) => {
  const seen = new Set<string>();
  const docs = extra.filter((d) => {
    const id = `${d.kind}/${'name' in d ? d.name : ''}`;
    return !seen.has(id) && seen.add(id);
  });
  return yamlStream([{ version: 'v1alpha1', machine, cluster }, ...docs]);
});
const base = fc.tuple(baseDocs, plainLabels).map(([text, labels]) => {
  const entries = Object.entries(labels);
  if (entries.length === 0 || !text.startsWith('version: v1alpha1\nmachine:\n')) return text;
  // Written by hand, unquoted, where `stringify` would quote them.
  const block = `  nodeAnnotations:\n${entries.map(([k, v]) => `    ${k}: ${v}\n`).join('')}`;
  return text.replace('version: v1alpha1\nmachine:\n', `version: v1alpha1\nmachine:\n${block}`);
});

const deletes = fc.constantFrom(
  { machine: { network: { hostname: { $patch: 'delete' } } } },
  { machine: { nodeLabels: { $patch: 'delete' } } },
  { machine: { network: { interfaces: [{ interface: 'eth0', $patch: 'delete' }] } } },
  { cluster: { network: { podSubnets: { $patch: 'delete' } } } },
  { apiVersion: 'v1alpha1', kind: 'HostnameConfig', $patch: 'delete' },
  { apiVersion: 'v1alpha1', kind: 'ExtensionServiceConfig', name: 'nut', $patch: 'delete' },
);
const strategicDoc = fc.oneof(
  { weight: 4, arbitrary: fc.record({ machine, cluster }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.oneof(hostnameDoc, extensionDoc) },
  { weight: 1, arbitrary: deletes },
);
const strategic = fc.array(strategicDoc, { minLength: 1, maxLength: 3 }).map(yamlStream);

// Values of the type each path holds, so Talos's loader is not what refuses (the product knows no types).
const target = fc.constantFrom<[string, fc.Arbitrary<unknown>]>(
  ['/machine/network/hostname', word],
  ['/machine/nodeLabels/zone', labelValue],
  ['/machine/certSANs/0', ip],
  ['/machine/certSANs/-', ip],
  ['/cluster/clusterName', word],
  ['/machine/install', fc.record({ disk: fc.constantFrom('/dev/sda', '/dev/vda') })],
  ['/machine/kubelet/extraArgs', fc.dictionary(word, word, { maxKeys: 2 })],
);
const op = target.chain(([path, value]) =>
  fc.oneof(
    fc.record({ op: fc.constantFrom('add', 'replace'), path: fc.constant(path), value }),
    fc.record({ op: fc.constant('remove'), path: fc.constant(path) }),
    fc.record({ op: fc.constant('test'), path: fc.constant(path), value }),
  ),
);
const json6902 = fc.array(op, { minLength: 1, maxLength: 3 }).chain((ops) => fc.constantFrom(JSON.stringify(ops), stringify(ops)));

// JSON patches come before strategic ones: after a strategic patch talosctl hands a JSON patch Go's
// re-encoding of the config, which spells out fields the user left out (`type: ""`, `certSANs: []`,
// `dnsDomain: ""`), so a pointer to them resolves there and not in the user's text. The product patches
// the text the user wrote; that difference is documented in src/core/config-patch/index.ts.
const patchCase: fc.Arbitrary<PatchCase> = fc.record({
  config: base,
  json: fc.array(json6902, { maxLength: 2 }),
  strategic: fc.array(strategic, { maxLength: 3 }),
}).filter((c) => c.json.length + c.strategic.length > 0).map((c) => ({ config: c.config, patches: [...c.json, ...c.strategic] }));

describeOracle('config patching vs Talos configpatcher: random configs and patches', () => {
  it('gives the config Talos gives, or refuses when Talos refuses', () => {
    // One oracle call for the whole sample (a process per case would dominate the run); a failure
    // prints the case, seed and all, so it can be replayed and turned into a unit test.
    const seed = Number(process.env.ORACLE_SEED ?? Date.now() % 2 ** 31);
    const cases = fc.sample(patchCase, { seed, numRuns: Number(process.env.ORACLE_RUNS ?? 400) });
    const verdicts = judge(cases);
    let agreed = 0;
    verdicts.forEach((v, i) => {
      const what = `seed ${seed}, case ${i}:\n${JSON.stringify(cases[i], null, 1)}\nproduct: ${JSON.stringify(v.product)}\ntalos: ${JSON.stringify(v.talos)}`;
      expectSame(v, what);
      if (v.talos.error === undefined) agreed++;
    });
    // Most cases must apply, or the test compares little but errors.
    expect(agreed).toBeGreaterThan(cases.length / 4);
  });
});
