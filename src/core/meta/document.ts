// Parse, validate and render the META network config document (key 0x0a). Pure: text in, findings out.
//
// Every finding names its path (`links[2].bondMaster.mode`). Errors are what Talos would refuse or
// mis-apply: a value of the wrong type fails Talos's decoding of the whole document, an unknown enum
// name too; references that cannot work (a bond slave of an undeclared bond, a VLAN without an ID)
// leave the network unconfigured. Warnings are what Talos accepts but is probably not meant: unknown
// keys (ignored), a link name that is not declared (fine when it is a physical link), a layer other
// than `platform`, several hostnames/resolvers/time server entries (one is used).
import { isMap, isSeq, parseDocument } from 'yaml';
import { MAX_YAML_ALIAS_COUNT, yamlExpansionProblem } from '../yaml-limits.js';
import {
  ADDRESS_FLAGS, AD_LACP_ACTIVE, AD_SELECT, ARP_ALL_TARGETS, ARP_VALIDATE, BOND_MODES, FAIL_OVER_MAC, FAMILIES, LACP_RATES, LAYERS,
  LINK_TYPES, NAMED_TABLES, PRIMARY_RESELECT, ROUTE_FLAGS, ROUTE_PROTOCOLS, ROUTE_TYPES, SCOPES, SECTIONS, VLAN_PROTOCOLS, XMIT_HASH_POLICIES,
  type Family, type MetaNetworkConfig, type MetaProblem,
} from './model.js';
import { ipFamily, isDnsLabel, isDnsName, prefixFamily } from './net.js';
import { stringify } from 'yaml';

export interface MetaParseResult {
  /** null when the text is not a YAML mapping at all (see `syntaxError`). */
  config: MetaNetworkConfig | null;
  /** Set when the text cannot be read as a YAML mapping: the file is malformed, not merely invalid. */
  syntaxError?: string;
  problems: MetaProblem[];
}

type Obj = Record<string, unknown>;
type Check = (v: unknown, path: string, out: Findings) => void;

class Findings {
  readonly list: MetaProblem[] = [];
  error(path: string, message: string): void {
    this.list.push({ path, message, severity: 'error' });
  }
  warn(path: string, message: string): void {
    this.list.push({ path, message, severity: 'warning' });
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `the ${typeof v} ${show(v)}`);
const choices = (list: readonly string[]) => (list.length > 8 ? `${list.slice(0, 8).join(', ')}, …` : list.join(', '));

// ---- field checkers: go.yaml.in/yaml/v4 decoding, as the metal platform reads META. A quoted "9000"
// is not a number and 1 is not a bool; but `yes`/`on`/`y` (quoted or not) are bools, 1_000 is a number,
// null is the zero value, and a number or bool decodes into a string field as its text.

// The YAML 1.1 words yaml/v4 still decodes into a bool (`true`/`false` themselves are YAML 1.2 bools).
const YAML11_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

const str: Check = (v, p, f) => {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return;
  f.error(p, `expected a string, got ${typeName(v)}`);
};
const bool: Check = (v, p, f) => {
  if (v === null || typeof v === 'boolean') return;
  if (typeof v === 'string' && YAML11_BOOL.test(v)) return f.warn(p, `${show(v)} is read by Talos as ${/^(?:y|yes|on)$/i.test(v)}: write true or false`);
  f.error(p, `expected true or false, got ${typeName(v)}`);
};
/** A whole number as yaml/v4 reads one: a number, or a plain 1_000 (which YAML 1.2 reads as text). */
const wholeNumber = (v: unknown): number | null | undefined =>
  v === null ? null : typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^[-+]?\d[\d_]*$/.test(v) && v.includes('_') ? Number(v.replace(/_/g, '')) : undefined;
const uint = (bits: 8 | 16 | 32 | 64): Check => (v, p, f) => {
  const max = bits === 64 ? Number.MAX_SAFE_INTEGER : 2 ** bits - 1;
  const n = wholeNumber(v);
  if (n === null) return;
  if (n === undefined || n < 0 || n > max) f.error(p, `expected a whole number 0-${max}, got ${typeName(v)}`);
};
const int: Check = (v, p, f) => {
  if (wholeNumber(v) === undefined) f.error(p, `expected a whole number, got ${typeName(v)}`);
};
const oneOf = (label: string, names: readonly string[]): Check => (v, p, f) => {
  if (v !== null && (typeof v !== 'string' || !names.includes(v))) f.error(p, `${show(v)} is not ${label} (${choices(names)})`);
};
const flagList = (label: string, names: readonly string[]): Check => (v, p, f) => {
  if (typeof v !== 'string') return f.error(p, `expected comma-joined ${label} (e.g. ${names[names.length > 7 ? 7 : 0]}), got ${typeName(v)}`);
  if (v === '') return;
  for (const part of v.split(',')) if (!names.includes(part)) f.error(p, `${show(part)} is not ${label} (${choices(names)})`);
};
const ip: Check = (v, p, f) => {
  if (typeof v !== 'string' || ipFamily(v) === null) f.error(p, `${show(v)} is not an IP address`);
};
const optionalIp: Check = (v, p, f) => {
  if (v !== '') ip(v, p, f);
};
const cidr = (optional: boolean): Check => (v, p, f) => {
  if (optional && v === '') return;
  if (typeof v !== 'string') return f.error(p, `expected an address in CIDR form (e.g. 10.0.0.5/24), got ${typeName(v)}`);
  const r = prefixFamily(v);
  if ('error' in r) f.error(p, r.error);
};
const list = (item: Check): Check => (v, p, f) => {
  if (v === null) return;
  if (!Array.isArray(v)) return f.error(p, `expected a list, got ${typeName(v)}`);
  v.forEach((x, i) => item(x, `${p}[${i}]`, f));
};
const anything: Check = () => {};
const macAddr: Check = (v, p, f) => {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5,19}$/.test(v)) f.error(p, `${show(v)} is not a hardware address (e.g. 02:54:00:00:01:51)`);
};
const layer: Check = oneOf('a config layer', LAYERS);
const object = (schema: Record<string, Check>, what: string): Check => (v, p, f) => {
  if (v === null) return;
  if (!isObj(v)) return f.error(p, `expected a mapping (${what}), got ${typeName(v)}`);
  for (const [k, x] of Object.entries(v)) {
    const check = schema[k];
    if (check) check(x, `${p}.${k}`, f);
    else f.warn(`${p}.${k}`, `unknown field of ${what}: ignored by Talos${suggest(k, Object.keys(schema))}`);
  }
};

function suggest(key: string, known: string[]): string {
  const hit = known.find((k) => k.toLowerCase() === key.toLowerCase());
  return hit ? ` (did you mean "${hit}"?)` : '';
}

// ---- the schemas (yaml tags of the upstream *Spec structs)

const ADDRESS: Record<string, Check> = {
  address: cidr(false), linkName: str, family: oneOf('an address family', FAMILIES), scope: oneOf('a scope', SCOPES),
  flags: flagList('address flags', ADDRESS_FLAGS), announceWithARP: bool, priority: uint(32), layer,
};

const BOND_MASTER: Record<string, Check> = {
  mode: oneOf('a bond mode', BOND_MODES), xmitHashPolicy: oneOf('a transmit hash policy', XMIT_HASH_POLICIES),
  lacpRate: oneOf('an LACP rate', LACP_RATES), arpValidate: oneOf('an ARP validate mode', ARP_VALIDATE),
  arpAllTargets: oneOf('an ARP all-targets mode', ARP_ALL_TARGETS), primaryIndex: uint(32),
  primaryReselect: oneOf('a primary reselect policy', PRIMARY_RESELECT),
  failOverMac: (v, p, f) => {
    // nethelpers.FailOverMAC.UnmarshalText: a name, or the legacy numbers 0-2.
    if (typeof v === 'number' ? !(Number.isInteger(v) && v >= 0 && v <= 2) : typeof v !== 'string' || !(v === '' || FAIL_OVER_MAC.includes(v as never) || /^[0-2]$/.test(v))) {
      f.error(p, `${show(v)} is not a fail-over MAC mode (${FAIL_OVER_MAC.join(', ')}, or 0-2)`);
    }
  },
  adSelect: oneOf('an 802.3ad aggregation selection', AD_SELECT), miimon: uint(32), updelay: uint(32), downdelay: uint(32),
  arpInterval: uint(32), resendIgmp: uint(32), minLinks: uint(32), lpInterval: uint(32), packetsPerSlave: uint(32),
  numPeerNotif: uint(8), tlbLogicalLb: uint(8), allSlavesActive: uint(8), useCarrier: bool, adActorSysPrio: uint(16),
  adUserPortKey: uint(16), peerNotifyDelay: uint(32), arpIpTargets: list(ip), nsIp6Targets: list(ip),
  adLacpActive: oneOf('an LACP active setting', AD_LACP_ACTIVE), missedMax: uint(8), primary: str,
};

const LINK: Record<string, Check> = {
  name: str, logical: bool, up: bool, mtu: uint(32), kind: str, type: oneOf('a link type', LINK_TYPES), hardwareAddr: macAddr,
  parentName: str, masterName: str, slaveIndex: int,
  bridgeSlave: object({ masterName: str }, 'bridgeSlave'),
  vrfSlave: anything, vrfMaster: anything, wireguard: anything, veth: anything, multicast: bool,
  vlan: object({ vlanID: uint(16), vlanProtocol: oneOf('a VLAN protocol', VLAN_PROTOCOLS) }, 'vlan'),
  bondMaster: object(BOND_MASTER, 'bondMaster'),
  bridgeMaster: object({ stp: object({ enabled: bool }, 'stp'), vlan: object({ filteringEnabled: bool }, 'vlan') }, 'bridgeMaster'),
  layer,
};

const table: Check = (v, p, f) => {
  if (typeof v === 'string' && (NAMED_TABLES.includes(v as never) || (/^[1-9]\d*$/.test(v) && Number(v) <= 252))) return;
  // A bare number is decoded as its text by the enum's UnmarshalText: 1-252 name themselves.
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 252) return;
  f.error(p, `${show(v)} is not a routing table (main, local, default, or 1-252)`);
};

const ROUTE: Record<string, Check> = {
  family: oneOf('an address family', FAMILIES), dst: cidr(true), src: optionalIp, gateway: optionalIp, outLinkName: str, table,
  priority: uint(32), scope: oneOf('a scope', SCOPES), type: oneOf('a route type', ROUTE_TYPES), flags: flagList('route flags', ROUTE_FLAGS),
  protocol: oneOf('a route protocol', ROUTE_PROTOCOLS), layer, mtu: uint(32), nextHops: list(anything),
};

const HOSTNAME: Record<string, Check> = { hostname: str, domainname: str, layer };
const RESOLVER: Record<string, Check> = {
  dnsServers: list(ip), nameServers: list(object({ addr: ip, protocol: str, tlsServerName: str }, 'nameServers entry')),
  searchDomains: list(str), layer,
};
const TIME_SERVER: Record<string, Check> = {
  timeServers: list((v, p, f) => {
    if (typeof v !== 'string' || (ipFamily(v) === null && !isDnsName(v))) f.error(p, `${show(v)} is neither an IP address nor a host name`);
  }),
  useNTS: bool, layer,
};

// runtime.PlatformMetadataSpec (pkg/machinery/resources/runtime/platform_metadata.go).
const METADATA: Record<string, Check> = {
  platform: str, hostname: str, region: str, zone: str, instanceType: str, instanceId: str, providerId: str, spot: bool,
  internalDNS: str, externalDNS: str, tags: (v, p, f) => {
    if (v === null) return;
    if (!isObj(v)) return f.error(p, `expected a mapping of tag names to strings, got ${typeName(v)}`);
    for (const [k, x] of Object.entries(v)) str(x, `${p}.${k}`, f);
  },
};

const SECTION_SCHEMAS: Partial<Record<string, [Record<string, Check>, string]>> = {
  addresses: [ADDRESS, 'an address'], links: [LINK, 'a link'], routes: [ROUTE, 'a route'], hostnames: [HOSTNAME, 'a hostname'],
  resolvers: [RESOLVER, 'a resolver'], timeServers: [TIME_SERVER, 'a time server entry'],
};

/** Linux interface names: 1-15 bytes, no '/', ':' or whitespace, not "." or "..". */
function linkNameProblem(name: string): string | null {
  if (name === '') return 'a link needs a name';
  if (new TextEncoder().encode(name).length > 15) return `"${name}" is longer than 15 characters, the Linux limit for interface names`;
  if (/[/:\s]/.test(name) || name === '.' || name === '..') return `"${name}" is not a valid Linux interface name (no "/", ":" or spaces)`;
  return null;
}

// ---- parse + validate

/** Read and check a META network document. `config` holds the known sections; problems lists every finding. */
export function parseMetaNetworkConfig(text: string): MetaParseResult {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    return { config: null, syntaxError: `not valid YAML${at}: ${e.message.split('\n')[0]}`, problems: [] };
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    return { config: null, syntaxError: `the document must be a mapping of sections (${SECTIONS.slice(0, 6).join(', ')}), not ${isSeq(doc.contents) ? 'a list' : 'a scalar'}`, problems: [] };
  }
  const tooBig = yamlExpansionProblem(doc);
  if (tooBig) return { config: null, syntaxError: `refused: ${tooBig}`, problems: [] };
  const raw = (doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) ?? {}) as Obj;
  const f = new Findings();
  const config: MetaNetworkConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!SECTIONS.includes(key as never)) {
      f.warn(key, `unknown top-level key: ignored by Talos${suggest(key, [...SECTIONS])}`);
      continue;
    }
    const schema = SECTION_SCHEMAS[key];
    if (schema) {
      if (value !== null && !Array.isArray(value)) {
        f.error(key, `expected a list of ${schema[1]} entries, got ${typeName(value)}`);
        continue;
      }
      list(object(schema[0], schema[1]))(value, key, f);
    } else if (key === 'externalIPs') {
      list(ip)(value, key, f);
    } else if (key === 'metadata') {
      object(METADATA, 'metadata')(value, key, f);
      // Talos fills metadata in itself (platform, hostname, instance id): what META holds is replaced.
      f.warn(key, 'ignored for the metal platform: Talos fills in the platform metadata itself');
    } else {
      list(anything)(value, key, f);
    }
    if (value !== null) (config as Obj)[key] = value;
  }
  crossCheck(config, f);
  // Document order: by section (Talos's order), then entry, then the order the checks found them.
  const section = (p: MetaProblem) => SECTIONS.indexOf(p.path.split(/[.[]/)[0] as never);
  const entry = (p: MetaProblem) => Number(/^\w+\[(\d+)\]/.exec(p.path)?.[1] ?? -1);
  const problems = f.list
    .map((p, i) => ({ p, i }))
    .sort((a, b) => section(a.p) - section(b.p) || entry(a.p) - entry(b.p) || a.i - b.i)
    .map(({ p }) => p);
  return { config, problems };
}

const entries = <T>(v: T[] | undefined): [T, number][] => (Array.isArray(v) ? v.map((x, i) => [x, i] as [T, number]) : []).filter(([x]) => isObj(x));

/** Rules across fields and entries: families, references between links, bonds, VLANs, names. */
function crossCheck(c: MetaNetworkConfig, f: Findings): void {
  const links = entries(c.links);
  const declared = new Map<string, number>();
  for (const [link, i] of links) {
    const p = `links[${i}]`;
    if (typeof link.name !== 'string' || link.name === '') {
      if (link.name === undefined || link.name === '') f.error(`${p}.name`, 'a link needs a name (the interface to configure, e.g. eth0 or bond0)');
      continue;
    }
    const bad = linkNameProblem(link.name);
    if (bad) f.error(`${p}.name`, bad);
    const first = declared.get(link.name);
    // Talos produces such documents itself (nocloud declares a link once per source); its platform
    // config controller writes every entry to the same LinkSpec, so the last one wins.
    if (first !== undefined) f.warn(`${p}.name`, `"${link.name}" is declared again (also links[${first}]): Talos applies only the last entry for a link; keep one entry per link`);
    else declared.set(link.name, i);
  }
  const kindOf = (name: string) => {
    const i = declared.get(name);
    return i === undefined ? undefined : (c.links![i]!.kind ?? '');
  };
  const linkRef = (path: string, name: unknown, what: string) => {
    if (typeof name !== 'string' || name === '') return;
    if (!declared.has(name)) f.warn(path, `"${name}" is not declared in links: fine if it is a physical link of the machine, else ${what} goes nowhere`);
  };

  const bondSlots = new Map<string, Map<number, number>>();
  for (const [link, i] of links) {
    const p = `links[${i}]`;
    const kind = typeof link.kind === 'string' ? link.kind : '';
    if (link.logical === true && kind === '') f.error(`${p}.kind`, 'a logical link needs a kind (bond, vlan, bridge, …) to be created');
    if (link.logical === true && link.type === undefined) f.warn(`${p}.type`, 'a logical link should say its type (ether), as Talos does for the links it creates');
    if (link.logical !== true && ['bond', 'vlan', 'bridge'].includes(kind)) f.error(`${p}.logical`, `a ${kind} link does not exist until Talos creates it: set logical: true`);
    if (link.up === undefined) f.warn(`${p}.up`, 'not set, so false: Talos brings the link down; add up: true');
    layerHint(`${p}.layer`, link.layer, f);

    if (kind === 'vlan') {
      if (!isObj(link.vlan) || link.vlan.vlanID === undefined) f.error(`${p}.vlan.vlanID`, 'a VLAN link needs vlan.vlanID (1-4094)');
      else if (typeof link.vlan.vlanID === 'number' && (link.vlan.vlanID < 1 || link.vlan.vlanID > 4094)) f.error(`${p}.vlan.vlanID`, `${link.vlan.vlanID} is not a VLAN id (1-4094)`);
      if (!isObj(link.vlan) || link.vlan.vlanProtocol === undefined) f.error(`${p}.vlan.vlanProtocol`, 'a VLAN link needs vlan.vlanProtocol (802.1q, or 802.1ad for QinQ)');
      if (typeof link.parentName !== 'string' || link.parentName === '') f.error(`${p}.parentName`, 'a VLAN link needs parentName (the link it is tagged on)');
      else linkRef(`${p}.parentName`, link.parentName, 'the VLAN');
    } else {
      if (link.vlan !== undefined) f.warn(`${p}.vlan`, `ignored: the link is not kind: vlan (kind ${show(kind)})`);
      if (link.parentName !== undefined && link.parentName !== '') f.warn(`${p}.parentName`, `only VLAN links have a parent (kind ${show(kind)})`);
    }
    if (kind !== 'bond' && link.bondMaster !== undefined) f.warn(`${p}.bondMaster`, `ignored: the link is not kind: bond (kind ${show(kind)})`);
    if (kind !== 'bridge' && link.bridgeMaster !== undefined) f.warn(`${p}.bridgeMaster`, `ignored: the link is not kind: bridge (kind ${show(kind)})`);
    if (kind === 'bond' && isObj(link.bondMaster) && typeof link.bondMaster.primary === 'string' && link.bondMaster.primary !== '') {
      const primary = link.bondMaster.primary;
      if (!links.some(([l]) => l.name === primary && l.masterName === link.name)) f.warn(`${p}.bondMaster.primary`, `"${primary}" is not declared as a slave of ${link.name}`);
    }

    if (typeof link.masterName === 'string' && link.masterName !== '') {
      const master = link.masterName;
      const mk = kindOf(master);
      if (mk === undefined) f.error(`${p}.masterName`, `bond "${master}" is not declared in links: add a link named ${master} with logical: true, kind: bond`);
      else if (mk !== 'bond') f.error(`${p}.masterName`, `"${master}" is kind ${show(mk)}, not a bond${mk === 'bridge' ? ' (a bridge port uses bridgeSlave.masterName)' : ''}`);
      if (master === link.name) f.error(`${p}.masterName`, 'a link cannot be its own bond');
      const idx = typeof link.slaveIndex === 'number' ? link.slaveIndex : 0;
      if (idx < 0) f.error(`${p}.slaveIndex`, `${idx} is negative: slave indexes start at 0`);
      const slots = bondSlots.get(master) ?? new Map<number, number>();
      const other = slots.get(idx);
      if (other !== undefined) f.error(`${p}.slaveIndex`, `${idx} is also the slaveIndex of links[${other}] in ${master}: give each slave its own position`);
      else slots.set(idx, i);
      bondSlots.set(master, slots);
    } else if (link.slaveIndex !== undefined && link.slaveIndex !== 0) {
      f.warn(`${p}.slaveIndex`, 'ignored without masterName');
    }
    if (isObj(link.bridgeSlave) && typeof link.bridgeSlave.masterName === 'string' && link.bridgeSlave.masterName !== '') {
      const master = link.bridgeSlave.masterName;
      const mk = kindOf(master);
      if (mk === undefined) f.error(`${p}.bridgeSlave.masterName`, `bridge "${master}" is not declared in links: add a link named ${master} with logical: true, kind: bridge`);
      else if (mk !== 'bridge') f.error(`${p}.bridgeSlave.masterName`, `"${master}" is kind ${show(mk)}, not a bridge`);
      if (typeof link.masterName === 'string' && link.masterName !== '') f.error(`${p}.bridgeSlave`, 'a link cannot be both a bond slave and a bridge port');
    }
  }
  for (const [link, i] of links) {
    if (link.kind === 'bond' && typeof link.name === 'string' && !bondSlots.has(link.name)) f.warn(`links[${i}]`, `bond ${link.name} has no slaves: declare links with masterName: ${link.name}`);
  }

  for (const [a, i] of entries(c.addresses)) {
    const p = `addresses[${i}]`;
    if (a.address === undefined || a.address === '') f.error(`${p}.address`, 'an address entry needs address (CIDR, e.g. 10.0.0.5/24)');
    if (a.linkName === undefined || a.linkName === '') f.error(`${p}.linkName`, 'an address entry needs linkName (the link it is assigned to)');
    else linkRef(`${p}.linkName`, a.linkName, 'the address');
    const fam = typeof a.address === 'string' ? prefixFamily(a.address) : null;
    if (a.family === undefined) f.error(`${p}.family`, `not set: Talos needs the family${fam && 'family' in fam ? ` (${fam.family} for ${a.address})` : ' (inet4 or inet6)'}`);
    else if (fam && 'family' in fam && FAMILIES.includes(a.family) && fam.family !== a.family) f.error(`${p}.family`, `${a.family} does not match ${a.address}, an ${fam.family} address`);
    layerHint(`${p}.layer`, a.layer, f);
  }

  for (const [r, i] of entries(c.routes)) {
    const p = `routes[${i}]`;
    const fams: ['dst' | 'gateway' | 'src', Family][] = [];
    if (typeof r.dst === 'string' && r.dst !== '') {
      const d = prefixFamily(r.dst);
      if ('family' in d) fams.push(['dst', d.family]);
    }
    for (const k of ['gateway', 'src'] as const) {
      const v = r[k];
      const fam = typeof v === 'string' ? ipFamily(v) : null;
      if (fam) fams.push([k, fam]);
    }
    const family = typeof r.family === 'string' && FAMILIES.includes(r.family) ? r.family : undefined;
    if (r.family === undefined) f.error(`${p}.family`, `not set: Talos needs the family${fams.length > 0 ? ` (${fams[0]![1]} here)` : ' (inet4 or inet6)'}`);
    for (const [k, fam] of fams) {
      if (family && fam !== family) f.error(`${p}.${k}`, `${show(r[k])} is ${fam}, but the route is family ${family}`);
    }
    if (!family && fams.length > 1 && fams.some(([, x]) => x !== fams[0]![1])) f.error(p, `dst, gateway and src mix address families (${fams.map(([k, x]) => `${k} ${x}`).join(', ')})`);
    if ((r.gateway === undefined || r.gateway === '') && (r.outLinkName === undefined || r.outLinkName === '') && !(Array.isArray(r.nextHops) && r.nextHops.length > 0) && (r.type === undefined || r.type === 'unicast')) {
      f.error(p, 'a route needs a gateway or an outLinkName (or nextHops)');
    }
    linkRef(`${p}.outLinkName`, r.outLinkName, 'the route');
    layerHint(`${p}.layer`, r.layer, f);
  }

  const hostnames = entries(c.hostnames);
  for (const [h, i] of hostnames) {
    const p = `hostnames[${i}]`;
    if (typeof h.hostname !== 'string' || h.hostname === '') {
      if (h.hostname === undefined || h.hostname === '') f.error(`${p}.hostname`, 'a hostname entry needs hostname');
    } else if (h.hostname.includes('.')) {
      const [host, ...rest] = h.hostname.split('.');
      f.error(`${p}.hostname`, `"${h.hostname}" has dots: put the first label in hostname (${host}) and the rest in domainname (${rest.join('.')})`);
    } else if (!isDnsLabel(h.hostname)) {
      f.error(`${p}.hostname`, `"${h.hostname}" is not an RFC 1123 host name (1-63 letters, digits and hyphens, no hyphen at either end)`);
    }
    if (typeof h.domainname === 'string' && h.domainname !== '') {
      if (!isDnsName(h.domainname)) f.error(`${p}.domainname`, `"${h.domainname}" is not an RFC 1123 domain name`);
      else if (typeof h.hostname === 'string' && h.hostname.length + 1 + h.domainname.length > 253) f.error(`${p}.domainname`, 'hostname.domainname is longer than 253 characters');
    }
    layerHint(`${p}.layer`, h.layer, f);
  }
  if (hostnames.length > 1) f.warn('hostnames', `${hostnames.length} entries: Talos uses one; keep a single entry`);
  const resolvers = entries(c.resolvers);
  for (const [r, i] of resolvers) {
    for (const [d, j] of (Array.isArray(r.searchDomains) ? r.searchDomains : []).map((x, j) => [x, j] as const)) {
      if (typeof d === 'string' && !isDnsName(d)) f.error(`resolvers[${i}].searchDomains[${j}]`, `"${d}" is not an RFC 1123 domain name`);
    }
    layerHint(`resolvers[${i}].layer`, r.layer, f);
  }
  if (resolvers.length > 1) f.warn('resolvers', `${resolvers.length} entries: Talos uses one; keep a single entry`);
  const ts = entries(c.timeServers);
  for (const [t, i] of ts) layerHint(`timeServers[${i}].layer`, t.layer, f);
  if (ts.length > 1) f.warn('timeServers', `${ts.length} entries: Talos uses one; keep a single entry`);
}

function layerHint(path: string, value: unknown, f: Findings): void {
  if (value === undefined) f.warn(path, 'not set (so "default", the lowest layer): META documents use layer: platform');
  else if (value !== 'platform' && typeof value === 'string' && LAYERS.includes(value as never)) f.warn(path, `META documents use layer: platform, not ${show(value)}`);
}

export function errorsOf(problems: readonly MetaProblem[]): MetaProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

// ---- render

const FIELD_ORDER: Record<string, string[]> = {
  addresses: Object.keys(ADDRESS),
  links: Object.keys(LINK),
  routes: Object.keys(ROUTE),
  hostnames: Object.keys(HOSTNAME),
  resolvers: Object.keys(RESOLVER),
  timeServers: Object.keys(TIME_SERVER),
};
const NESTED_ORDER: Record<string, string[]> = { bondMaster: Object.keys(BOND_MASTER), vlan: ['vlanID', 'vlanProtocol'] };

function ordered(obj: unknown, order: string[] | undefined): unknown {
  if (!isObj(obj)) return obj;
  const keys = Object.keys(obj);
  const known = (order ?? []).filter((k) => k in obj);
  const rest = keys.filter((k) => !known.includes(k)).sort();
  const out: Obj = {};
  for (const k of [...known, ...rest]) out[k] = NESTED_ORDER[k] && isObj(obj[k]) ? ordered(obj[k], NESTED_ORDER[k]) : obj[k];
  return out;
}

/**
 * Canonical YAML for preview and diff: sections in Talos's struct order, fields of each entry in the
 * upstream struct order (unknown fields after, sorted), links sorted by name. Unknown top-level keys
 * (ignored by Talos) are dropped.
 */
export function renderMetaNetworkConfig(config: MetaNetworkConfig): string {
  const out: Obj = {};
  for (const section of SECTIONS) {
    const value = (config as Obj)[section];
    if (value === undefined) continue;
    if (Array.isArray(value) && FIELD_ORDER[section]) {
      let items = value.map((x) => ordered(x, FIELD_ORDER[section]));
      if (section === 'links') items = [...items].sort((a, b) => String((a as Obj)?.name ?? '').localeCompare(String((b as Obj)?.name ?? '')));
      out[section] = items;
    } else {
      out[section] = value;
    }
  }
  return stringify(out, { lineWidth: 0, indentSeq: false });
}

/** One line for `meta validate`: what the document configures. */
export function summarize(config: MetaNetworkConfig): string {
  const n = (v: unknown[] | undefined) => (Array.isArray(v) ? v.length : 0);
  const links = Array.isArray(config.links) ? config.links.filter(isObj) : [];
  const kinds = (k: string) => links.filter((l) => l.kind === k).length;
  const parts = [`${n(config.addresses)} address(es)`, `${links.length} link(s) (${kinds('bond')} bond, ${kinds('vlan')} vlan, ${kinds('bridge')} bridge)`, `${n(config.routes)} route(s)`];
  const host = Array.isArray(config.hostnames) ? config.hostnames.find(isObj) : undefined;
  if (host?.hostname) parts.push(`hostname ${host.hostname}${host.domainname ? `.${host.domainname}` : ''}`);
  const dns = Array.isArray(config.resolvers) ? config.resolvers.filter(isObj).flatMap((r) => r.dnsServers ?? []) : [];
  if (dns.length > 0) parts.push(`DNS ${dns.join(', ')}`);
  const ntp = Array.isArray(config.timeServers) ? config.timeServers.filter(isObj).flatMap((t) => t.timeServers ?? []) : [];
  if (ntp.length > 0) parts.push(`NTP ${ntp.join(', ')}`);
  return parts.join(', ');
}
