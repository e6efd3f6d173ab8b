// What discovery found, as data: inventory matching per row, the `discover --json` object of
// DESIGN.md, the readable table and the one-line summary. Pure: shared by the pane and the CLI.
import { matchInventory, type Ambiguity, type DiscoveredNode, type MatchResult } from '../core/match.js';
import type { Inventory, InventoryNode } from '../core/inventory.js';
import type { IdentifiedDisk, IdentifiedNode } from '../talos/identify.js';
import { compareNodes } from './discover.js';

/** Talos nodes take part in inventory matching; other open ports do not. */
export function isTalos(node: Pick<IdentifiedNode, 'kind'>): boolean {
  return node.kind === 'maintenance' || node.kind === 'configured';
}

export function toDiscovered(node: IdentifiedNode): DiscoveredNode {
  return { ip: node.ip, port: node.port, maintenance: node.kind === 'maintenance', macs: node.macs, mac: node.mac };
}

/** Matching of the Talos nodes against the inventory; null without an inventory. */
export function matchNodes(nodes: readonly IdentifiedNode[], inventory: Pick<Inventory, 'nodes'> | null): MatchResult | null {
  if (!inventory) return null;
  return matchInventory(nodes.filter(isTalos).map(toDiscovered), inventory);
}

export type RowMatchState = 'matched' | 'unknown' | 'ambiguous' | 'none';

export interface RowMatch {
  state: RowMatchState;
  /** The entry it matched (matched), or the entries it could be (ambiguous). */
  names: string[];
  by?: 'mac' | 'order';
  entry?: InventoryNode;
}

const endpoint = (n: { ip: string; port: number }) => `${n.ip}:${n.port}`;

/** The match facts of one row: the matcher labels nodes "ip", or "ip:port" when IPs are shared. */
export function rowMatch(node: IdentifiedNode, match: MatchResult | null, inventory: Pick<Inventory, 'nodes'> | null): RowMatch {
  if (!match || !isTalos(node)) return { state: 'none', names: [] };
  const m = match.matched.find((x) => x.ip === node.ip && x.port === node.port);
  if (m) return { state: 'matched', names: [m.name], by: m.by, entry: inventory?.nodes.find((e) => e.name === m.name) };
  const labels = [node.ip, endpoint(node)];
  const amb = match.ambiguous.filter((a) => a.ips.some((ip) => labels.includes(ip)));
  if (amb.length > 0) return { state: 'ambiguous', names: [...new Set(amb.flatMap((a) => a.names))] };
  return { state: 'unknown', names: [] };
}

/** "matched 3 · missing 1 (w2) · unknown 1 · ambiguous 0" */
export function summaryText(
  match: (Pick<MatchResult, 'mode' | 'missing' | 'unknown' | 'ambiguous'> & { matched: readonly unknown[] }) | null,
): string {
  if (!match) return 'no inventory: nothing to match against';
  const missing = match.missing.length > 0 ? ` (${match.missing.join(', ')})` : '';
  const order = match.mode === 'order' ? ' by count order' : '';
  return `matched ${match.matched.length}${order} · missing ${match.missing.length}${missing} · unknown ${match.unknown.length} · ambiguous ${match.ambiguous.length}`;
}

/** One ambiguity in words: "w1 and w2 both match 127.0.91.104". */
export function describeAmbiguity(a: Ambiguity): string {
  return a.kind === 'entry-claimed-by-several-nodes'
    ? `${a.names[0]} matches several nodes: ${a.ips.join(', ')}`
    : `${a.ips[0]} matches several entries: ${a.names.join(', ')}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : Math.round(v * 10) / 10}${units[i]}`;
}

/** Installable disks first (a CD is the boot medium): "sda 64G, nvme0n1 192G, sr0 310M". */
export function disksText(disks: readonly Pick<IdentifiedDisk, 'name' | 'size'>[]): string {
  return disks.map((d) => `${d.name} ${formatBytes(d.size)}`).join(', ');
}

/** Short form for narrow tables: sizes of the disks that are not CDs, "64G+192G". */
export function disksShort(disks: readonly Pick<IdentifiedDisk, 'size' | 'type'>[]): string {
  const real = disks.filter((d) => d.type !== 'CD');
  return real.map((d) => formatBytes(d.size)).join('+');
}

export interface DiscoverReportInput {
  scanned: number;
  elapsedMs: number;
  nodes: readonly IdentifiedNode[];
  cancelled?: boolean;
}

export interface DiscoverJsonNode {
  ip: string;
  port: number;
  maintenance: boolean;
  talosVersion: string | null;
  mac: string | null;
  macs: string[];
  name: string | null;
  // Additions to the DESIGN.md shape (never renamed or removed):
  kind: 'maintenance' | 'configured';
  matchedBy: 'mac' | 'order' | null;
  stage: string | null;
  hostname: string | null;
  certFingerprint: string | null;
  disks: Array<{ name: string; size: number; model: string; type: string }>;
  error: string | null;
}

export interface DiscoverJson {
  scanned: number;
  elapsedMs: number;
  nodes: DiscoverJsonNode[];
  missing: string[];
  unknown: string[];
  ambiguous: Array<{ kind: Ambiguity['kind']; names: string[]; ips: string[] }>;
  // Additions:
  /** How the inventory was matched: mac, order (count fallback), none; null without an inventory. */
  matchMode: MatchResult['mode'] | null;
  note: string | null;
  /** Open ports that are not Talos (or stopped answering), with the reason. */
  otherPorts: Array<{ ip: string; port: number; kind: 'not-talos' | 'unreachable'; reason: string }>;
  cancelled: boolean;
}

/** The `discover --json` object: DESIGN.md's shape plus a few added fields. */
export function discoverJson(input: DiscoverReportInput, inventory: Pick<Inventory, 'nodes'> | null): DiscoverJson {
  const sorted = [...input.nodes].sort(compareNodes);
  const match = matchNodes(sorted, inventory);
  const nodes = sorted.filter(isTalos).map((n): DiscoverJsonNode => {
    const m = rowMatch(n, match, inventory);
    return {
      ip: n.ip,
      port: n.port,
      maintenance: n.kind === 'maintenance',
      talosVersion: n.talosVersion ?? null,
      mac: n.mac,
      macs: [...n.macs],
      name: m.state === 'matched' ? m.names[0] : null,
      kind: n.kind as 'maintenance' | 'configured',
      matchedBy: m.state === 'matched' ? (m.by ?? null) : null,
      stage: n.stage ?? null,
      hostname: n.hostname ?? null,
      certFingerprint: n.certFingerprint ?? null,
      disks: n.disks.map((d) => ({ name: d.name, size: d.size, model: d.model, type: d.type })),
      error: n.error ?? null,
    };
  });
  return {
    scanned: input.scanned,
    elapsedMs: input.elapsedMs,
    nodes,
    missing: match ? [...match.missing] : [],
    unknown: match ? [...match.unknown] : [],
    ambiguous: match ? match.ambiguous.map((a) => ({ kind: a.kind, names: [...a.names], ips: [...a.ips] })) : [],
    matchMode: match?.mode ?? null,
    note: match?.note ?? null,
    otherPorts: sorted
      .filter((n) => !isTalos(n))
      .map((n) => ({ ip: n.ip, port: n.port, kind: n.kind as 'not-talos' | 'unreachable', reason: n.error ?? '' })),
    cancelled: input.cancelled ?? false,
  };
}

/** Column text for a node's kind and stage: "maintenance", "running", "not-talos"... */
export function stateText(node: Pick<IdentifiedNode, 'kind' | 'stage'>): string {
  if (node.kind === 'configured') return node.stage ?? 'configured';
  return node.kind;
}

export function matchText(m: RowMatch): string {
  switch (m.state) {
    case 'matched':
      return m.by === 'order' ? `${m.names[0]} (order)` : m.names[0];
    case 'ambiguous':
      return `ambiguous: ${m.names.join('|')}`;
    case 'unknown':
      return 'unknown';
    case 'none':
    default:
      return '';
  }
}
