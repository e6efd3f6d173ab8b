// COSI resources of a simulated node: rendered from its state as Talos's controllers would publish them
// (yaml_spec text, owners, versions), kept in a small store that versions changes and feeds watches.
import { stringify } from 'yaml';
import { Kinds } from '../talos/api/cosi.js';
import type { DiskInfo, LinkInfo } from './hardware.js';
import type { ServiceRecord } from './services.js';

export interface ResourceDraft {
  namespace: string;
  type: string;
  id: string;
  owner: string;
  yaml: string;
}

export interface StoredResource extends ResourceDraft {
  version: number;
  phase: 'running';
  created: Date;
  updated: Date;
}

export type StoreEventType = 'CREATED' | 'UPDATED' | 'DESTROYED';

export interface StoreEvent {
  type: StoreEventType;
  resource: StoredResource;
  old?: StoredResource;
}

/** The kinds the simulator serves: exactly the full type names the client reads (src/talos/api/cosi.ts). */
export const TYPES = Kinds;

const kindKey = (namespace: string, type: string): string => `${namespace}\u0000${type}`;

/** Resources by kind and id; every change bumps the version and is pushed to the kind's watchers. */
export class ResourceStore {
  private readonly kinds = new Map<string, Map<string, StoredResource>>();
  private readonly watchers = new Map<string, Set<(ev: StoreEvent) => void>>();

  /** Replace the whole content with `drafts`: unchanged resources keep their version. */
  sync(drafts: ResourceDraft[], now = new Date()): void {
    const next = new Map<string, Map<string, ResourceDraft>>();
    for (const d of drafts) {
      const key = kindKey(d.namespace, d.type);
      if (!next.has(key)) next.set(key, new Map());
      next.get(key)!.set(d.id, d);
    }
    const events: [string, StoreEvent][] = [];
    for (const key of new Set([...this.kinds.keys(), ...next.keys()])) {
      const current = this.kinds.get(key) ?? new Map<string, StoredResource>();
      const wanted = next.get(key) ?? new Map<string, ResourceDraft>();
      for (const [id, draft] of wanted) {
        const old = current.get(id);
        if (!old) {
          const created: StoredResource = { ...draft, version: 1, phase: 'running', created: now, updated: now };
          current.set(id, created);
          events.push([key, { type: 'CREATED', resource: created }]);
        } else if (old.yaml !== draft.yaml || old.owner !== draft.owner) {
          const updated: StoredResource = { ...old, ...draft, version: old.version + 1, updated: now };
          current.set(id, updated);
          events.push([key, { type: 'UPDATED', resource: updated, old }]);
        }
      }
      for (const [id, old] of current) {
        if (!wanted.has(id)) {
          current.delete(id);
          events.push([key, { type: 'DESTROYED', resource: old }]);
        }
      }
      this.kinds.set(key, current);
    }
    for (const [key, ev] of events) for (const fn of this.watchers.get(key) ?? []) fn(ev);
  }

  get(namespace: string, type: string, id: string): StoredResource | undefined {
    return this.kinds.get(kindKey(namespace, type))?.get(id);
  }

  list(namespace: string, type: string): StoredResource[] {
    return [...(this.kinds.get(kindKey(namespace, type))?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  }

  watch(namespace: string, type: string, fn: (ev: StoreEvent) => void): () => void {
    const key = kindKey(namespace, type);
    if (!this.watchers.has(key)) this.watchers.set(key, new Set());
    this.watchers.get(key)!.add(fn);
    return () => this.watchers.get(key)?.delete(fn);
  }
}

// ---------------------------------------------------------------- rendering

function linkFlags(l: LinkInfo): string {
  if (l.type === 'loopback') return 'UP,LOOPBACK,RUNNING,LOWER_UP';
  if (l.operationalState !== 'up') return 'BROADCAST,MULTICAST';
  return l.slaveKind ? 'UP,BROADCAST,RUNNING,SLAVE,MULTICAST,LOWER_UP' : l.kind === 'bond' ? 'UP,BROADCAST,RUNNING,MASTER,MULTICAST,LOWER_UP' : 'UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP';
}

// Go's yaml quotes empty strings and values that would read as numbers/times (e.g. "0000:00:03.0").
const q = (s: string): string => (s === '' || (/^[0-9:.]+$/.test(s) && s.includes('.')) ? JSON.stringify(s) : s);

/** LinkStatus yaml in Talos's field order (see wire vector 17). */
export function linkYaml(l: LinkInfo): string {
  const lines = [
    `index: ${l.index}`,
    `type: ${l.type}`,
    'linkIndex: 0',
    `flags: ${linkFlags(l)}`,
    `hardwareAddr: ${l.hardwareAddr}`,
    `permanentAddr: ${q(l.permanentAddr)}`,
    `broadcastAddr: ${l.type === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'}`,
    `mtu: ${l.mtu}`,
    `queueDisc: ${l.type === 'loopback' ? 'noqueue' : l.kind === 'bond' ? 'noqueue' : 'fq_codel'}`,
  ];
  if (l.masterIndex !== undefined) lines.push(`masterIndex: ${l.masterIndex}`);
  lines.push(`operationalState: ${l.operationalState}`, `kind: ${q(l.kind)}`, `slaveKind: ${q(l.slaveKind)}`);
  if (l.busPath) lines.push(`busPath: ${q(l.busPath)}`);
  if (l.driver) lines.push(`driver: ${l.driver}`);
  if (l.driver === 'virtio_net') lines.push('product: Virtio network device', 'vendor: Red Hat, Inc.');
  lines.push(`linkState: ${l.linkState}`);
  if (l.speedMbit) lines.push(`speedMbit: ${l.speedMbit}`);
  lines.push('port: Other', `duplex: ${l.operationalState === 'up' && l.type === 'ether' ? 'Full' : 'Unknown'}`);
  if (l.kind === 'bond') {
    lines.push(
      'bondMaster:',
      '  mode: active-backup',
      '  xmitHashPolicy: layer2',
      '  lacpRate: slow',
      '  arpValidate: none',
      '  arpAllTargets: any',
      '  primaryReselect: always',
      '  failOverMac: none',
      '  miimon: 100',
      '  resendIgmp: 1',
      '  lpInterval: 1',
      '  packetsPerSlave: 1',
      '  numPeerNotif: 1',
      '  tlbLogicalLb: 1',
      '  useCarrier: true',
    );
  }
  return lines.join('\n') + '\n';
}

const y = (value: unknown): string => stringify(value, { lineWidth: 0 });

// Every node publishes every member: N nodes render N^2 Member specs. They are the same text on each
// node, so render each once (at 500 nodes this was most of the simulator's start-up).
const memberYamls = new Map<string, string>();
const MEMBER_CACHE_LIMIT = 20_000;

function memberYaml(m: { nodeId: string; hostname: string; ip: string; machineType: string }, talosVersion: string): string {
  const key = [m.nodeId, m.ip, m.hostname, m.machineType, talosVersion].join('\u0000');
  let text = memberYamls.get(key);
  if (text === undefined) {
    text = y({ nodeId: m.nodeId, addresses: [m.ip], hostname: m.hostname, machineType: m.machineType, operatingSystem: `Talos (${talosVersion})` });
    if (memberYamls.size >= MEMBER_CACHE_LIMIT) memberYamls.clear();
    memberYamls.set(key, text);
  }
  return text;
}

function prettySize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Math.round(v)} ${units[u]}`;
}

function ipv6LinkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const words = [((b[0] ^ 0x02) << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}/64`;
}

export interface RenderInput {
  mode: 'maintenance' | 'configured';
  machineType: 'controlplane' | 'worker' | 'unknown';
  hostname: string;
  ip: string;
  links: LinkInfo[];
  primaryLinkName: string;
  disks: DiskInfo[];
  services: Iterable<ServiceRecord>;
  meta: Map<number, Uint8Array>;
  stage: string;
  ready: boolean;
  unmetConditions: { name: string; reason: string }[];
  members: { nodeId: string; hostname: string; ip: string; machineType: string }[];
  talosVersion: string;
}

export function renderResources(s: RenderInput): ResourceDraft[] {
  const out: ResourceDraft[] = [];
  const add = (kind: { namespace: string; type: string }, id: string, owner: string, yaml: string) =>
    out.push({ namespace: kind.namespace, type: kind.type, id, owner, yaml });

  for (const l of s.links) add(TYPES.links, l.name, 'network.LinkStatusController', linkYaml(l));

  const primary = s.links.find((l) => l.name === s.primaryLinkName)!;
  const addresses: [LinkInfo, string, string, string][] = [
    [s.links[0], '127.0.0.1/8', 'inet4', 'host'],
    [s.links[0], '::1/128', 'inet6', 'host'],
    [primary, `${s.ip}/24`, 'inet4', 'global'],
    [primary, ipv6LinkLocal(primary.hardwareAddr), 'inet6', 'link'],
  ];
  for (const [link, address, family, scope] of addresses) {
    const local = address.split('/')[0];
    add(
      TYPES.addresses,
      `${link.name}/${address}`,
      'network.AddressStatusController',
      y({
        address,
        local,
        ...(family === 'inet4' && scope === 'global' ? { broadcast: local.replace(/\.\d+$/, '.255') } : {}),
        linkIndex: link.index,
        linkName: link.name,
        family,
        scope,
        flags: scope === 'link' ? 'permanent' : s.mode === 'maintenance' && scope === 'global' ? '' : 'permanent',
        priority: 0,
      }),
    );
  }
  const gateway = s.ip.replace(/\.\d+$/, '.1');
  add(
    TYPES.routes,
    `inet4/${gateway}//1024`,
    'network.RouteStatusController',
    y({ family: 'inet4', dst: '', src: '', gateway, outLinkIndex: primary.index, outLinkName: primary.name, table: 'main', priority: 1024, scope: 'global', type: 'unicast', flags: '', protocol: s.mode === 'maintenance' ? 'dhcp' : 'static' }),
  );
  add(TYPES.hostname, 'hostname', 'network.HostnameStatusController', y({ hostname: s.hostname, domainname: '' }));

  for (const [key, value] of [...s.meta].sort(([a], [b]) => a - b)) {
    add(TYPES.metaKeys, `0x${key.toString(16).padStart(2, '0')}`, '', y({ value: Buffer.from(value).toString('utf8') }));
  }
  for (const svc of s.services) {
    const running = svc.state === 'Running';
    add(TYPES.services, svc.id, '', y({ running, healthy: running && svc.health.healthy, unknown: svc.health.unknown }));
  }
  add(
    TYPES.machineStatus,
    'machine',
    'runtime.MachineStatusController',
    y({ stage: s.stage, status: { ready: s.ready, ...(s.unmetConditions.length ? { unmetConditions: s.unmetConditions } : {}) } }),
  );
  // MachineType's spec is a bare string in yaml_spec.
  add(TYPES.machineType, 'machine-type', 'config.MachineTypeController', `${s.machineType}\n`);
  for (const m of s.members) {
    add(
      TYPES.members,
      m.nodeId,
      'cluster.MemberController',
      memberYaml(m, s.talosVersion),
    );
  }
  for (const d of s.disks) {
    add(
      TYPES.disks,
      d.name,
      'block.DisksController',
      y({
        dev_path: `/dev/${d.name}`,
        size: d.size,
        pretty_size: prettySize(d.size),
        io_size: 512,
        sector_size: 512,
        readonly: d.readonly,
        cdrom: d.type === 'CD',
        model: d.model,
        serial: d.serial,
        ...(d.modalias ? { modalias: d.modalias } : {}),
        ...(d.wwid ? { wwid: d.wwid } : {}),
        bus_path: d.busPath,
        sub_system: d.subsystem,
        transport: d.transport,
        ...(d.type === 'HDD' ? { rotational: true } : {}),
        symlinks: [`/dev/disk/by-path/${d.transport}-${d.name}`],
      }),
    );
  }
  add(TYPES.version, 'version', 'runtime.VersionController', y({ version: s.talosVersion }));
  return out;
}
