// src/core/meta (META key 0x0a) against Talos's own reading of it: the metal platform's non-strict
// go.yaml.in/yaml/v4 Unmarshal into network.PlatformConfigSpec (the oracle's `meta decode`), and
// pkg/machinery/meta for INSTALLER_META_BASE64. A document Talos reads is never refused by the product
// (a warning is fine); one Talos cannot read is refused; the boot-time export decodes, with Talos's
// decoder, to what the document itself decodes to.
import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  BOND_MODES, decodeInstallerMeta, encodeInstallerMeta, errorsOf, formatProblem, LINK_TYPES, META_NETWORK_KEY, parseMetaNetworkConfig,
  ROUTE_PROTOCOLS, SCOPES, VLAN_PROTOCOLS, XMIT_HASH_POLICIES,
} from '../../src/core/meta/index.js';
import { bootRoute } from '../../src/ops/meta.js';
import { describeOracle, runOracle } from './oracle.js';

type Decoded = { value?: string; error?: string };
const decode = (docs: string[]) => runOracle<Decoded[]>('meta', JSON.stringify(docs), ['decode']);
const installerDecode = (b64: string[]) => runOracle<{ values?: { key: number; value: string }[]; error?: string }[]>('meta', JSON.stringify(b64), ['installer-decode']);

const layer = fc.option(fc.constantFrom('platform', 'default', 'configuration'), { nil: undefined });
const physical = fc.constantFrom('eth0', 'eth1', 'enp3s0', 'eno1');
const v4 = fc.ipV4();
const v6 = fc.ipV6().filter((a) => !a.includes('.'));
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const omit = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

// What platforms write (nocloud, openstack, equinix): physical links, a bond with slaves, VLANs,
// addresses and routes of a consistent family, one hostname/resolver/time server entry, metadata.
const physicalLink = fc.record({ name: physical, up: fc.boolean(), mtu: omit(fc.integer({ min: 576, max: 9000 })), hardwareAddr: omit(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':'))), type: omit(fc.constantFrom(...LINK_TYPES.slice(0, 3))), layer }).map(compact);
const bond = fc.record({
  mode: fc.constantFrom(...BOND_MODES), xmitHashPolicy: omit(fc.constantFrom(...XMIT_HASH_POLICIES)), miimon: omit(fc.integer({ min: 0, max: 1000 })), lacpRate: omit(fc.constantFrom('slow', 'fast')),
}).map((bondMaster) => [
  { name: 'bond0', logical: true, up: true, kind: 'bond', type: 'ether', bondMaster: compact(bondMaster), layer: 'platform' },
  { name: 'eth2', up: true, masterName: 'bond0', slaveIndex: 0, layer: 'platform' },
  { name: 'eth3', up: true, masterName: 'bond0', slaveIndex: 1, layer: 'platform' },
]);
const vlan = fc.record({ id: fc.integer({ min: 1, max: 4094 }), proto: fc.constantFrom(...VLAN_PROTOCOLS), parent: physical }).map(({ id, proto, parent }) => ({
  name: `${parent}.${id}`.slice(0, 15), logical: true, up: true, kind: 'vlan', type: 'ether', parentName: parent, vlan: { vlanID: id, vlanProtocol: proto }, layer: 'platform',
}));
const address = fc.oneof(
  fc.record({ ip: v4, len: fc.integer({ min: 8, max: 32 }), family: fc.constant('inet4') }),
  fc.record({ ip: v6, len: fc.integer({ min: 16, max: 128 }), family: fc.constant('inet6') }),
).chain(({ ip, len, family }) => fc.record({ address: fc.constant(`${ip}/${len}`), linkName: physical, family: fc.constant(family), scope: omit(fc.constantFrom(...SCOPES)), flags: omit(fc.constant('permanent')), layer }).map(compact));
const route = fc.oneof(fc.record({ gw: v4, family: fc.constant('inet4'), dst: omit(v4.map((a) => `${a}/32`)) }), fc.record({ gw: v6, family: fc.constant('inet6'), dst: omit(fc.constant('::/0')) })).chain(({ gw, family, dst }) =>
  fc.record({ family: fc.constant(family), dst: fc.constant(dst), gateway: fc.constant(gw), outLinkName: omit(physical), table: omit(fc.constantFrom('main', '10', 'local')), priority: omit(fc.integer({ min: 0, max: 4096 })), protocol: omit(fc.constantFrom(...ROUTE_PROTOCOLS.slice(0, 6))), layer }).map(compact),
);
const metadata = fc.record({ platform: fc.constantFrom('nocloud', 'openstack', 'metal'), hostname: label, instanceId: omit(fc.uuid()), internalDNS: omit(label.map((l) => `${l}.internal`)), region: omit(label), spot: omit(fc.boolean()), tags: omit(fc.dictionary(label, label, { maxKeys: 2 })) }).map(compact);

const platformDoc = fc.record({
  links: fc.tuple(fc.array(physicalLink, { maxLength: 3 }), omit(bond), fc.array(vlan, { maxLength: 2 })).map(([p, b, v]) => [...p, ...(b ?? []), ...v]),
  addresses: fc.array(address, { maxLength: 3 }),
  routes: fc.array(route, { maxLength: 2 }),
  hostnames: omit(fc.record({ hostname: label, domainname: omit(label.map((l) => `${l}.example`)), layer }).map((h) => [compact(h)])),
  resolvers: omit(fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 2 }).map((dnsServers) => [{ dnsServers, layer: 'platform' }])),
  timeServers: omit(fc.array(fc.oneof(label.map((l) => `${l}.pool.ntp.org`), v4), { minLength: 1, maxLength: 2 }).map((timeServers) => [{ timeServers, layer: 'platform' }])),
  externalIPs: omit(fc.array(v4, { maxLength: 2 })),
  metadata: omit(metadata),
  extra: omit(fc.constantFrom({ unknownTopLevel: 1 }, { operators: [] }, { probes: [] })),
}).map(({ extra, ...doc }) => stringify({ ...compact(doc), ...(extra ?? {}) }, { lineWidth: 0 }));

// One field made wrong the way a hand-written document goes wrong: a type Go cannot decode, or a
// name its enum does not know.
const broken = fc.tuple(platformDoc, fc.constantFrom(
  'links:\n  - name: eth0\n    mtu: big\n',
  'links:\n  - name: eth0\n    up: "true"\n',
  'links: eth0\n',
  'addresses:\n  - address: 10.0.0.5/24\n    linkName: eth0\n    family: inet5\n',
  'addresses:\n  - address: 10.0.0.5\n    linkName: eth0\n    family: inet4\n',
  'routes:\n  - family: inet4\n    gateway: 10.0.0.1\n    table: 300\n',
  'routes:\n  - family: inet4\n    gateway: not-an-ip\n',
  'links:\n  - name: bond0\n    logical: true\n    kind: bond\n    bondMaster:\n      mode: fastest\n',
  'links:\n  - name: eth0.5\n    kind: vlan\n    vlan:\n      vlanID: 70000\n',
  'hostnames:\n  - hostname: [a]\n',
)).map(([, bad]) => bad);

describeOracle('META 0x0a vs Talos (metal platform decoding, pkg/machinery/meta)', () => {
  it('a document Talos reads is never refused (warnings are fine), random platform documents included', () => {
    const seed = Number(process.env.ORACLE_SEED ?? Date.now() % 2 ** 31);
    const docs = fc.sample(platformDoc, { seed, numRuns: 300 });
    const talos = decode(docs);
    docs.forEach((doc, i) => {
      expect(talos[i].error, `seed ${seed}: Talos refuses a generated document:\n${doc}`).toBeUndefined();
      const r = parseMetaNetworkConfig(doc);
      expect(r.syntaxError, doc).toBeUndefined();
      expect(errorsOf(r.problems).map(formatProblem), `seed ${seed}: the product refuses what Talos reads:\n${doc}`).toEqual([]);
    });
  });

  it('a document Talos itself produced: nocloud declaring a link twice, with metadata (issue 11 item 16)', () => {
    const doc = [
      'links:', '  - name: eth1', '    up: true', '    layer: platform', '  - name: eth1', '    up: true', '    mtu: 1450', '    layer: platform',
      'addresses:', '  - address: 192.168.1.5/24', '    linkName: eth1', '    family: inet4', '    scope: global', '    flags: permanent', '    layer: platform',
      'metadata:', '  platform: nocloud', '  hostname: talos', '  instanceId: iid-1', '  internalDNS: talos.local', '',
    ].join('\n');
    expect(decode([doc])[0].error).toBeUndefined();
    expect(errorsOf(parseMetaNetworkConfig(doc).problems)).toEqual([]);
  });

  it('a document Talos cannot decode is refused', () => {
    const docs = [...new Set(fc.sample(broken, { seed: 1, numRuns: 60 }))];
    const talos = decode(docs);
    docs.forEach((doc, i) => {
      expect(talos[i].error, `Talos reads:\n${doc}`).toBeDefined();
      const r = parseMetaNetworkConfig(doc);
      expect(r.syntaxError !== undefined || errorsOf(r.problems).length > 0, `the product accepts what Talos cannot decode (${talos[i].error}):\n${doc}`).toBe(true);
    });
  });

  it("the boot-time export (INSTALLER_META_BASE64 of the document) decodes, with Talos's decoder, to what the document decodes to", () => {
    const docs = fc.sample(platformDoc, { seed: 7, numRuns: 100 });
    // The export carries the document as written (the pane and `meta export` do that).
    const exports = docs.map((doc) => bootRoute(doc).b64);
    const values = installerDecode(exports);
    const fromExport = values.map((v, i) => {
      expect(v.error, docs[i]).toBeUndefined();
      expect(v.values!.map((x) => x.key)).toEqual([META_NETWORK_KEY]);
      return v.values![0].value;
    });
    const talosOfDoc = decode(docs);
    const talosOfExport = decode(fromExport);
    docs.forEach((doc, i) => expect(talosOfExport[i], doc).toEqual(talosOfDoc[i]));
  });

  it('scalar spellings: the product refuses exactly what yaml/v4 cannot decode into the field', () => {
    const spellings = ['yes', '"yes"', 'true', '"true"', 'on', '"off"', 'y', 'True', '1', '"1"', '0', '9000', '"9000"', '9000.0', '0x10', '1e3', '1_000', '"1_000x"', '-1', '4294967296', '~', 'null', '""', 'abc', '[a]', '{a: 1}'];
    const fields: [string, (v: string) => string][] = [
      ['a bool', (v) => `links:\n  - name: eth0\n    up: ${v}\n`],
      ['a uint32', (v) => `links:\n  - name: eth0\n    up: true\n    mtu: ${v}\n`],
      ['a string', (v) => `links:\n  - name: eth0\n    up: true\n    kind: ${v}\n`],
      ['an enum', (v) => `routes:\n  - family: inet4\n    gateway: 10.0.0.1\n    outLinkName: eth0\n    scope: ${v}\n`],
    ];
    const cases = fields.flatMap(([what, doc]) => spellings.map((v) => ({ what: `${what} written ${v}`, doc: doc(v) })));
    const talos = decode(cases.map((c) => c.doc));
    const mismatches = cases.filter((c, i) => {
      const r = parseMetaNetworkConfig(c.doc);
      const refused = r.syntaxError !== undefined || errorsOf(r.problems).length > 0;
      return refused !== (talos[i].error !== undefined);
    });
    expect(mismatches.map((c) => `${c.what}: Talos ${talos[cases.indexOf(c)].error ?? 'reads it'}`)).toEqual([]);
  });

  it("INSTALLER_META_BASE64 round-trips between the product's and Talos's encoders", () => {
    const yaml = 'links:\n  - name: eth0\n    up: true\n';
    const talos = runOracle<{ gzip: string; plain: string }>('meta', JSON.stringify([{ key: META_NETWORK_KEY, value: yaml }]), ['installer-encode']);
    for (const b64 of [talos.gzip, talos.plain]) expect(decodeInstallerMeta(b64, (d) => gunzipSync(d))).toEqual([{ key: META_NETWORK_KEY, value: yaml }]);
    const ours = encodeInstallerMeta(yaml, (d) => gzipSync(d, { level: 9 }));
    expect(installerDecode([ours])[0].values).toEqual([{ key: META_NETWORK_KEY, value: yaml }]);
  });
});
