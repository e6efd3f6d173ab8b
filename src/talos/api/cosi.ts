// COSI resource reads (cosi.resource.State): Get, List, Watch, with yaml_spec parsed, plus typed
// helpers for the resources talos-tui reads. Always full type names: the server resolves no aliases.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { parse as parseYaml } from 'yaml';
import { safeValue } from '../safe-message.js';
import { EventType, State } from '../proto/gen/cosi/state_pb.js';
import type { Resource } from '../proto/gen/cosi/resource_pb.js';
import { TalosError } from '../errors.js';
import { Code } from '../status-codes.js';
import type { CallOptions, NodeTarget } from '../target.js';

export interface CosiResource<S = unknown> {
  namespace: string;
  type: string;
  id: string;
  version: string;
  owner: string;
  phase: string;
  created: Date | null;
  updated: Date | null;
  labels: Record<string, string>;
  /** yaml_spec parsed (may be a bare scalar, e.g. MachineType's "controlplane"). */
  spec: S;
}

export interface ResourceKind {
  namespace: string;
  type: string;
}

/** The resources talos-tui reads, by their full type names. */
export const Kinds = {
  links: { namespace: 'network', type: 'LinkStatuses.net.talos.dev' },
  addresses: { namespace: 'network', type: 'AddressStatuses.net.talos.dev' },
  routes: { namespace: 'network', type: 'RouteStatuses.net.talos.dev' },
  hostname: { namespace: 'network', type: 'HostnameStatuses.net.talos.dev' },
  metaKeys: { namespace: 'runtime', type: 'MetaKeys.runtime.talos.dev' },
  services: { namespace: 'runtime', type: 'Services.v1alpha1.talos.dev' },
  machineStatus: { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev' },
  machineType: { namespace: 'config', type: 'MachineTypes.config.talos.dev' },
  members: { namespace: 'cluster', type: 'Members.cluster.talos.dev' },
  disks: { namespace: 'runtime', type: 'Disks.block.talos.dev' },
  version: { namespace: 'runtime', type: 'Versions.runtime.talos.dev' },
} as const satisfies Record<string, ResourceKind>;

export function toCosiResource<S = unknown>(res: Resource | undefined, node: string): CosiResource<S> {
  const md = res?.metadata;
  if (!res || !md) throw new TalosError({ code: Code.DATA_LOSS, message: `${node} sent a resource without metadata`, node });
  let spec: unknown = null;
  const yamlSpec = res.spec?.yamlSpec ?? '';
  if (yamlSpec !== '') {
    try {
      spec = safeValue(parseYaml(yamlSpec));
    } catch (err) {
      throw new TalosError({ code: Code.DATA_LOSS, message: `${node} sent ${md.type} "${md.id}" with an unreadable spec: ${(err as Error).message.split('\n')[0]}`, node });
    }
  }
  return {
    namespace: md.namespace,
    type: md.type,
    id: md.id,
    version: md.version,
    owner: md.owner,
    phase: md.phase,
    created: md.created ? timestampDate(md.created) : null,
    updated: md.updated ? timestampDate(md.updated) : null,
    labels: { ...md.labels },
    spec: spec as S,
  };
}

export async function get<S = unknown>(t: NodeTarget, kind: ResourceKind, id: string, opts?: CallOptions): Promise<CosiResource<S>> {
  const reply = await t.unary(State.method.get, { namespace: kind.namespace, type: kind.type, id }, opts);
  return toCosiResource<S>(reply.resource, t.node);
}

/** Every resource of a kind. List is a stream: it gets the unary default deadline unless given one. */
export async function list<S = unknown>(t: NodeTarget, kind: ResourceKind, opts: CallOptions = {}): Promise<CosiResource<S>[]> {
  const out: CosiResource<S>[] = [];
  for await (const msg of t.stream(State.method.list, { namespace: kind.namespace, type: kind.type }, { deadlineMs: 10_000, ...opts })) {
    if (msg.resource) out.push(toCosiResource<S>(msg.resource, t.node));
  }
  return out;
}

export type WatchEvent<S = unknown> =
  /** The server is watching (the first, empty reply). */
  | { type: 'ready' }
  | { type: 'created' | 'updated' | 'destroyed' | 'noop'; resource: CosiResource<S>; old: CosiResource<S> | null }
  /** Every resource that existed when the watch started has been sent (with bootstrapContents). */
  | { type: 'bootstrapped' }
  | { type: 'errored'; error: string };

const EVENT_NAMES: Record<number, 'created' | 'updated' | 'destroyed' | 'noop'> = {
  [EventType.CREATED]: 'created',
  [EventType.UPDATED]: 'updated',
  [EventType.DESTROYED]: 'destroyed',
  [EventType.NOOP]: 'noop',
};

export interface WatchRequest {
  /** Watch one resource instead of the whole kind. */
  id?: string;
  /** Send the current resources first, then 'bootstrapped' (default true for kind watches). */
  bootstrapContents?: boolean;
  tailEvents?: number;
}

export async function* watch<S = unknown>(t: NodeTarget, kind: ResourceKind, req: WatchRequest = {}, opts: CallOptions = {}): AsyncGenerator<WatchEvent<S>> {
  const request = {
    namespace: kind.namespace,
    type: kind.type,
    ...(req.id !== undefined ? { id: req.id } : {}),
    options: { bootstrapContents: req.bootstrapContents ?? req.id === undefined, tailEvents: req.tailEvents ?? 0 },
    apiVersion: 1,
  };
  let first = true;
  for await (const msg of t.stream(State.method.watch, request, opts)) {
    if (msg.event.length === 0) {
      if (first) yield { type: 'ready' };
      first = false;
      continue;
    }
    first = false;
    for (const ev of msg.event) {
      if (ev.eventType === EventType.BOOTSTRAPPED) yield { type: 'bootstrapped' };
      else if (ev.eventType === EventType.ERRORED) yield { type: 'errored', error: ev.error ?? 'unknown watch error' };
      else if (ev.resource && EVENT_NAMES[ev.eventType]) {
        yield {
          type: EVENT_NAMES[ev.eventType],
          resource: toCosiResource<S>(ev.resource, t.node),
          old: ev.old?.metadata ? toCosiResource<S>(ev.old, t.node) : null,
        };
      }
    }
  }
}

// ---- typed helpers

export interface LinkStatusSpec {
  index?: number;
  type?: string;
  /** '' for a physical link; bond, vlan, bridge, ... otherwise. */
  kind?: string;
  hardwareAddr?: string;
  /** A bond slave's own MAC (hardwareAddr is the bond's borrowed one). */
  permanentAddr?: string;
  operationalState?: string;
  linkState?: boolean;
  masterIndex?: number;
  mtu?: number;
  busPath?: string;
  driver?: string;
  product?: string;
  vendor?: string;
  speedMbit?: number;
  [key: string]: unknown;
}

export interface LinkStatus extends LinkStatusSpec {
  /** The link name, e.g. eth0. */
  id: string;
}

export async function linkStatuses(t: NodeTarget, opts?: CallOptions): Promise<LinkStatus[]> {
  const links = await list<LinkStatusSpec | null>(t, Kinds.links, opts);
  return links.map((r) => ({ ...(r.spec ?? {}), id: r.id }));
}

export interface MachineStatus {
  /** maintenance, booting, installing, running, rebooting, ... */
  stage: string;
  ready: boolean;
  unmetConditions: { name: string; reason: string }[];
}

export async function machineStatus(t: NodeTarget, opts?: CallOptions): Promise<MachineStatus> {
  type Spec = { stage?: string; status?: { ready?: boolean; unmetConditions?: { name?: string; reason?: string }[] | null } } | null;
  const r = await get<Spec>(t, Kinds.machineStatus, 'machine', opts);
  return {
    stage: r.spec?.stage ?? 'unknown',
    ready: Boolean(r.spec?.status?.ready),
    unmetConditions: (r.spec?.status?.unmetConditions ?? []).map((c) => ({ name: c.name ?? '', reason: c.reason ?? '' })),
  };
}

export type MachineType = 'controlplane' | 'worker' | 'init' | 'unknown';

export async function machineType(t: NodeTarget, opts?: CallOptions): Promise<MachineType> {
  const r = await get<unknown>(t, Kinds.machineType, 'machine-type', opts);
  const v = typeof r.spec === 'string' ? r.spec : '';
  return v === 'controlplane' || v === 'worker' || v === 'init' ? v : 'unknown';
}

/** The Talos version string from the Versions resource (works where the Version API does not). */
export async function talosVersion(t: NodeTarget, opts?: CallOptions): Promise<string> {
  const r = await get<{ version?: string } | null>(t, Kinds.version, 'version', opts);
  return r.spec?.version ?? '';
}

export interface MetaKey {
  /** Numeric key, e.g. 10 for 0x0a. */
  key: number;
  /** The resource id as Talos writes it, e.g. `0x0a`. */
  id: string;
  value: string;
}

export async function metaKeys(t: NodeTarget, opts?: CallOptions): Promise<MetaKey[]> {
  const keys = await list<{ value?: string } | null>(t, Kinds.metaKeys, opts);
  return keys.map((r) => ({ key: parseInt(r.id, 16), id: r.id, value: r.spec?.value ?? '' })).filter((k) => Number.isInteger(k.key));
}
