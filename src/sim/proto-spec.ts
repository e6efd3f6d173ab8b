// COSI resources carry their spec twice, as Talos's server fills both: yaml_spec (what talosctl prints)
// and proto_spec (the protobuf form machinery's client decodes into Talos's own types). This writes the
// protobuf form from the YAML spec for every kind the simulator serves. Field numbers and enum values
// come from pkg/machinery/api/resource/definitions (network.proto, block.proto, ...) and nethelpers.
import { parse } from 'yaml';
import type { Kinds } from '../talos/api/cosi.js';

type Field =
  | [number, 'string' | 'bool' | 'uint' | 'mac' | 'ip' | 'prefix' | 'strings' | 'ips']
  | [number, 'enum', Record<string, number>]
  | [number, 'flags', string[]]
  | [number, 'message', Schema];
type Schema = Record<string, Field>;

const FAMILY = { inet4: 2, inet6: 10 };
const SCOPE = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };
// nethelpers.LinkFlag (IFF_*), one bit each from UP; AddressFlag from temporary.
const LINK_FLAGS = ['UP', 'BROADCAST', 'DEBUG', 'LOOPBACK', 'POINTTOPOINT', 'NOTRAILERS', 'RUNNING', 'NOARP', 'PROMISC', 'ALLMULTI', 'MASTER', 'SLAVE', 'MULTICAST', 'PORTSEL', 'AUTOMEDIA', 'DYNAMIC', 'LOWER_UP', 'DORMANT', 'ECHO'];
const ADDRESS_FLAGS = ['temporary', 'nodad', 'optimistic', 'dadfailed', 'homeaddress', 'deprecated', 'tentative', 'permanent', 'mngmtmpaddr', 'noprefixroute', 'mcautojoin', 'stableprivacy'];
const MACHINE_TYPE = { unknown: 0, init: 1, controlplane: 2, worker: 3 };

// network.BondMasterSpec (nethelpers.BondMode, BondXmitHashPolicy, ... enum values).
const BOND_MASTER: Schema = {
  mode: [1, 'enum', { 'balance-rr': 0, 'active-backup': 1, 'balance-xor': 2, broadcast: 3, '802.3ad': 4, 'balance-tlb': 5, 'balance-alb': 6 }],
  xmitHashPolicy: [2, 'enum', { layer2: 0, 'layer3+4': 1, 'layer2+3': 2, 'encap2+3': 3, 'encap3+4': 4 }],
  lacpRate: [3, 'enum', { slow: 0, fast: 1 }],
  arpValidate: [4, 'enum', { none: 0, active: 1, backup: 2, all: 3, filter: 4, 'filter-active': 5, 'filter-backup': 6 }],
  arpAllTargets: [5, 'enum', { any: 0, all: 1 }], primary: [6, 'uint'],
  primaryReselect: [7, 'enum', { always: 0, better: 1, failure: 2 }], failOverMac: [8, 'enum', { 0: 0, 1: 1, 2: 2, none: 0, active: 1, follow: 2 }],
  adSelect: [9, 'enum', { stable: 0, bandwidth: 1, count: 2 }], miimon: [10, 'uint'], updelay: [11, 'uint'], downdelay: [12, 'uint'],
  arpInterval: [13, 'uint'], resendIgmp: [14, 'uint'], minLinks: [15, 'uint'], lpInterval: [16, 'uint'], packetsPerSlave: [17, 'uint'],
  numPeerNotif: [18, 'uint'], tlbLogicalLb: [19, 'uint'], allSlavesActive: [20, 'uint'], useCarrier: [21, 'bool'],
  adActorSysPrio: [22, 'uint'], adUserPortKey: [23, 'uint'], peerNotifyDelay: [24, 'uint'], missedMax: [28, 'uint'],
};

const SCHEMAS: Record<(typeof Kinds)[keyof typeof Kinds]['type'], Schema | 'machineType'> = {
  'LinkStatuses.net.talos.dev': {
    index: [1, 'uint'], type: [2, 'enum', { netrom: 0, ether: 1, loopback: 772 }], linkIndex: [3, 'uint'], flags: [4, 'flags', LINK_FLAGS],
    hardwareAddr: [5, 'mac'], broadcastAddr: [6, 'mac'], mtu: [7, 'uint'], queueDisc: [8, 'string'], masterIndex: [9, 'uint'],
    operationalState: [10, 'enum', { unknown: 0, notPresent: 1, down: 2, lowerLayerDown: 3, testing: 4, dormant: 5, up: 6 }],
    kind: [11, 'string'], slaveKind: [12, 'string'], busPath: [13, 'string'], pciID: [14, 'string'], driver: [15, 'string'],
    driverVersion: [16, 'string'], firmwareVersion: [17, 'string'], productID: [18, 'string'], vendorID: [19, 'string'],
    product: [20, 'string'], vendor: [21, 'string'], linkState: [22, 'bool'], speedMbit: [23, 'uint'],
    port: [24, 'enum', { TwistedPair: 0, AUI: 1, MII: 2, FIBRE: 3, BNC: 4, DirectAttach: 5, None: 239, Other: 255 }],
    duplex: [25, 'enum', { Half: 0, Full: 1, Unknown: 255 }], bondMaster: [28, 'message', BOND_MASTER], permanentAddr: [30, 'mac'], alias: [31, 'string'], altNames: [32, 'strings'],
  },
  'AddressStatuses.net.talos.dev': {
    address: [1, 'prefix'], local: [2, 'ip'], broadcast: [3, 'ip'], anycast: [4, 'ip'], multicast: [5, 'ip'], linkIndex: [6, 'uint'],
    linkName: [7, 'string'], family: [8, 'enum', FAMILY], scope: [9, 'enum', SCOPE], flags: [10, 'flags', ADDRESS_FLAGS], priority: [11, 'uint'],
  },
  'RouteStatuses.net.talos.dev': {
    family: [1, 'enum', FAMILY], dst: [2, 'prefix'], src: [3, 'ip'], gateway: [4, 'ip'], outLinkIndex: [5, 'uint'], outLinkName: [6, 'string'],
    table: [7, 'enum', { unspec: 0, default: 253, main: 254, local: 255 }], priority: [8, 'uint'], scope: [9, 'enum', SCOPE],
    type: [10, 'enum', { unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8 }],
    protocol: [12, 'enum', { unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, ra: 9, dhcp: 16 }], mtu: [13, 'uint'],
  },
  'HostnameStatuses.net.talos.dev': { hostname: [1, 'string'], domainname: [2, 'string'] },
  'MetaKeys.runtime.talos.dev': { value: [1, 'string'] },
  'Services.v1alpha1.talos.dev': { running: [1, 'bool'], healthy: [2, 'bool'], unknown: [3, 'bool'] },
  'MachineStatuses.runtime.talos.dev': {
    stage: [1, 'enum', { unknown: 0, booting: 1, installing: 2, maintenance: 3, running: 4, rebooting: 5, shuttingDown: 6, resetting: 7, upgrading: 8 }],
    status: [2, 'message', { ready: [1, 'bool'], unmetConditions: [2, 'message', { name: [1, 'string'], reason: [2, 'string'] }] }],
  },
  'MachineTypes.config.talos.dev': 'machineType',
  'Members.cluster.talos.dev': {
    nodeId: [1, 'string'], addresses: [2, 'ips'], hostname: [3, 'string'], machineType: [4, 'enum', MACHINE_TYPE], operatingSystem: [5, 'string'],
  },
  'Disks.block.talos.dev': {
    size: [1, 'uint'], io_size: [2, 'uint'], sector_size: [3, 'uint'], readonly: [4, 'bool'], model: [5, 'string'], serial: [6, 'string'],
    modalias: [7, 'string'], wwid: [8, 'string'], bus_path: [9, 'string'], sub_system: [10, 'string'], transport: [11, 'string'],
    rotational: [12, 'bool'], cdrom: [13, 'bool'], dev_path: [14, 'string'], pretty_size: [15, 'string'], secondary_disks: [16, 'strings'],
    uuid: [17, 'string'], symlinks: [18, 'strings'], firmware_version: [19, 'string'],
  },
  'Versions.runtime.talos.dev': { version: [1, 'string'], name: [2, 'string'] },
};

class Writer {
  private readonly parts: number[] = [];
  varint(n: number | bigint): void {
    let v = BigInt(n);
    if (v < 0n) v += 1n << 64n;
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.parts.push(v > 0n ? byte | 0x80 : byte);
    } while (v > 0n);
  }
  tag(field: number, wire: 0 | 2): void {
    this.varint((field << 3) | wire);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.parts.push(...b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function ipBytes(text: string): Uint8Array | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) return Uint8Array.from(text.split('.').map(Number));
  if (!text.includes(':')) return undefined;
  const [head, tail = ''] = text.split('::');
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const h = words(head);
  const t = text.includes('::') ? words(tail) : [];
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return Uint8Array.from(all.flatMap((w) => [w >> 8, w & 0xff]));
}

function encode(schema: Schema, value: Record<string, unknown>): Uint8Array {
  const w = new Writer();
  for (const [key, v] of Object.entries(value)) {
    const field = schema[key];
    if (!field || v === null || v === undefined || v === '') continue;
    const [n, kind] = field;
    switch (kind) {
      case 'string':
        w.bytes(n, new TextEncoder().encode(String(v)));
        break;
      case 'bool':
        if (v === true) {
          w.tag(n, 0);
          w.varint(1);
        }
        break;
      case 'uint':
        w.tag(n, 0);
        w.varint(typeof v === 'bigint' ? v : Number(v));
        break;
      case 'enum':
        w.tag(n, 0);
        w.varint(field[2][String(v)] ?? 0);
        break;
      case 'flags': {
        const bits = String(v).split(',').reduce((acc, name) => acc | (field[2].includes(name) ? 2 ** field[2].indexOf(name) : 0), 0);
        w.tag(n, 0);
        w.varint(bits);
        break;
      }
      case 'mac':
        w.bytes(n, Uint8Array.from(String(v).split(':').map((x) => parseInt(x, 16))));
        break;
      case 'ip':
      case 'ips':
        for (const ip of Array.isArray(v) ? v : [v]) {
          const b = ipBytes(String(ip));
          if (b) w.bytes(n, netIP(b));
        }
        break;
      case 'prefix': {
        const [ip, len] = String(v).split('/');
        const b = ipBytes(ip);
        if (b) {
          const p = new Writer();
          p.bytes(1, b);
          p.tag(2, 0);
          p.varint(Number(len));
          w.bytes(n, p.done());
        }
        break;
      }
      case 'strings':
        for (const s of v as unknown[]) w.bytes(n, new TextEncoder().encode(String(s)));
        break;
      case 'message':
        for (const m of Array.isArray(v) ? v : [v]) w.bytes(n, encode(field[2], m as Record<string, unknown>));
        break;
    }
  }
  return w.done();
}

/** common.NetIP { bytes ip = 1 } */
function netIP(b: Uint8Array): Uint8Array {
  const w = new Writer();
  w.bytes(1, b);
  return w.done();
}

/** The proto_spec of a resource of `type` whose YAML spec is `yaml`; undefined for a kind not listed. */
export function protoSpec(type: string, yaml: string): Uint8Array | undefined {
  const schema = SCHEMAS[type as keyof typeof SCHEMAS];
  if (!schema) return undefined;
  const value = parse(yaml, { intAsBigInt: true }) as unknown;
  if (schema === 'machineType') {
    const w = new Writer();
    w.tag(1, 0);
    w.varint(MACHINE_TYPE[String(value) as keyof typeof MACHINE_TYPE] ?? 0);
    return w.done();
  }
  return encode(schema, (value ?? {}) as Record<string, unknown>);
}
