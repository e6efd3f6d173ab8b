// Typed calls of machine.MachineService. Each takes a NodeTarget (one node) and returns plain
// results; an entry with metadata.error set is thrown as a TalosError. Fan out with
// session.forNodes(nodes, (t) => version(t)).
import { gunzipSync } from 'node:zlib';
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { ContainerDriver, type Data } from '../proto/gen/common/common_pb.js';
import {
  ApplyConfigurationRequest_Mode,
  MachineService,
  RebootRequest_Mode,
  type ContainerInfo,
  type EtcdMember,
  type EtcdMemberAlarm,
  type EtcdMemberStatus,
  type LoadAvg,
  type MemInfo,
  type ServiceInfo,
  type SystemStat,
  type Version,
} from '../proto/gen/machine/machine_pb.js';
import { describeError, TalosError } from '../errors.js';
import { requireEntry, singleEntry } from '../replies.js';
import { Code } from '../status-codes.js';
import type { CallOptions, NodeTarget } from '../target.js';
import { readTar } from './tar.js';

const M = MachineService.method;

export type { ContainerInfo, EtcdMember, EtcdMemberAlarm, EtcdMemberStatus, LoadAvg, MemInfo, ServiceInfo, SystemStat, Version };

export async function version(t: NodeTarget, opts?: CallOptions): Promise<Version> {
  return requireEntry(await t.unary(M.version, {}, opts), t.node, 'Version');
}

// ---- node figures (the dashboard's summary)

export async function loadAvg(t: NodeTarget, opts?: CallOptions): Promise<LoadAvg> {
  return requireEntry(await t.unary(M.loadAvg, {}, opts), t.node, 'LoadAvg');
}

export async function memory(t: NodeTarget, opts?: CallOptions): Promise<MemInfo | undefined> {
  return requireEntry(await t.unary(M.memory, {}, opts), t.node, 'Memory').meminfo;
}

export async function systemStat(t: NodeTarget, opts?: CallOptions): Promise<SystemStat> {
  return requireEntry(await t.unary(M.systemStat, {}, opts), t.node, 'SystemStat');
}

// ---- services

export async function serviceList(t: NodeTarget, opts?: CallOptions): Promise<ServiceInfo[]> {
  return singleEntry(await t.unary(M.serviceList, {}, opts), t.node, 'ServiceList')?.services ?? [];
}

/** Returns the node's answer text (e.g. "Service \"kubelet\" started"). */
export async function serviceStart(t: NodeTarget, id: string, opts?: CallOptions): Promise<string> {
  return singleEntry(await t.unary(M.serviceStart, { id }, opts), t.node, 'ServiceStart')?.resp ?? '';
}

export async function serviceStop(t: NodeTarget, id: string, opts?: CallOptions): Promise<string> {
  return singleEntry(await t.unary(M.serviceStop, { id }, opts), t.node, 'ServiceStop')?.resp ?? '';
}

export async function serviceRestart(t: NodeTarget, id: string, opts?: CallOptions): Promise<string> {
  return singleEntry(await t.unary(M.serviceRestart, { id }, opts), t.node, 'ServiceRestart')?.resp ?? '';
}

// ---- etcd

export async function etcdMemberList(t: NodeTarget, opts: CallOptions & { queryLocal?: boolean } = {}): Promise<EtcdMember[]> {
  return singleEntry(await t.unary(M.etcdMemberList, { queryLocal: opts.queryLocal ?? false }, opts), t.node, 'EtcdMemberList')?.members ?? [];
}

export async function etcdStatus(t: NodeTarget, opts?: CallOptions): Promise<EtcdMemberStatus> {
  const status = requireEntry(await t.unary(M.etcdStatus, {}, opts), t.node, 'EtcdStatus').memberStatus;
  if (!status) throw new TalosError({ code: Code.INTERNAL, message: `${t.node} sent an EtcdStatus reply without member status`, node: t.node });
  return status;
}

export async function etcdAlarmList(t: NodeTarget, opts?: CallOptions): Promise<EtcdMemberAlarm[]> {
  return singleEntry(await t.unary(M.etcdAlarmList, {}, opts), t.node, 'EtcdAlarmList')?.memberAlarms ?? [];
}

/** Clears the alarms; returns the ones that were disarmed. */
export async function etcdAlarmDisarm(t: NodeTarget, opts?: CallOptions): Promise<EtcdMemberAlarm[]> {
  return singleEntry(await t.unary(M.etcdAlarmDisarm, {}, opts), t.node, 'EtcdAlarmDisarm')?.memberAlarms ?? [];
}

/** Defragmentation blocks the member for a while: give it a generous deadline (default 2 min). */
export async function etcdDefragment(t: NodeTarget, opts: CallOptions = {}): Promise<void> {
  singleEntry(await t.unary(M.etcdDefragment, {}, { deadlineMs: 120_000, ...opts }), t.node, 'EtcdDefragment');
}

/** Returns the member that took over leadership, as the node reports it ('' when it was not the leader). */
export async function etcdForfeitLeadership(t: NodeTarget, opts?: CallOptions): Promise<string> {
  return singleEntry(await t.unary(M.etcdForfeitLeadership, {}, opts), t.node, 'EtcdForfeitLeadership')?.member ?? '';
}

/** The snapshot as a stream of byte chunks; write them to a file as they come. */
export function etcdSnapshot(t: NodeTarget, opts?: CallOptions): AsyncIterable<Uint8Array> {
  return dataChunks(t, t.stream(M.etcdSnapshot, {}, opts), 'EtcdSnapshot');
}

/**
 * EtcdRecover: upload a snapshot (made with EtcdSnapshot, or a copy of the data directory's db) for
 * a following Bootstrap with recoverEtcd. The chunks are read as the node takes them; the node keeps
 * the upload in /var/lib/etcd.snapshot. No deadline by default (a large snapshot takes long): give
 * idleTimeoutMs so a node that stops taking data cannot hang the upload.
 */
export async function etcdRecover(t: NodeTarget, chunks: AsyncIterable<Uint8Array>, opts: CallOptions = {}): Promise<void> {
  if (!t.clientStream) throw new TalosError({ code: Code.UNIMPLEMENTED, message: `cannot upload to ${t.node} over this connection`, node: t.node });
  const requests = (async function* () {
    for await (const bytes of chunks) yield { bytes };
  })();
  singleEntry(await t.clientStream(M.etcdRecover, requests, opts), t.node, 'EtcdRecover');
}

export async function bootstrap(t: NodeTarget, opts: CallOptions & { recoverEtcd?: boolean; recoverSkipHashCheck?: boolean } = {}): Promise<void> {
  const req = { recoverEtcd: opts.recoverEtcd ?? false, recoverSkipHashCheck: opts.recoverSkipHashCheck ?? false };
  singleEntry(await t.unary(M.bootstrap, req, opts), t.node, 'Bootstrap');
}

// ---- configuration and META

export type ApplyMode = 'auto' | 'no-reboot' | 'reboot' | 'staged' | 'try';

const APPLY_MODES: Record<ApplyMode, ApplyConfigurationRequest_Mode> = {
  auto: ApplyConfigurationRequest_Mode.AUTO,
  'no-reboot': ApplyConfigurationRequest_Mode.NO_REBOOT,
  reboot: ApplyConfigurationRequest_Mode.REBOOT,
  staged: ApplyConfigurationRequest_Mode.STAGED,
  try: ApplyConfigurationRequest_Mode.TRY,
};

export interface ApplyResult {
  /** The mode the node actually used (AUTO resolves to one of the others). */
  mode: ApplyMode;
  modeDetails: string;
  warnings: string[];
}

export interface ApplyRequest {
  /** The machine config document(s), YAML. */
  config: string | Uint8Array;
  /** Required: REBOOT is the wire default and deprecated, so never rely on it. */
  mode: ApplyMode;
  dryRun?: boolean;
  /** For mode 'try': how long until the node rolls back (Talos's default is 1 min). */
  tryModeTimeoutMs?: number;
}

export async function applyConfiguration(t: NodeTarget, req: ApplyRequest, opts: CallOptions = {}): Promise<ApplyResult> {
  const mode = APPLY_MODES[req.mode];
  if (mode === undefined) {
    throw new TalosError({ code: Code.INVALID_ARGUMENT, message: `apply mode "${String(req.mode)}" is not one of ${Object.keys(APPLY_MODES).join(', ')}` });
  }
  const data = typeof req.config === 'string' ? new TextEncoder().encode(req.config) : req.config;
  const tryTimeout =
    req.mode === 'try' && req.tryModeTimeoutMs !== undefined
      ? create(DurationSchema, { seconds: BigInt(Math.floor(req.tryModeTimeoutMs / 1000)), nanos: (req.tryModeTimeoutMs % 1000) * 1_000_000 })
      : undefined;
  // Validating and staging a config can take a while on a busy node.
  const reply = await t.unary(M.applyConfiguration, { data, mode, dryRun: req.dryRun ?? false, tryModeTimeout: tryTimeout }, { deadlineMs: 60_000, ...opts });
  const entry = singleEntry(reply, t.node, 'ApplyConfiguration');
  const used = (Object.entries(APPLY_MODES) as [ApplyMode, ApplyConfigurationRequest_Mode][]).find(([, v]) => v === entry?.mode)?.[0];
  return { mode: entry ? (used ?? req.mode) : req.mode, modeDetails: entry?.modeDetails ?? '', warnings: entry?.warnings ?? [] };
}

function checkMetaKey(key: number): void {
  if (!Number.isInteger(key) || key < 0 || key > 0xff) {
    throw new TalosError({ code: Code.INVALID_ARGUMENT, message: `META key ${key} is out of range: keys are 0x00..0xff` });
  }
}

export async function metaWrite(t: NodeTarget, key: number, value: string | Uint8Array, opts?: CallOptions): Promise<void> {
  checkMetaKey(key);
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  singleEntry(await t.unary(M.metaWrite, { key, value: bytes }, opts), t.node, 'MetaWrite');
}

/** Fails with NOT_FOUND when the key is not set. */
export async function metaDelete(t: NodeTarget, key: number, opts?: CallOptions): Promise<void> {
  checkMetaKey(key);
  singleEntry(await t.unary(M.metaDelete, { key }, opts), t.node, 'MetaDelete');
}

// ---- logs

/** Kernel log: byte chunks (not necessarily whole lines). */
export function dmesg(t: NodeTarget, opts: CallOptions & { follow?: boolean; tail?: boolean } = {}): AsyncIterable<Uint8Array> {
  return dataChunks(t, t.stream(M.dmesg, { follow: opts.follow ?? false, tail: opts.tail ?? false }, opts), 'Dmesg');
}

export interface LogsRequest {
  /** Service id (`kubelet`, `etcd`, `apid`...) or, with kubernetes: true, a container id from logsContainers. */
  id: string;
  /** A Kubernetes container (namespace k8s.io via CRI) instead of a Talos service (namespace system). */
  kubernetes?: boolean;
  follow?: boolean;
  /** Last N lines first; -1 or undefined for everything the node keeps. */
  tailLines?: number;
}

/** Service or container log: byte chunks (split lines with a line splitter). */
export function logs(t: NodeTarget, req: LogsRequest, opts: CallOptions = {}): AsyncIterable<Uint8Array> {
  const request = {
    namespace: req.kubernetes ? 'k8s.io' : 'system',
    driver: req.kubernetes ? ContainerDriver.CRI : ContainerDriver.CONTAINERD,
    id: req.id,
    follow: req.follow ?? false,
    tailLines: req.tailLines ?? -1,
  };
  return dataChunks(t, t.stream(M.logs, request, opts), 'Logs');
}

export async function logsContainers(t: NodeTarget, opts?: CallOptions): Promise<string[]> {
  return singleEntry(await t.unary(M.logsContainers, {}, opts), t.node, 'LogsContainers')?.ids ?? [];
}

export interface ContainersRequest {
  /** containerd namespace: 'k8s.io' for Kubernetes containers (the default), 'system' for Talos's own. */
  namespace?: string;
  /** 'cri' (default for k8s.io) or 'containerd' (default for every other namespace). */
  driver?: 'cri' | 'containerd';
}

/**
 * The node's containers (`talosctl containers [-k]`). With CRI every pod comes as its sandbox (id ===
 * podId, no log) followed by its containers, whose `id` is what logs({kubernetes: true}) takes.
 */
export async function containers(t: NodeTarget, req: ContainersRequest = {}, opts?: CallOptions): Promise<ContainerInfo[]> {
  const namespace = req.namespace ?? 'k8s.io';
  const cri = (req.driver ?? (namespace === 'k8s.io' ? 'cri' : 'containerd')) === 'cri';
  const request = { namespace, driver: cri ? ContainerDriver.CRI : ContainerDriver.CONTAINERD };
  return singleEntry(await t.unary(M.containers, request, opts), t.node, 'Containers')?.containers ?? [];
}

/** True for a CRI pod sandbox entry (it has no log of its own). */
export function isPodSandbox(c: ContainerInfo): boolean {
  return c.podId !== '' && c.id === c.podId;
}

// ---- kubeconfig and reboot

/** The admin kubeconfig: Talos streams a .tar.gz holding one file `kubeconfig`. */
export async function kubeconfig(t: NodeTarget, opts?: CallOptions): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of dataChunks(t, t.stream(M.kubeconfig, {}, { deadlineMs: 30_000, ...opts }), 'Kubeconfig')) parts.push(chunk);
  try {
    // A kubeconfig is a few KiB: bound the inflated size so a hostile node's gzip bomb stops here.
    const entries = readTar(gunzipSync(Buffer.concat(parts), { maxOutputLength: 16 * 1024 * 1024 }));
    const file = entries.find((e) => e.name.replace(/^\.\//, '') === 'kubeconfig');
    if (!file) throw new Error(`the archive holds no "kubeconfig" file (found: ${entries.map((e) => e.name).join(', ') || 'nothing'})`);
    return Buffer.from(file.data).toString('utf8');
  } catch (err) {
    throw new TalosError({ code: Code.DATA_LOSS, message: `${t.node} sent an unreadable kubeconfig: ${(err as Error).message}`, node: t.node, cause: err });
  }
}

export type RebootMode = 'default' | 'powercycle' | 'force';

export async function reboot(t: NodeTarget, mode: RebootMode = 'default', opts?: CallOptions): Promise<void> {
  const wire = { default: RebootRequest_Mode.DEFAULT, powercycle: RebootRequest_Mode.POWERCYCLE, force: RebootRequest_Mode.FORCE }[mode];
  singleEntry(await t.unary(M.reboot, { mode: wire }, opts), t.node, 'Reboot');
}

/** Unwrap common.Data messages; a message carrying metadata.error ends the stream with that error. */
export async function* dataChunks(t: NodeTarget, stream: AsyncIterable<Data>, method: string): AsyncGenerator<Uint8Array> {
  for await (const msg of stream) {
    if (msg.metadata?.error) {
      throw describeError({ code: msg.metadata.status?.code || Code.UNKNOWN, details: msg.metadata.error }, { node: t.node, method });
    }
    if (msg.bytes.length > 0) yield msg.bytes;
  }
}
