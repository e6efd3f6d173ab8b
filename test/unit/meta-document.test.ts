import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { errorsOf, formatProblem, parseMetaNetworkConfig, renderMetaNetworkConfig, summarize } from '../../src/core/meta/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/meta/${name}`, import.meta.url), 'utf8');

/** Formatted problems of a document given as an object (rendered to YAML). */
function check(doc: unknown): { errors: string[]; warnings: string[] } {
  const r = parseMetaNetworkConfig(typeof doc === 'string' ? doc : stringify(doc));
  expect(r.config).not.toBeNull();
  return {
    errors: errorsOf(r.problems).map(formatProblem),
    warnings: r.problems.filter((p) => p.severity === 'warning').map(formatProblem),
  };
}

const eth0 = { name: 'eth0', up: true, layer: 'platform' };
const addr = (over: object = {}) => ({ address: '10.0.0.5/24', linkName: 'eth0', family: 'inet4', scope: 'global', flags: 'permanent', layer: 'platform', ...over });
const route = (over: object = {}) => ({ family: 'inet4', gateway: '10.0.0.1', outLinkName: 'eth0', table: 'main', priority: 1024, scope: 'global', type: 'unicast', protocol: 'static', layer: 'platform', ...over });
const bond = (over: object = {}) => ({ name: 'bond0', logical: true, up: true, kind: 'bond', type: 'ether', bondMaster: { mode: '802.3ad' }, layer: 'platform', ...over });
const slave = (name: string, index: number, master = 'bond0') => ({ name, up: true, masterName: master, slaveIndex: index, layer: 'platform' });
const vlan = (over: object = {}) => ({ name: 'eth0.35', logical: true, up: true, kind: 'vlan', type: 'ether', parentName: 'eth0', vlan: { vlanID: 35, vlanProtocol: '802.1q' }, layer: 'platform', ...over });

describe('the seed document (Talos guide "Metal Network Configuration")', () => {
  it('parses and validates with no problems at all', () => {
    const r = parseMetaNetworkConfig(fixture('network.yaml'));
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(summarize(r.config!)).toBe('3 address(es), 4 link(s) (1 bond, 1 vlan, 0 bridge), 3 route(s), hostname ci-blue-worker-amd64-2');
  });

  it('each example of the guide validates on its own', () => {
    const docs: unknown[] = [
      { addresses: [addr({ address: '198.51.100.43/31', linkName: 'bond0' })], links: [bond(), slave('eth0', 0), slave('eth1', 1)] },
      { addresses: [addr({ address: '2604:1380:45f2:6c00::1/127', family: 'inet6' })] },
      { links: [{ name: 'en9sp0', up: true, layer: 'platform' }] },
      { links: [{ name: 'en9sp0', up: true, mtu: 9000, layer: 'platform' }] },
      { links: [bond(), slave('eth0', 0), slave('eth1', 1), vlan({ name: 'bond0.35', parentName: 'bond0', vlan: { vlanID: 35, vlanProtocol: '802.1ad' } })] },
      { routes: [route({ family: 'inet6', gateway: '2604:1380:45f2:6c00::', outLinkName: 'bond0', priority: 2048 })], links: [bond(), slave('eth0', 0)] },
      { routes: [route({ dst: '10.0.0.0/8', gateway: '192.0.2.0' })] },
      { hostnames: [{ hostname: 'host', domainname: 'some.org', layer: 'platform' }] },
      { resolvers: [{ dnsServers: ['1.1.1.1', '2606:4700:4700::1111'], layer: 'platform' }] },
      { timeServers: [{ timeServers: ['pool.ntp.org', '162.159.200.1'], layer: 'platform' }] },
    ];
    for (const d of docs) expect(check(d).errors, stringify(d)).toEqual([]);
  });

  it('also reads the JSON form (JSON is YAML)', () => {
    expect(check(JSON.stringify({ addresses: [addr()] })).errors).toEqual([]);
  });
});

describe('malformed files (not a document at all)', () => {
  it('YAML syntax errors and non-mappings are syntax errors, not problems', () => {
    expect(parseMetaNetworkConfig('addresses: [').syntaxError).toMatch(/^not valid YAML/);
    expect(parseMetaNetworkConfig('- a\n- b\n').syntaxError).toMatch(/must be a mapping of sections .* not a list/);
    expect(parseMetaNetworkConfig('a: 1\na: 2\n').syntaxError).toMatch(/not valid YAML/);
  });
});

describe('each rule: a failing and a passing case', () => {
  it('unknown top-level keys are ignored by Talos: a warning, not an error', () => {
    const r = check({ adresses: [], addresses: [addr()], links: [eth0] });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toContain('warning: adresses: unknown top-level key: ignored by Talos');
    expect(check({ Links: [] }).warnings).toContain('warning: Links: unknown top-level key: ignored by Talos (did you mean "links"?)');
    expect(check({ addresses: [addr()], links: [eth0] }).warnings).toEqual([]);
  });

  it('unknown fields of an entry: a warning naming the path (typos)', () => {
    expect(check({ addresses: [addr({ linkname: 'eth0' })], links: [eth0] }).warnings).toContain(
      'warning: addresses[0].linkname: unknown field of an address: ignored by Talos (did you mean "linkName"?)',
    );
  });

  it('a section must be a list', () => {
    expect(check({ addresses: addr() }).errors).toEqual(['addresses: expected a list of an address entries, got a mapping']);
  });

  it('address CIDR syntax', () => {
    expect(check({ addresses: [addr({ address: '10.0.0.5' })], links: [eth0] }).errors).toEqual(['addresses[0].address: "10.0.0.5" is not in CIDR form (address/bits, e.g. 10.0.0.5/24)']);
    expect(check({ addresses: [addr({ address: '10.0.0.256/24' })], links: [eth0] }).errors).toEqual(['addresses[0].address: "10.0.0.256/24" is not in CIDR form: "10.0.0.256" is not an IP address']);
    expect(check({ addresses: [addr({ address: '10.0.0.5/33' })], links: [eth0] }).errors).toEqual(['addresses[0].address: "10.0.0.5/33" has prefix length "33": an IPv4 prefix takes 0-32']);
    expect(check({ addresses: [addr({ address: 'fd00::1/129', family: 'inet6' })], links: [eth0] }).errors).toEqual(['addresses[0].address: "fd00::1/129" has prefix length "129": an IPv6 prefix takes 0-128']);
    expect(check({ addresses: [addr({ address: '010.0.0.5/24' })], links: [eth0] }).errors).toHaveLength(1);
    expect(check({ addresses: [addr({ address: '::ffff:10.0.0.5/120', family: 'inet6' })], links: [eth0] }).errors).toEqual([]);
  });

  it('address family must be set and match the address', () => {
    expect(check({ addresses: [addr({ family: 'inet6' })], links: [eth0] }).errors).toEqual(['addresses[0].family: inet6 does not match 10.0.0.5/24, an inet4 address']);
    const { family: _f, ...noFamily } = addr();
    expect(check({ addresses: [noFamily], links: [eth0] }).errors).toEqual(['addresses[0].family: not set: Talos needs the family (inet4 for 10.0.0.5/24)']);
    expect(check({ addresses: [addr({ family: 'ipv4' })], links: [eth0] }).errors).toEqual(['addresses[0].family: "ipv4" is not an address family (inet4, inet6)']);
  });

  it('address scope and flags are Talos names', () => {
    expect(check({ addresses: [addr({ scope: 'universe' })], links: [eth0] }).errors).toEqual(['addresses[0].scope: "universe" is not a scope (global, site, link, host, nowhere)']);
    expect(check({ addresses: [addr({ flags: 'permanent,nodad' })], links: [eth0] }).errors).toEqual([]);
    expect(check({ addresses: [addr({ flags: 'permanent,sticky' })], links: [eth0] }).errors).toHaveLength(1);
  });

  it('linkName: an undeclared name is a warning (physical links are not declared)', () => {
    const r = check({ addresses: [addr({ linkName: 'enp1s0' })] });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toContain('warning: addresses[0].linkName: "enp1s0" is not declared in links: fine if it is a physical link of the machine, else the address goes nowhere');
    expect(check({ addresses: [addr()], links: [eth0] }).warnings).toEqual([]);
    expect(check({ addresses: [addr({ linkName: '' })] }).errors).toEqual(['addresses[0].linkName: an address entry needs linkName (the link it is assigned to)']);
  });

  it('metadata: the PlatformMetadataSpec fields are known; the metal platform replaces them (a warning)', () => {
    const r = check({ links: [eth0], metadata: { platform: 'nocloud', hostname: 'a', instanceId: 'i-1', internalDNS: 'a.local', tags: { k: 'v' }, bogus: 1 } });
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((w) => w.startsWith('warning: metadata'))).toEqual([
      'warning: metadata.bogus: unknown field of metadata: ignored by Talos',
      'warning: metadata: ignored for the metal platform: Talos fills in the platform metadata itself',
    ]);
  });
  it('duplicate link names', () => {
    // Talos's own nocloud platform writes such documents; the last entry wins there: a warning.
    const twice = check({ links: [eth0, { ...eth0, mtu: 9000 }] });
    expect(twice.errors).toEqual([]);
    expect(twice.warnings).toContain('warning: links[1].name: "eth0" is declared again (also links[0]): Talos applies only the last entry for a link; keep one entry per link');
  });

  it('link names follow Linux rules', () => {
    expect(check({ links: [{ ...eth0, name: 'averyveryverylongname' }] }).errors).toEqual(['links[0].name: "averyveryverylongname" is longer than 15 characters, the Linux limit for interface names']);
    expect(check({ links: [{ ...eth0, name: 'eth/0' }] }).errors).toHaveLength(1);
    expect(check({ links: [{ up: true }] }).errors).toEqual(['links[0].name: a link needs a name (the interface to configure, e.g. eth0 or bond0)']);
  });

  it('bond mode and the other bond enums', () => {
    const r = check({ links: [bond({ bondMaster: { mode: 'active_backup' } }), slave('eth0', 0)] });
    expect(r.errors).toEqual(['links[0].bondMaster.mode: "active_backup" is not a bond mode (balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb)']);
    const good = { mode: 'active-backup', xmitHashPolicy: 'layer2+3', lacpRate: 'fast', arpValidate: 'filter-active', arpAllTargets: 'all', primaryReselect: 'better', failOverMac: 'follow', adSelect: 'bandwidth', miimon: 100, adActorSysPrio: 65535, useCarrier: true, primary: 'eth0' };
    expect(check({ links: [bond({ bondMaster: good }), slave('eth0', 0)] }).errors).toEqual([]);
    const bad = check({ links: [bond({ bondMaster: { xmitHashPolicy: 'layer34', lacpRate: 'medium', arpValidate: 'yes', failOverMac: 3, adActorSysPrio: 70000, miimon: '100' } }), slave('eth0', 0)] }).errors;
    expect(bad).toEqual([
      'links[0].bondMaster.xmitHashPolicy: "layer34" is not a transmit hash policy (layer2, layer3+4, layer2+3, encap2+3, encap3+4)',
      'links[0].bondMaster.lacpRate: "medium" is not an LACP rate (slow, fast)',
      'links[0].bondMaster.arpValidate: "yes" is not an ARP validate mode (none, active, backup, all, filter, filter-active, filter-backup)',
      'links[0].bondMaster.failOverMac: 3 is not a fail-over MAC mode (none, active, follow, or 0-2)',
      'links[0].bondMaster.adActorSysPrio: expected a whole number 0-65535, got the number 70000',
      'links[0].bondMaster.miimon: expected a whole number 0-4294967295, got the string "100"',
    ]);
  });

  it('bond slaves must name a declared bond, each at its own slaveIndex', () => {
    expect(check({ links: [slave('eth0', 0, 'bond9')] }).errors).toEqual(['links[0].masterName: bond "bond9" is not declared in links: add a link named bond9 with logical: true, kind: bond']);
    expect(check({ links: [vlan(), slave('eth1', 0, 'eth0.35'), eth0] }).errors).toEqual(['links[1].masterName: "eth0.35" is kind "vlan", not a bond']);
    expect(check({ links: [bond(), slave('eth0', 0), slave('eth1', 0)] }).errors).toEqual(['links[2].slaveIndex: 0 is also the slaveIndex of links[1] in bond0: give each slave its own position']);
    expect(check({ links: [bond(), slave('eth0', 0), slave('eth1', 1)] }).errors).toEqual([]);
    expect(check({ links: [bond()] }).warnings).toContain('warning: links[0]: bond bond0 has no slaves: declare links with masterName: bond0');
  });

  it('VLAN: id 1-4094, a protocol, a parent', () => {
    expect(check({ links: [eth0, vlan({ vlan: { vlanID: 4095, vlanProtocol: '802.1q' } })] }).errors).toEqual(['links[1].vlan.vlanID: 4095 is not a VLAN id (1-4094)']);
    expect(check({ links: [eth0, vlan({ vlan: { vlanID: 0, vlanProtocol: '802.1q' } })] }).errors).toEqual(['links[1].vlan.vlanID: 0 is not a VLAN id (1-4094)']);
    expect(check({ links: [eth0, vlan({ vlan: { vlanID: 35, vlanProtocol: '802.1Q' } })] }).errors).toEqual(['links[1].vlan.vlanProtocol: "802.1Q" is not a VLAN protocol (802.1q, 802.1ad)']);
    expect(check({ links: [eth0, vlan({ vlan: { vlanProtocol: '802.1q' } })] }).errors).toEqual(['links[1].vlan.vlanID: a VLAN link needs vlan.vlanID (1-4094)']);
    expect(check({ links: [vlan({ parentName: undefined })] }).errors).toEqual(['links[0].parentName: a VLAN link needs parentName (the link it is tagged on)']);
    expect(check({ links: [eth0, vlan({ vlan: { vlanID: 4094, vlanProtocol: '802.1q' } })] }).errors).toEqual([]);
    expect(check({ links: [vlan()] }).warnings).toContain('warning: links[0].parentName: "eth0" is not declared in links: fine if it is a physical link of the machine, else the VLAN goes nowhere');
  });

  it('logical links need a kind; bonds, VLANs and bridges must be logical', () => {
    expect(check({ links: [{ name: 'br0', logical: true, up: true, layer: 'platform' }] }).errors).toEqual(['links[0].kind: a logical link needs a kind (bond, vlan, bridge, …) to be created']);
    expect(check({ links: [bond({ logical: false }), slave('eth0', 0)] }).errors).toEqual(['links[0].logical: a bond link does not exist until Talos creates it: set logical: true']);
  });

  it('bridges and their ports', () => {
    const br = { name: 'br0', logical: true, up: true, kind: 'bridge', type: 'ether', bridgeMaster: { stp: { enabled: true }, vlan: { filteringEnabled: false } }, layer: 'platform' };
    expect(check({ links: [br, { ...eth0, bridgeSlave: { masterName: 'br0' } }] }).errors).toEqual([]);
    expect(check({ links: [{ ...eth0, bridgeSlave: { masterName: 'br1' } }] }).errors).toEqual(['links[0].bridgeSlave.masterName: bridge "br1" is not declared in links: add a link named br1 with logical: true, kind: bridge']);
    expect(check({ links: [br, slave('eth0', 0, 'br0')] }).errors).toEqual(['links[1].masterName: "br0" is kind "bridge", not a bond (a bridge port uses bridgeSlave.masterName)']);
  });

  it('link types, MACs and value types follow Go decoding', () => {
    expect(check({ links: [{ ...eth0, type: 'ethernet' }] }).errors).toEqual(['links[0].type: "ethernet" is not a link type (netrom, ether, eether, ax25, pronet, chaos, ieee802, arcnet, …)']);
    expect(check({ links: [{ ...eth0, hardwareAddr: '02:54:00:00:01:5' }] }).errors).toHaveLength(1);
    expect(check({ links: [{ ...eth0, hardwareAddr: '02:54:00:00:01:51' }] }).errors).toEqual([]);
    // yaml/v4, as the metal platform reads META: `yes` is a bool (a warning), "true" quoted and 1 are not.
    expect(check({ links: [{ ...eth0, up: 'yes' }] })).toMatchObject({ errors: [], warnings: expect.arrayContaining(['warning: links[0].up: "yes" is read by Talos as true: write true or false']) });
    expect(check({ links: [{ ...eth0, up: 'true' }] }).errors).toEqual(['links[0].up: expected true or false, got the string "true"']);
    expect(check({ links: [{ ...eth0, up: 1 }] }).errors).toHaveLength(1);
    expect(check('links:\n  - name: eth0\n    up: true\n    mtu: 1_500\n    kind: null\n').errors).toEqual([]);
    expect(check('links:\n  - name: 123\n    up: true\n').errors).toEqual([]);
    expect(check({ links: [{ ...eth0, mtu: -1 }] }).errors).toHaveLength(1);
  });

  it('route families: dst, gateway and src must match family', () => {
    expect(check({ routes: [route({ gateway: 'fd00::1' })] }).errors).toEqual(['routes[0].gateway: "fd00::1" is inet6, but the route is family inet4']);
    expect(check({ routes: [route({ family: 'inet6', dst: '10.0.0.0/8', gateway: 'fd00::1' })] }).errors).toEqual(['routes[0].dst: "10.0.0.0/8" is inet4, but the route is family inet6']);
    expect(check({ routes: [route({ src: '10.0.0.5', dst: '0.0.0.0/0' })] }).errors).toEqual([]);
    expect(check({ routes: [route({ gateway: '10.0.0.300' })] }).errors).toEqual(['routes[0].gateway: "10.0.0.300" is not an IP address']);
    const { family: _f, ...noFamily } = route();
    expect(check({ routes: [noFamily] }).errors).toEqual(['routes[0].family: not set: Talos needs the family (inet4 here)']);
  });

  it('route table, type, protocol, scope are Talos names', () => {
    expect(check({ routes: [route({ table: 'main' })] }).errors).toEqual([]);
    expect(check({ routes: [route({ table: 100 })] }).errors).toEqual([]);
    expect(check({ routes: [route({ table: 253 })] }).errors).toEqual(['routes[0].table: 253 is not a routing table (main, local, default, or 1-252)']);
    expect(check({ routes: [route({ type: 'blackhole', gateway: '', outLinkName: '' })] }).errors).toEqual([]);
    expect(check({ routes: [route({ protocol: 'manual' })] }).errors).toHaveLength(1);
    expect(check({ routes: [route({ type: 'unicasts' })] }).errors).toHaveLength(1);
    expect(check({ routes: [route({ gateway: '', outLinkName: '' })] }).errors).toEqual(['routes[0]: a route needs a gateway or an outLinkName (or nextHops)']);
  });

  it('hostname: RFC 1123, one label (the rest is domainname)', () => {
    expect(check({ hostnames: [{ hostname: 'web_1', layer: 'platform' }] }).errors).toEqual(['hostnames[0].hostname: "web_1" is not an RFC 1123 host name (1-63 letters, digits and hyphens, no hyphen at either end)']);
    expect(check({ hostnames: [{ hostname: '-web', layer: 'platform' }] }).errors).toHaveLength(1);
    expect(check({ hostnames: [{ hostname: 'a'.repeat(64), layer: 'platform' }] }).errors).toHaveLength(1);
    expect(check({ hostnames: [{ hostname: 'web1.example.org', layer: 'platform' }] }).errors).toEqual(['hostnames[0].hostname: "web1.example.org" has dots: put the first label in hostname (web1) and the rest in domainname (example.org)']);
    expect(check({ hostnames: [{ hostname: 'web1', domainname: 'example..org', layer: 'platform' }] }).errors).toEqual(['hostnames[0].domainname: "example..org" is not an RFC 1123 domain name']);
    expect(check({ hostnames: [{ hostname: 'web1', domainname: 'example.org', layer: 'platform' }] }).errors).toEqual([]);
    expect(check({ hostnames: [{ hostname: 'a', layer: 'platform' }, { hostname: 'b', layer: 'platform' }] }).warnings).toEqual(['warning: hostnames: 2 entries: Talos uses one; keep a single entry']);
  });

  it('resolver and time server addresses', () => {
    expect(check({ resolvers: [{ dnsServers: ['1.1.1'], layer: 'platform' }] }).errors).toEqual(['resolvers[0].dnsServers[0]: "1.1.1" is not an IP address']);
    expect(check({ resolvers: [{ dnsServers: ['1.1.1.1'], searchDomains: ['example.org', 'bad_domain'], layer: 'platform' }] }).errors).toEqual(['resolvers[0].searchDomains[1]: "bad_domain" is not an RFC 1123 domain name']);
    expect(check({ timeServers: [{ timeServers: ['time.cloudflare.com', 'not a host'], layer: 'platform' }] }).errors).toEqual(['timeServers[0].timeServers[1]: "not a host" is neither an IP address nor a host name']);
    expect(check({ externalIPs: ['203.0.113.7', 'nope'] }).errors).toEqual(['externalIPs[1]: "nope" is not an IP address']);
  });

  it('layer: platform is suggested', () => {
    expect(check({ links: [{ name: 'eth0', up: true }] }).warnings).toEqual(['warning: links[0].layer: not set (so "default", the lowest layer): META documents use layer: platform']);
    expect(check({ links: [{ ...eth0, layer: 'operator' }] }).warnings).toEqual(['warning: links[0].layer: META documents use layer: platform, not "operator"']);
    expect(check({ links: [{ ...eth0, layer: 'top' }] }).errors).toEqual(['links[0].layer: "top" is not a config layer (default, cmdline, platform, operator, configuration)']);
  });

  it('reports every problem, in document order by section', () => {
    const r = parseMetaNetworkConfig(fixture('invalid.yaml'));
    expect(errorsOf(r.problems).map(formatProblem)).toEqual([
      'addresses[0].address: "10.0.0.5" is not in CIDR form (address/bits, e.g. 10.0.0.5/24)',
      'links[0].masterName: bond "bond9" is not declared in links: add a link named bond9 with logical: true, kind: bond',
      'links[1].bondMaster.mode: "active_backup" is not a bond mode (balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb)',
    ]);
  });
});

describe('canonical rendering', () => {
  it('is stable: sections and fields in Talos order, links by name, and it re-validates the same', () => {
    const messy = { timeServers: [], routes: [route()], links: [{ layer: 'platform', up: true, name: 'eth1' }, eth0], addresses: [{ layer: 'platform', family: 'inet4', linkName: 'eth0', address: '10.0.0.5/24' }], extra: 1 };
    const r = parseMetaNetworkConfig(stringify(messy));
    const out = renderMetaNetworkConfig(r.config!);
    expect(out.split('\n').slice(0, 8)).toEqual([
      'addresses:',
      '- address: 10.0.0.5/24',
      '  linkName: eth0',
      '  family: inet4',
      '  layer: platform',
      'links:',
      '- name: eth0',
      '  up: true',
    ]);
    expect(out).not.toContain('extra');
    const again = parseMetaNetworkConfig(out);
    expect(renderMetaNetworkConfig(again.config!)).toBe(out);
    expect(errorsOf(again.problems)).toEqual([]);
  });

  it('renders the seed document so that it parses back to the same content', () => {
    const r = parseMetaNetworkConfig(fixture('network.yaml'));
    const back = parseMetaNetworkConfig(renderMetaNetworkConfig(r.config!));
    expect(back.problems).toEqual([]);
    expect(back.config!.links!.map((l) => l.name)).toEqual(['bond0', 'bond0.35', 'eth0', 'eth1']);
    expect(back.config!.links!.find((l) => l.name === 'bond0')!.bondMaster).toEqual(r.config!.links!.find((l) => l.name === 'bond0')!.bondMaster);
  });
});
