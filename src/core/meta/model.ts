// The META network config document (META key 0x0a, "metal network platform config"): the typed model
// and the accepted enum names, as Talos reads them. Facts from siderolabs/talos (main after v1.14.0-rc.1):
// - the document is network.PlatformConfigSpec (pkg/machinery/resources/network/platform_config.go),
//   decoded by go.yaml.in/yaml/v4 in internal/app/machined/pkg/runtime/v1alpha1/platform/metal/metal.go
//   (non-strict: unknown keys are ignored; a value of the wrong type fails the whole document);
// - each section is the .spec of the matching *Spec resource (address_spec.go, link_spec.go, link.go,
//   route_spec.go, hostname_spec.go, resolver_spec.go, timeserver_spec.go), yaml tags as below;
// - enum names are the enumer `-linecomment -text` names of pkg/machinery/nethelpers (failOverMac
//   also takes the legacy numbers 0-2, nethelpers/failovermac.go).

/** META key of the network config (meta.MetalNetworkPlatformConfig = 10); its resource id is "0x0a". */
export const META_NETWORK_KEY = 0x0a;
export const META_NETWORK_ID = '0x0a';

/** Top-level sections of PlatformConfigSpec, in struct order. */
export const SECTIONS = ['addresses', 'links', 'routes', 'hostnames', 'resolvers', 'timeServers', 'operators', 'externalIPs', 'probes', 'metadata'] as const;
export type Section = (typeof SECTIONS)[number];

export const FAMILIES = ['inet4', 'inet6'] as const;
export const SCOPES = ['global', 'site', 'link', 'host', 'nowhere'] as const;
/** network.ConfigLayer, lowest priority first. META documents use `platform`. */
export const LAYERS = ['default', 'cmdline', 'platform', 'operator', 'configuration'] as const;
export const ADDRESS_FLAGS = ['temporary', 'nodad', 'optimistic', 'dadfailed', 'homeaddress', 'deprecated', 'tentative', 'permanent', 'mngmtmpaddr', 'noprefixroute', 'mcautojoin', 'stableprivacy'] as const;
export const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const;
export const XMIT_HASH_POLICIES = ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4'] as const;
export const LACP_RATES = ['slow', 'fast'] as const;
export const ARP_VALIDATE = ['none', 'active', 'backup', 'all', 'filter', 'filter-active', 'filter-backup'] as const;
export const ARP_ALL_TARGETS = ['any', 'all'] as const;
export const PRIMARY_RESELECT = ['always', 'better', 'failure'] as const;
export const FAIL_OVER_MAC = ['none', 'active', 'follow'] as const;
export const AD_SELECT = ['stable', 'bandwidth', 'count'] as const;
export const AD_LACP_ACTIVE = ['off', 'on'] as const;
export const VLAN_PROTOCOLS = ['802.1q', '802.1ad'] as const;
export const ROUTE_TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'] as const;
export const ROUTE_PROTOCOLS = ['unspec', 'redirect', 'kernel', 'boot', 'static', 'ra', 'mrt', 'zebra', 'bird', 'dnrouted', 'xorp', 'ntk', 'dhcp', 'mrtd', 'keepalived', 'babel', 'openr', 'bgp', 'isis', 'ospf', 'rip', 'eigrp'] as const;
export const ROUTE_FLAGS = ['notify', 'cloned', 'equalize', 'prefix', 'lookup_table', 'fib_match', 'offload', 'trap'] as const;
/** Named routing tables; numbered tables 1-252 are accepted too. */
export const NAMED_TABLES = ['unspec', 'default', 'main', 'local'] as const;
export const LINK_TYPES = [
  'netrom', 'ether', 'eether', 'ax25', 'pronet', 'chaos', 'ieee802', 'arcnet', 'atalk', 'dlci', 'atm', 'metricom', 'ieee1394',
  'eui64', 'infiniband', 'slip', 'cslip', 'slip6', 'cslip6', 'rsrvd', 'adapt', 'rose', 'x25', 'hwx25', 'can', 'ppp', 'cisco',
  'hdlc', 'lapb', 'ddcmp', 'rawhdlc', 'ipip', 'tunnel6', 'frad', 'skip', 'loopback', 'localtlk', 'fddi', 'bif', 'sit', 'ip',
  'gre', 'pimreg', 'hippi', 'ash', 'econet', 'irda', 'fcpp', 'fcal', 'fcpl', 'fcfb_0', 'tr', 'phonet', 'phonet_pipe', 'caif',
  'ip6gre', 'netlink', '6lowpan', 'void', 'nohdr',
] as const;

export type Family = (typeof FAMILIES)[number];
export type Layer = (typeof LAYERS)[number];

export interface AddressSpec {
  address: string;
  linkName: string;
  family?: Family;
  scope?: string;
  flags?: string;
  announceWithARP?: boolean;
  priority?: number;
  layer?: Layer;
}

export interface BondMasterSpec {
  mode?: string;
  xmitHashPolicy?: string;
  lacpRate?: string;
  arpValidate?: string;
  arpAllTargets?: string;
  primaryReselect?: string;
  failOverMac?: string | number;
  adSelect?: string;
  miimon?: number;
  updelay?: number;
  downdelay?: number;
  arpInterval?: number;
  resendIgmp?: number;
  minLinks?: number;
  lpInterval?: number;
  packetsPerSlave?: number;
  numPeerNotif?: number;
  tlbLogicalLb?: number;
  allSlavesActive?: number;
  useCarrier?: boolean;
  adActorSysPrio?: number;
  adUserPortKey?: number;
  peerNotifyDelay?: number;
  arpIpTargets?: string[];
  nsIp6Targets?: string[];
  adLacpActive?: string;
  missedMax?: number;
  primary?: string;
}

export interface LinkSpec {
  name: string;
  logical?: boolean;
  up?: boolean;
  mtu?: number;
  kind?: string;
  type?: string;
  hardwareAddr?: string;
  parentName?: string;
  /** Bond slave (inlined BondSlave): the bond this link is enslaved to, and its position. */
  masterName?: string;
  slaveIndex?: number;
  bridgeSlave?: { masterName?: string };
  vlan?: { vlanID?: number; vlanProtocol?: string };
  bondMaster?: BondMasterSpec;
  bridgeMaster?: { stp?: { enabled?: boolean }; vlan?: { filteringEnabled?: boolean } };
  layer?: Layer;
  multicast?: boolean;
  /** Other LinkSpec fields (vrfSlave, vrfMaster, wireguard, veth): kept, not checked. */
  [other: string]: unknown;
}

export interface RouteSpec {
  family?: Family;
  dst?: string;
  src?: string;
  gateway?: string;
  outLinkName?: string;
  table?: string | number;
  priority?: number;
  scope?: string;
  type?: string;
  flags?: string;
  protocol?: string;
  layer?: Layer;
  mtu?: number;
  nextHops?: unknown[];
}

export interface HostnameSpec {
  hostname: string;
  domainname?: string;
  layer?: Layer;
}

export interface ResolverSpec {
  dnsServers?: string[];
  nameServers?: { addr?: string; protocol?: string; tlsServerName?: string }[];
  searchDomains?: string[];
  layer?: Layer;
}

export interface TimeServerSpec {
  timeServers?: string[];
  useNTS?: boolean;
  layer?: Layer;
}

/** The document as read (known sections only; unknown top-level keys are reported and dropped). */
export interface MetaNetworkConfig {
  addresses?: AddressSpec[];
  links?: LinkSpec[];
  routes?: RouteSpec[];
  hostnames?: HostnameSpec[];
  resolvers?: ResolverSpec[];
  timeServers?: TimeServerSpec[];
  operators?: unknown[];
  externalIPs?: string[];
  probes?: unknown[];
  metadata?: Record<string, unknown>;
}

/** One finding, naming its place in the document like `links[2].bondMaster.mode`. */
export interface MetaProblem {
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** `links[2].bondMaster.mode: "x" is not …` */
export function formatProblem(p: MetaProblem): string {
  return `${p.severity === 'warning' ? 'warning: ' : ''}${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}
