// Which expected machine is each discovered node? Pure logic over what discovery found and the
// inventory; also the MAC facts taken from a node's links, and the rescan merge.
//
// Matching by MAC: an entry and a node are linked when any MAC of the entry is among the node's
// physical MACs. Looking at the links as a graph, a pair that is only linked to each other is a
// match. Anything else that is linked (one node claiming two entries, two nodes claiming one
// entry, or chains of both) is ambiguous: every entry and node involved is reported under
// `ambiguous` and in no other list. It is never resolved by guessing, because applying a
// control-plane config to the wrong machine is the failure this screen exists to prevent.
// Entries without a link are `missing`, nodes without a link are `unknown`. In MAC mode an entry
// that has no MAC can never be found; it is listed in `missing` and in `withoutMac`.
//
// Order matching (the runbook's count fallback) happens only when NO entry has a MAC and the
// number of discovered maintenance nodes equals the number of entries: the maintenance nodes,
// sorted by address, are assigned in inventory order with by: 'order'. Configured
// (non-maintenance) nodes take no part in it and are reported as unknown. When neither rule
// applies, mode is 'none', every entry is missing, every node unknown, and `note` says why.

import { compareIp } from './targets.js';
import { normalizeMac, type Inventory } from './inventory.js';

export interface DiscoveredNode {
  readonly ip: string;
  readonly port: number;
  readonly maintenance: boolean;
  /** Every physical MAC, bond slaves' permanent addresses included. */
  readonly macs: readonly string[];
  /** Primary MAC (first physical link that is up), or null. */
  readonly mac: string | null;
}

export interface Match {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly mac: string | null;
  readonly by: 'mac' | 'order';
}

/**
 * One ambiguity. entry-claimed-by-several-nodes: `names` has the one entry, `ips` the nodes
 * whose MACs all point at it. node-claims-several-entries: `ips` has the one node, `names` the
 * entries whose MACs it carries. Nodes are labelled as in `unknown`.
 */
export interface Ambiguity {
  readonly kind: 'entry-claimed-by-several-nodes' | 'node-claims-several-entries';
  readonly names: readonly string[];
  readonly ips: readonly string[];
}

export interface MatchResult {
  readonly mode: 'mac' | 'order' | 'none';
  readonly matched: readonly Match[];
  /** Expected entries not found, in inventory order. */
  readonly missing: readonly string[];
  /**
   * Found nodes that match no entry, by address. A node is labelled "ip:port" instead of "ip"
   * only when several discovered nodes share its IP (fake nodes on one loopback address).
   */
  readonly unknown: readonly string[];
  readonly ambiguous: readonly Ambiguity[];
  /** MAC mode: entries that have no MAC and so cannot be matched (also in `missing`). */
  readonly withoutMac: readonly string[];
  /** Why matching was limited, for the UI label; null when nothing needs saying. */
  readonly note: string | null;
}

function compareNodes(a: DiscoveredNode, b: DiscoveredNode): number {
  return compareIp(a.ip, b.ip) || a.port - b.port;
}

/** "ip", or "ip:port" when another discovered node has the same IP. */
function labeller(nodes: readonly DiscoveredNode[]): (node: DiscoveredNode) => string {
  const perIp = new Map<string, number>();
  for (const node of nodes) perIp.set(node.ip, (perIp.get(node.ip) ?? 0) + 1);
  return (node) => ((perIp.get(node.ip) ?? 0) > 1 ? `${node.ip}:${node.port}` : node.ip);
}

function nodeMacs(node: DiscoveredNode): Set<string> {
  const macs = new Set<string>();
  for (const mac of [...node.macs, node.mac]) {
    const normal = mac ? normalizeMac(mac) : null;
    if (normal) macs.add(normal);
  }
  return macs;
}

type Entries = Inventory['nodes'];

function matchByMac(nodes: readonly DiscoveredNode[], entries: Entries): MatchResult {
  const label = labeller(nodes);
  const entryOfMac = new Map<string, number>();
  entries.forEach((entry, index) => entry.macs.forEach((mac) => entryOfMac.set(mac, index)));

  // Edges of the bipartite graph, both directions, each list without duplicates.
  const entriesOfNode: number[][] = nodes.map((node) => {
    const claimed = new Set<number>();
    for (const mac of nodeMacs(node)) {
      const entry = entryOfMac.get(mac);
      if (entry !== undefined) claimed.add(entry);
    }
    return [...claimed].sort((a, b) => a - b);
  });
  const nodesOfEntry: number[][] = entries.map(() => []);
  entriesOfNode.forEach((claimed, node) => claimed.forEach((entry) => nodesOfEntry[entry].push(node)));

  const matched: Match[] = [];
  const ambiguous: Ambiguity[] = [];
  const ambiguousNodes = new Set<number>();
  const ambiguousEntries = new Set<number>();

  entries.forEach((entry, e) => {
    const claimers = nodesOfEntry[e];
    if (claimers.length > 1) {
      ambiguous.push({
        kind: 'entry-claimed-by-several-nodes',
        names: [entry.name],
        ips: claimers.map((n) => nodes[n]).sort(compareNodes).map(label),
      });
    }
  });
  nodes.forEach((node, n) => {
    const claimed = entriesOfNode[n];
    if (claimed.length > 1) {
      ambiguous.push({ kind: 'node-claims-several-entries', names: claimed.map((e) => entries[e].name), ips: [label(node)] });
    }
  });
  // Everything linked to a vertex of degree > 1 is part of an ambiguous component. In a connected
  // bipartite graph with more than one edge every vertex is, or neighbours, such a vertex.
  entries.forEach((_, e) => {
    if (nodesOfEntry[e].length > 1) {
      ambiguousEntries.add(e);
      nodesOfEntry[e].forEach((n) => ambiguousNodes.add(n));
    }
  });
  nodes.forEach((_, n) => {
    if (entriesOfNode[n].length > 1) {
      ambiguousNodes.add(n);
      entriesOfNode[n].forEach((e) => ambiguousEntries.add(e));
    }
  });

  const found = new Set<number>();
  entries.forEach((entry, e) => {
    if (ambiguousEntries.has(e) || nodesOfEntry[e].length === 0) return;
    const n = nodesOfEntry[e][0];
    if (ambiguousNodes.has(n)) return;
    const node = nodes[n];
    found.add(n);
    const shared = entry.macs.find((mac) => nodeMacs(node).has(mac)) ?? null;
    // The MAC that proved the match, e.g. a bond slave's permanent address.
    matched.push({ name: entry.name, ip: node.ip, port: node.port, mac: shared, by: 'mac' });
  });

  const missing = entries.filter((_, e) => !ambiguousEntries.has(e) && nodesOfEntry[e].length === 0).map((x) => x.name);
  const unknown = nodes
    .filter((_, n) => !found.has(n) && !ambiguousNodes.has(n))
    .sort(compareNodes)
    .map(label);
  const withoutMac = entries.filter((entry) => entry.macs.length === 0).map((x) => x.name);
  const note =
    withoutMac.length > 0
      ? `${withoutMac.length} inventory entr${withoutMac.length === 1 ? 'y has' : 'ies have'} no MAC and cannot be matched: ${withoutMac.join(', ')}`
      : null;
  return { mode: 'mac', matched, missing, unknown, ambiguous, withoutMac, note };
}

function matchByOrder(nodes: readonly DiscoveredNode[], entries: Entries): MatchResult {
  const label = labeller(nodes);
  const maintenance = nodes.filter((n) => n.maintenance).sort(compareNodes);
  if (maintenance.length !== entries.length) {
    return {
      mode: 'none',
      matched: [],
      missing: entries.map((e) => e.name),
      unknown: [...nodes].sort(compareNodes).map(label),
      ambiguous: [],
      withoutMac: [],
      note:
        `the inventory has no MACs and ${maintenance.length} maintenance node${maintenance.length === 1 ? ' was' : 's were'} ` +
        `found for ${entries.length} expected: count-order matching needs equal counts`,
    };
  }
  const matched: Match[] = maintenance.map((node, i) => ({
    name: entries[i].name,
    ip: node.ip,
    port: node.port,
    mac: node.mac,
    by: 'order',
  }));
  return {
    mode: 'order',
    matched,
    missing: [],
    unknown: nodes.filter((n) => !n.maintenance).sort(compareNodes).map(label),
    ambiguous: [],
    withoutMac: [],
    note: 'matched by count order (the inventory has no MACs): lowest address to first entry; check before applying',
  };
}

/** Matches discovered nodes against the inventory entries (see the rules at the top of this file). */
export function matchInventory(nodes: readonly DiscoveredNode[], inventory: Pick<Inventory, 'nodes'>): MatchResult {
  const entries = inventory.nodes;
  return entries.some((e) => e.macs.length > 0) ? matchByMac(nodes, entries) : matchByOrder(nodes, entries);
}

/** The parts of a LinkStatuses.net.talos.dev resource (id + parsed yaml_spec) this module reads. */
export interface LinkFacts {
  /** The resource id, i.e. the link name. */
  readonly name: string;
  readonly type?: string;
  readonly kind?: string;
  readonly hardwareAddr?: string;
  readonly permanentAddr?: string;
  readonly operationalState?: string;
  readonly masterIndex?: number;
  readonly index?: number;
}

const NO_MAC = '00:00:00:00:00:00';

/**
 * MACs of a node from its links. Physical links are type "ether" with an empty kind (bonds,
 * VLANs, bridges are logical), the same test Talos uses. A link's MAC is its permanentAddr when
 * that is set and non-zero, else its hardwareAddr: a bond slave's hardwareAddr is borrowed from
 * the bond, and virtual NICs often report no permanent address. Links are taken in kernel index
 * order (name breaks ties), the order the kernel enumerated the NICs; the primary MAC is the
 * first physical link whose operationalState is "up", or null when none is up.
 */
export function primaryMac(links: readonly LinkFacts[]): { mac: string | null; macs: string[] } {
  const physical = links
    .filter((l) => l.type === 'ether' && (l.kind ?? '') === '')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const macs: string[] = [];
  let mac: string | null = null;
  for (const link of physical) {
    const permanent = link.permanentAddr ? normalizeMac(link.permanentAddr) : null;
    const own = permanent && permanent !== NO_MAC ? permanent : link.hardwareAddr ? normalizeMac(link.hardwareAddr) : null;
    if (!own || own === NO_MAC) continue;
    if (!macs.includes(own)) macs.push(own);
    if (mac === null && link.operationalState === 'up') mac = own;
  }
  return { mac, macs };
}

/** What mergeScan needs from a row; rows may carry anything else. */
export interface ScanRowKey {
  readonly ip: string;
  readonly port: number;
  readonly macs: readonly string[];
  readonly mac?: string | null;
}

export interface MergedRow<T> {
  readonly row: T;
  /** kept: same machine, same address; moved: same machine (by MAC) at a new address;
   *  new: not seen before; gone: seen before, not in this scan (row holds the old data). */
  readonly state: 'kept' | 'moved' | 'new' | 'gone';
  /** For moved rows: the previous "ip:port". */
  readonly movedFrom?: string;
}

function rowMacs(row: ScanRowKey): Set<string> {
  const macs = new Set<string>();
  for (const mac of [...row.macs, row.mac]) {
    const normal = mac ? normalizeMac(mac) : null;
    if (normal) macs.add(normal);
  }
  return macs;
}

const endpointOf = (row: ScanRowKey): string => `${row.ip}:${row.port}`;

/**
 * Merges a rescan into the previous rows so the table does not jump: previous rows keep their
 * positions (updated with the new data, or marked gone), new machines are appended in the
 * order of `next`. A machine is the same when a MAC is shared (so a node that moved from its
 * DHCP address to its static one after apply keeps its row), or, when MACs do not tell (one
 * side has none), when the address and port are the same. The same address with a different
 * MAC is a different machine.
 */
export function mergeScan<T extends ScanRowKey>(previous: readonly T[], next: readonly T[]): MergedRow<T>[] {
  const nextMacs = next.map(rowMacs);
  const used = new Set<number>();
  const pairedWith: Array<number | undefined> = [];

  // Pass 1: by MAC. Prefer the candidate at the same endpoint (a machine answering on two
  // addresses, such as a VIP holder, keeps its own row).
  previous.forEach((row, p) => {
    const macs = rowMacs(row);
    if (macs.size === 0) return;
    let choice: number | undefined;
    next.forEach((candidate, n) => {
      if (used.has(n) || ![...macs].some((m) => nextMacs[n].has(m))) return;
      if (choice === undefined || (endpointOf(candidate) === endpointOf(row) && endpointOf(next[choice]) !== endpointOf(row))) {
        choice = n;
      }
    });
    if (choice !== undefined) {
      used.add(choice);
      pairedWith[p] = choice;
    }
  });

  // Pass 2: by endpoint, only when MACs cannot disagree.
  const byEndpoint = new Map<string, number>();
  next.forEach((row, n) => {
    if (!byEndpoint.has(endpointOf(row))) byEndpoint.set(endpointOf(row), n);
  });
  previous.forEach((row, p) => {
    if (pairedWith[p] !== undefined) return;
    const n = byEndpoint.get(endpointOf(row));
    if (n === undefined || used.has(n)) return;
    if (rowMacs(row).size > 0 && nextMacs[n].size > 0) return; // both known and different
    used.add(n);
    pairedWith[p] = n;
  });

  const merged: MergedRow<T>[] = previous.map((row, p) => {
    const n = pairedWith[p];
    if (n === undefined) return { row, state: 'gone' };
    const now = next[n];
    return endpointOf(now) === endpointOf(row)
      ? { row: now, state: 'kept' }
      : { row: now, state: 'moved', movedFrom: endpointOf(row) };
  });
  next.forEach((row, n) => {
    if (!used.has(n)) merged.push({ row, state: 'new' });
  });
  return merged;
}
