// The provisioning plan: the profile's expected machines against what the scan found, one row per
// expected node saying where it is, what will be done to it, and why not when nothing can be. Pure
// decisions; src/ops/provision-plan.ts gathers the facts (scan, rendered configs, mTLS probes).
//
// Decisions:
// - A node that answers at its target address over mTLS with the cluster's talosconfig (and carries
//   one of its MACs, when the profile lists any) is already configured: it is skipped, and its drift
//   (what the profile regenerates against what it runs) is checked instead. This is what makes a run
//   resumable and safe to repeat on a live cluster.
// - The others are matched against the maintenance nodes only (src/core/match.ts: MAC first, count
//   order when no MACs are given); a configured machine is never a candidate for an insecure apply.
// - The plan is validated as a whole before the first byte is sent: every config renders, no two
//   nodes get the same address, nothing is ambiguous, every apply is pinned to the fingerprint seen at
//   the scan (unless unpinned applies are allowed), missing machines stop the run unless running for
//   the nodes found is chosen, and exactly one control plane is bootstrapped when etcd is empty.
// - Order: control planes first, then workers, each in profile order (the runbook's order).
import { matchInventory, type DiscoveredNode } from '../match.js';
import type { Inventory, InventoryNode, Role } from '../inventory.js';

export interface ScannedNode extends DiscoveredNode {
  /** SPKI fingerprint of the maintenance certificate seen at the scan, or null. */
  readonly fingerprint: string | null;
}

export interface RenderedNode {
  readonly config: string | null;
  readonly error: string | null;
  /** The rendered config's static address, or null. */
  readonly address: string | null;
}

/** What an mTLS probe of the node's target address with the cluster's talosconfig found. */
export interface ConfiguredProbe {
  readonly answers: boolean;
  readonly macs: readonly string[];
}

export type RowState = 'found' | 'configured' | 'missing' | 'ambiguous';
export type RowAction = 'apply' | 'check-drift' | 'none';

export interface PlanRow {
  readonly name: string;
  readonly role: Role;
  readonly hostname: string;
  readonly macs: readonly string[];
  readonly state: RowState;
  /** Where it answers now: the maintenance address (ip:port) or, configured, its target. */
  readonly at: string | null;
  readonly fingerprint: string | null;
  /** Where it answers over mTLS once configured (ip). */
  readonly target: string | null;
  readonly action: RowAction;
  readonly matchedBy: 'mac' | 'order' | 'address' | null;
  /** One line for the row: why it is missing/ambiguous, or what is done. */
  readonly note: string;
}

export interface Plan {
  readonly clusterName: string;
  readonly rows: readonly PlanRow[];
  /** Name of the control plane that is bootstrapped, or null (etcd already has members, or nothing to do). */
  readonly bootstrap: string | null;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

export interface PlanInput {
  readonly profile: Inventory;
  readonly scan: readonly ScannedNode[];
  readonly rendered: ReadonlyMap<string, RenderedNode>;
  readonly configured: ReadonlyMap<string, ConfiguredProbe>;
  /** Does any configured control plane of this cluster list etcd members? */
  readonly etcdBootstrapped: boolean;
  /** Run for the nodes found only (missing machines are then a warning). */
  readonly onlyFound?: boolean;
  /** Allow an insecure apply to a node whose fingerprint the scan did not see. */
  readonly allowUnpinned?: boolean;
}

export const RESCAN_ADVICE = 'wait 30 s and rescan (nodes may still be booting)';

const endpoint = (n: { ip: string; port: number }) => `${n.ip}:${n.port}`;

function isConfigured(entry: InventoryNode, probe: ConfiguredProbe | undefined): boolean {
  if (!probe?.answers) return false;
  return entry.macs.length === 0 || probe.macs.some((m) => entry.macs.includes(m));
}

export function buildPlan(input: PlanInput): Plan {
  const { profile } = input;
  const errors: string[] = [];
  const warnings: string[] = [];
  const ordered = [...profile.nodes.filter((n) => n.role === 'controlplane'), ...profile.nodes.filter((n) => n.role === 'worker')];

  const configured = new Set(ordered.filter((e) => isConfigured(e, input.configured.get(e.name))).map((e) => e.name));
  for (const e of ordered) {
    const probe = input.configured.get(e.name);
    if (probe?.answers && !configured.has(e.name)) {
      errors.push(`${e.name}: another machine answers at ${targetOf(e, input, null)} over mTLS (its MACs ${probe.macs.join(', ') || 'unknown'} are not ${e.macs.join(', ')})`);
    }
  }
  const open = ordered.filter((e) => !configured.has(e.name));
  const maintenance = input.scan.filter((n) => n.maintenance);
  const match = matchInventory(maintenance, { nodes: open });
  if (match.mode === 'order') warnings.push(match.note ?? 'matched by count order');
  if (match.mode === 'none' && open.length > 0 && match.note) warnings.push(match.note);

  const rows: PlanRow[] = ordered.map((entry): PlanRow => {
    const base = { name: entry.name, role: entry.role, hostname: entry.hostname, macs: entry.macs };
    if (configured.has(entry.name)) {
      const target = targetOf(entry, input, null);
      return { ...base, state: 'configured', at: target, fingerprint: null, target, action: 'check-drift', matchedBy: 'address', note: 'already configured: drift is checked' };
    }
    const m = match.matched.find((x) => x.name === entry.name);
    if (m) {
      const scanned = maintenance.find((n) => n.ip === m.ip && n.port === m.port);
      const fingerprint = scanned?.fingerprint ?? null;
      return { ...base, state: 'found', at: endpoint(m), fingerprint, target: targetOf(entry, input, m.ip), action: 'apply', matchedBy: m.by, note: `apply (matched by ${m.by})` };
    }
    const ambiguity = match.ambiguous.find((a) => a.names.includes(entry.name));
    if (ambiguity) {
      const note = ambiguity.kind === 'entry-claimed-by-several-nodes' ? `ambiguous: ${ambiguity.ips.join(' and ')} all carry its MAC` : `ambiguous: ${ambiguity.ips[0]} carries the MACs of ${ambiguity.names.join(' and ')}`;
      return { ...base, state: 'ambiguous', at: null, fingerprint: null, target: entry.ip, action: 'none', matchedBy: null, note };
    }
    return { ...base, state: 'missing', at: null, fingerprint: null, target: entry.ip, action: 'none', matchedBy: null, note: `not found: ${RESCAN_ADVICE}` };
  });

  for (const row of rows) {
    if (row.action === 'none') continue;
    const r = input.rendered.get(row.name);
    if (!r || r.error || !r.config) errors.push(`${row.name}: ${r?.error ?? 'no config rendered'}`);
    // The node would come up elsewhere and never answer where it is expected.
    const ip = profile.nodes.find((n) => n.name === row.name)?.ip;
    if (r?.config && ip && row.action === 'apply' && r.address !== ip) {
      errors.push(`${row.name}: its config does not put it at ${ip} (${r.address ? `it says ${r.address}` : 'no static address'}): give its mac (the address goes on that NIC) or a patch with the address`);
    }
  }
  const byTarget = new Map<string, string>();
  for (const row of rows) {
    if (!row.target) continue;
    const other = byTarget.get(row.target);
    if (other) errors.push(`${row.name}: target address ${row.target} is also ${other}'s`);
    else byTarget.set(row.target, row.name);
  }
  const ambiguous = rows.filter((r) => r.state === 'ambiguous');
  for (const row of ambiguous) errors.push(`${row.name}: ${row.note}; nothing is applied to an ambiguous match`);
  const missing = rows.filter((r) => r.state === 'missing');
  if (missing.length > 0) {
    const sentence = `${missing.length} machine${missing.length === 1 ? '' : 's'} not found: ${missing.map((r) => r.name).join(', ')}; ${RESCAN_ADVICE}`;
    if (input.onlyFound) warnings.push(`${sentence}; running for the nodes found only`);
    else errors.push(`${sentence}, or run for the nodes found only (--only-found)`);
  }
  const unpinned = rows.filter((r) => r.action === 'apply' && !r.fingerprint);
  if (unpinned.length > 0) {
    const names = unpinned.map((r) => r.name).join(', ');
    if (input.allowUnpinned) warnings.push(`unpinned apply to ${names}: their certificates are not checked`);
    else errors.push(`no certificate fingerprint was seen for ${names}: an unpinned apply is refused unless allowed (--allow-unpinned)`);
  }

  let bootstrap: string | null = null;
  if (!input.etcdBootstrapped) {
    const cp = rows.find((r) => r.role === 'controlplane' && r.action !== 'none');
    if (cp) bootstrap = cp.name;
    else if (rows.some((r) => r.action !== 'none')) errors.push('no control plane will be configured, so etcd cannot be bootstrapped');
  }
  return { clusterName: profile.cluster?.name ?? '', rows, bootstrap, errors, warnings };
}

function targetOf(entry: InventoryNode, input: PlanInput, maintenanceIp: string | null): string | null {
  return entry.ip ?? input.rendered.get(entry.name)?.address ?? maintenanceIp;
}
