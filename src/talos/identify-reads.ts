// Steps 2 and 3 of identification (identify.ts): the facts read from a Talos node, over the
// probe's own HTTP/2 connection (maintenance) or over mutual TLS (configured), and how they fill
// an IdentifiedNode. The same reads serve both paths; only the target differs.
import { normalizeMac } from '../core/inventory.js';
import { primaryMac } from '../core/match.js';
import { describeError, TalosError } from './errors.js';
import type { IdentifiedDisk, IdentifiedLink, IdentifiedNode } from './identify.js';
import { Code } from './status-codes.js';
import type { NodeTarget } from './target.js';
import * as cosi from './api/cosi.js';
import { State } from './proto/gen/cosi/state_pb.js';
import * as machine from './api/machine.js';
import * as storage from './api/storage.js';

const NO_MAC = '00:00:00:00:00:00';

function normalMac(text: unknown): string | null {
  const mac = typeof text === 'string' ? normalizeMac(text) : null;
  return mac !== null && mac !== NO_MAC ? mac : null;
}

/** Talos <= 1.12 in maintenance mode answers Version with UNIMPLEMENTED "... maintenance mode":
 *  a refusal that still proves a maintenance-mode Talos answered. */
export function isMaintenanceModeRefusal(e: TalosError): boolean {
  return e.code === Code.UNIMPLEMENTED && /maintenance mode/i.test(e.details);
}

/**
 * Top-level scalars of a flat YAML mapping (`key: value` lines; nested blocks skipped), or null
 * when the text uses anything else at the top level (then the full YAML parser runs). LinkStatus
 * specs are flat where it matters, and parsing them with the general parser was the largest
 * single cost of identifying a node.
 */
export function flatYaml(text: string): Record<string, string | number | boolean> | null {
  const out: Record<string, string | number | boolean> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ') || line.startsWith('-') || line.startsWith('#')) continue;
    const m = /^([A-Za-z][A-Za-z0-9_]*):(?: (.*))?$/.exec(line);
    if (!m) return null;
    const raw = (m[2] ?? '').trim();
    if (raw === '') continue; // a nested block follows
    if (/^[|>&*!{[%@`]/.test(raw) || / #/.test(raw)) return null;
    if (raw.startsWith('"')) {
      try {
        out[m[1]] = JSON.parse(raw) as string;
      } catch {
        return null;
      }
    } else if (raw.startsWith("'")) {
      if (!raw.endsWith("'") || raw.length < 2) return null;
      out[m[1]] = raw.slice(1, -1).replace(/''/g, "'");
    } else if (/^-?(0|[1-9][0-9]*)$/.test(raw)) out[m[1]] = Number(raw);
    else if (raw === 'true' || raw === 'false') out[m[1]] = raw === 'true';
    else if (/^(null|~|-?[0-9.]+(e[+-]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$/i.test(raw)) return null;
    else out[m[1]] = raw;
  }
  return out;
}

/** cosi.linkStatuses, with the flat-YAML fast path. */
async function linkStatuses(t: NodeTarget, opts: { deadlineMs: number; signal?: AbortSignal }): Promise<cosi.LinkStatus[]> {
  const kind = cosi.Kinds.links;
  const out: cosi.LinkStatus[] = [];
  for await (const msg of t.stream(State.method.list, { namespace: kind.namespace, type: kind.type }, opts)) {
    const id = msg.resource?.metadata?.id;
    if (id === undefined) continue;
    const text = msg.resource?.spec?.yamlSpec ?? '';
    let spec: cosi.LinkStatusSpec | null = flatYaml(text);
    if (spec === null) spec = cosi.toCosiResource<cosi.LinkStatusSpec | null>(msg.resource, t.node).spec;
    out.push({ ...(spec ?? {}), id });
  }
  return out;
}

/** The MachineStatus stage, with the flat-YAML fast path (only the top-level `stage` is needed). */
async function machineStage(t: NodeTarget, opts: { deadlineMs: number; signal?: AbortSignal }): Promise<string> {
  const kind = cosi.Kinds.machineStatus;
  const reply = await t.unary(State.method.get, { namespace: kind.namespace, type: kind.type, id: 'machine' }, opts);
  const flat = reply.resource?.metadata ? flatYaml(reply.resource.spec?.yamlSpec ?? '') : null;
  if (flat !== null) return typeof flat.stage === 'string' ? flat.stage : 'unknown';
  return cosi.toCosiResource<{ stage?: string } | null>(reply.resource, t.node).spec?.stage ?? 'unknown';
}

export interface Reads {
  version: PromiseSettledResult<string | undefined>;
  stage: PromiseSettledResult<string>;
  links: PromiseSettledResult<cosi.LinkStatus[]>;
  disks: PromiseSettledResult<storage.Disk[]>;
  hostname: PromiseSettledResult<string | undefined>;
}

/**
 * The reads, in parallel. The hostname is read only over mutual TLS: a maintenance node's is a
 * random talos-xxx-yyy, not worth a fifth call on every node of a scan.
 */
export async function readFacts(t: NodeTarget, deadlineAt: number, signal: AbortSignal | undefined, withHostname: boolean): Promise<Reads> {
  const opts = () => ({ deadlineMs: Math.max(1, deadlineAt - Date.now()), signal });
  const version = async (): Promise<string | undefined> => {
    try {
      return (await machine.version(t, opts())).version?.tag || undefined;
    } catch (err) {
      // Talos <= 1.12 in maintenance mode: the Versions resource often still tells.
      if (err instanceof TalosError && isMaintenanceModeRefusal(err)) {
        return (await cosi.talosVersion(t, opts()).catch(() => '')) || undefined;
      }
      throw err;
    }
  };
  const hostname = async () => {
    const r = await cosi.get<{ hostname?: string } | null>(t, cosi.Kinds.hostname, 'hostname', opts());
    return r.spec?.hostname || undefined;
  };
  const [v, s, l, d, h] = await Promise.allSettled([
    version(),
    machineStage(t, opts()),
    linkStatuses(t, opts()),
    storage.disks(t, opts()),
    withHostname ? hostname() : Promise.resolve(undefined),
  ]);
  return { version: v, stage: s, links: l, disks: d, hostname: h };
}

export function settledErrors(reads: Reads): TalosError[] {
  return Object.values(reads)
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => describeError(r.reason));
}

/** The links as the UI shows them: bond membership by name, the link's own MAC. */
export function toLinks(statuses: readonly cosi.LinkStatus[]): IdentifiedLink[] {
  const byIndex = new Map(statuses.map((l) => [l.index, l.id]));
  return statuses
    .filter((l) => l.type !== 'loopback' && l.id !== 'lo')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || (a.id < b.id ? -1 : 1))
    .map((l) => {
      const master = l.masterIndex ? byIndex.get(l.masterIndex) : undefined;
      const link: IdentifiedLink = {
        name: l.id,
        mac: normalMac(l.permanentAddr) ?? normalMac(l.hardwareAddr),
        up: l.operationalState === 'up',
        driver: l.driver ?? '',
        product: l.product ?? '',
        kind: l.kind ?? '',
      };
      if (master) link.bondMaster = master;
      if (typeof l.speedMbit === 'number' && l.speedMbit > 0) link.speedMbit = l.speedMbit;
      return link;
    });
}

function toDisks(disks: readonly storage.Disk[]): IdentifiedDisk[] {
  return disks.map((d) => ({
    name: d.deviceName.replace(/^\/dev\//, '') || d.name,
    size: Number(d.size),
    model: d.model,
    type: storage.DiskType[d.type] ?? 'UNKNOWN',
    serial: d.serial,
  }));
}

/** Fill the node's facts from whatever reads answered; the first real failure goes to `error`. */
export function applyReads(node: IdentifiedNode, reads: Reads): void {
  if (reads.version.status === 'fulfilled' && reads.version.value) node.talosVersion = reads.version.value;
  if (reads.stage.status === 'fulfilled') node.stage = reads.stage.value;
  if (reads.hostname.status === 'fulfilled' && reads.hostname.value) node.hostname = reads.hostname.value;
  if (reads.links.status === 'fulfilled') {
    node.links = toLinks(reads.links.value);
    // DESIGN.md's primary MAC rule lives in core (a bond slave's permanentAddr counts).
    Object.assign(node, primaryMac(reads.links.value.map((l) => ({ ...l, name: l.id }))));
  }
  if (reads.disks.status === 'fulfilled') node.disks = toDisks(reads.disks.value);
  const failed = settledErrors(reads).find((e) => !isMaintenanceModeRefusal(e));
  if (failed) node.error = failed.message;
}

/** One of the four reads every identification makes answered (the hostname may not have been asked). */
export function anyAnswered(reads: Reads): boolean {
  return [reads.version, reads.stage, reads.links, reads.disks].some((r) => r.status === 'fulfilled');
}
