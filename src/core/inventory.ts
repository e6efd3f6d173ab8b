// The inventory / cluster profile: the machines an admin expects to find (and, for provisioning, how
// to configure them), parsed from YAML text the caller read. One parser for three shapes: the older
// inventory (below), the cluster profile (its superset, see DESIGN.md "Cluster profile": cluster
// versions, secrets, scan, role patches, hostnames), and a talhelper talconfig.yaml (recognised by
// its top-level clusterName, converted by core/talconfig.ts, then validated here like the others).
//
//   cluster: { name: prod-1, endpoint: https://127.0.10.15:6443 }   # optional
//   configDir: ./talos                                              # optional
//   nodes:
//     - name: cp1
//       role: controlplane            # controlplane | worker (required)
//       mac: "02:54:00:00:01:51"      # optional; or `macs: [..]` for a machine with several NICs
//       address: 127.0.10.11/24       # optional static address, CIDR form
//       patches: [patches/cp1.yaml]   # optional, a path or a list of paths
//
// Decisions:
// - MACs are accepted as aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff in either case and stored
//   lower-case colon form. All-zero, broadcast and multicast addresses are refused: no NIC has them.
// - A machine with two NICs may list `macs:`; matching accepts any of them. `mac` and `macs` on
//   the same entry is refused (which one did the admin mean?).
// - Unknown keys are refused at every level so a typo (`adress:`) does not silently drop data.
// - Every error is one sentence naming the source and the entry, e.g.
//   "inventory.yaml: nodes[2] (w1): mac 02:54:00:00:01:51 is already used by nodes[0] (cp1)".

import { parseDocument } from 'yaml';
import { yamlExpansionProblem } from './yaml-limits.js';
import { parseTargets, TargetError, tryParseIp } from './targets.js';
import { isTalconfig, talconfigToProfile } from './talconfig.js';

export type Role = 'controlplane' | 'worker';

export interface InventoryNode {
  readonly name: string;
  readonly role: Role;
  /** Normalised MACs, possibly empty. */
  readonly macs: readonly string[];
  /** The first MAC, or null. */
  readonly mac: string | null;
  /** Static address in CIDR form as normalised text ("127.0.10.11/24"), or null. */
  readonly address: string | null;
  /** The address without its prefix, or null. */
  readonly ip: string | null;
  readonly patches: readonly string[];
  /** The hostname the node's config gets: `hostname:`, else the name. */
  readonly hostname: string;
  /** Per-node install disk (talhelper's installDisk), or null for the cluster's. */
  readonly installDisk: string | null;
}

export interface ClusterSpec {
  readonly name: string;
  readonly endpoint: string;
  /** The version contract (seed 000), e.g. "v1.13"; null when not given. */
  readonly talosVersion: string | null;
  readonly kubernetesVersion: string | null;
  readonly installDisk: string | null;
  readonly installImage: string | null;
}

/** Patch files by scope, applied in this order before the node's own. */
export interface ProfilePatches {
  readonly all: readonly string[];
  readonly controlplane: readonly string[];
  readonly worker: readonly string[];
}

export interface Inventory {
  readonly source: string;
  readonly cluster: ClusterSpec | null;
  readonly configDir: string | null;
  /** Secrets bundle for native generation (relative to the file), or null. */
  readonly secrets: string | null;
  /** Where maintenance nodes are looked for (target specs as `discover` takes them). */
  readonly scan: readonly string[];
  readonly patches: ProfilePatches;
  /** 'talhelper' when read from a talconfig.yaml. */
  readonly format: 'inventory' | 'talhelper';
  /** Things read but not used (talhelper keys talos-tui ignores), one sentence each. */
  readonly warnings: readonly string[];
  readonly nodes: readonly InventoryNode[];
}

/** What an entry needs of its inventory once parsed: where its relative paths start (the file) and the base it names. */
export type InventoryOrigin = Pick<Inventory, 'source' | 'configDir' | 'secrets'>;

export class InventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InventoryError';
  }
}

const MAC_PATTERN = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** Lower-case colon form, or null when `text` is not a 6-byte MAC in colon or dash form. */
export function normalizeMac(text: string): string | null {
  const trimmed = text.trim();
  if (!MAC_PATTERN.test(trimmed)) return null;
  return trimmed.toLowerCase().replace(/-/g, ':');
}

/** Why a syntactically valid MAC cannot be a NIC's address, or null when it can. */
function unusableMacReason(mac: string): string | null {
  if (mac === '00:00:00:00:00:00') return 'is all zeros';
  if (mac === 'ff:ff:ff:ff:ff:ff') return 'is the broadcast address';
  if (parseInt(mac.slice(0, 2), 16) & 1) return 'is a multicast address, not a network card\'s';
  return null;
}

const TOP_KEYS = ['cluster', 'configDir', 'secrets', 'scan', 'patches', 'nodes'];
const CLUSTER_KEYS = ['name', 'endpoint', 'talosVersion', 'kubernetesVersion', 'installDisk', 'installImage'];
const NODE_KEYS = ['name', 'role', 'mac', 'macs', 'address', 'hostname', 'installDisk', 'patches'];
const PATCH_SCOPES = ['all', 'controlplane', 'worker'];
const HOSTNAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Edit distance, to suggest the intended key for a typo. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function rejectUnknownKeys(where: string, object: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (allowed.includes(key)) continue;
    const close = allowed.find((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
    const hint = close ? ` (did you mean "${close}"?)` : ` (expected ${allowed.join(', ')})`;
    throw new InventoryError(`${where}: unknown key "${key}"${hint}`);
  }
}

function parseMacs(where: string, raw: Record<string, unknown>): string[] {
  if (raw.mac !== undefined && raw.macs !== undefined) {
    throw new InventoryError(`${where}: give either "mac" or "macs", not both`);
  }
  const given = raw.mac !== undefined ? [raw.mac] : raw.macs;
  if (given === undefined || given === null) return [];
  if (raw.macs !== undefined && !Array.isArray(given)) {
    throw new InventoryError(`${where}: "macs" must be a list of MAC addresses`);
  }
  const macs: string[] = [];
  for (const value of given as unknown[]) {
    if (typeof value !== 'string') {
      throw new InventoryError(`${where}: mac ${String(value)} must be a quoted string like "02:54:00:00:01:51"`);
    }
    const mac = normalizeMac(value);
    if (mac === null) {
      throw new InventoryError(`${where}: mac "${value}" is not a MAC address (expected six hex pairs like 02:54:00:00:01:51)`);
    }
    const unusable = unusableMacReason(mac);
    if (unusable) throw new InventoryError(`${where}: mac ${mac} ${unusable}`);
    if (macs.includes(mac)) throw new InventoryError(`${where}: mac ${mac} is listed twice`);
    macs.push(mac);
  }
  return macs;
}

function parseAddress(where: string, value: unknown): { address: string; ip: string } | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value.trim() : '';
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  const prefix = match ? Number(match[2]) : -1;
  if (!match || tryParseIp(match[1]) === null || prefix < 1 || prefix > 32) {
    throw new InventoryError(
      `${where}: address ${JSON.stringify(value)} must be an IPv4 address with a prefix length 1-32, like 127.0.10.11/24`,
    );
  }
  return { address: `${match[1]}/${prefix}`, ip: match[1] };
}

function parsePatches(where: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new InventoryError(`${where}: patches must be a path or a list of paths`);
    }
  }
  return list as string[];
}

function parseNode(source: string, index: number, raw: unknown): InventoryNode {
  const position = `${source}: nodes[${index}]`;
  if (!isPlainObject(raw)) throw new InventoryError(`${position} must be a mapping with name and role`);
  const name = raw.name;
  const hasName = typeof name === 'string' && name.trim() !== '';
  const where = hasName ? `${position} (${name})` : position;
  // Before "name is required": a typo such as `nmae:` deserves the key hint.
  rejectUnknownKeys(where, raw, NODE_KEYS);
  if (!hasName) throw new InventoryError(`${position}: "name" is required`);
  if (!NAME_PATTERN.test(name)) {
    throw new InventoryError(`${where}: name must be 1-63 letters, digits, dots, dashes or underscores`);
  }
  if (raw.role !== 'controlplane' && raw.role !== 'worker') {
    const got = raw.role === undefined ? 'is missing' : `${JSON.stringify(raw.role)} is not valid`;
    throw new InventoryError(`${where}: role ${got} (expected controlplane or worker)`);
  }
  const macs = parseMacs(where, raw);
  const address = parseAddress(where, raw.address);
  // The default is checked by validateProfile (an older inventory's name need not be a hostname).
  const hostname = typeof raw.hostname === 'string' ? raw.hostname : name.toLowerCase();
  if (raw.hostname !== undefined && (typeof raw.hostname !== 'string' || !isHostname(hostname))) {
    throw new InventoryError(`${where}: hostname ${JSON.stringify(raw.hostname)} is not a valid hostname (lower-case letters, digits, dashes, dots)`);
  }
  return {
    name,
    role: raw.role,
    macs,
    mac: macs[0] ?? null,
    address: address?.address ?? null,
    ip: address?.ip ?? null,
    patches: parsePatches(where, raw.patches),
    hostname,
    installDisk: optionalText(where, 'installDisk', raw.installDisk),
  };
}

export function isHostname(text: string): boolean {
  return HOSTNAME_PATTERN.test(text) && text.length <= 253;
}

function optionalText(where: string, key: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') throw new InventoryError(`${where}: ${key} must be a non-empty string`);
  return value.trim();
}

function parseScopedPatches(source: string, raw: unknown): ProfilePatches {
  if (raw === undefined || raw === null) return { all: [], controlplane: [], worker: [] };
  if (!isPlainObject(raw)) throw new InventoryError(`${source}: patches must be a mapping with all, controlplane and worker lists`);
  rejectUnknownKeys(`${source}: patches`, raw, PATCH_SCOPES);
  return {
    all: parsePatches(`${source}: patches.all`, raw.all),
    controlplane: parsePatches(`${source}: patches.controlplane`, raw.controlplane),
    worker: parsePatches(`${source}: patches.worker`, raw.worker),
  };
}

function parseScan(source: string, raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const specs = list.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') throw new InventoryError(`${source}: scan must be a list of addresses, ranges or CIDRs`);
    return item.trim();
  });
  try {
    parseTargets(specs);
  } catch (err) {
    if (err instanceof TargetError) throw new InventoryError(`${source}: scan: ${err.message}`);
    throw err;
  }
  return specs;
}

function parseCluster(source: string, raw: unknown): Inventory['cluster'] {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) throw new InventoryError(`${source}: cluster must be a mapping with name and endpoint`);
  rejectUnknownKeys(`${source}: cluster`, raw, CLUSTER_KEYS);
  if (typeof raw.name !== 'string' || raw.name.trim() === '') {
    throw new InventoryError(`${source}: cluster.name is required`);
  }
  const endpoint = raw.endpoint;
  let url: URL | null = null;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : null;
  } catch {
    url = null;
  }
  if (url === null || url.protocol !== 'https:') {
    throw new InventoryError(
      `${source}: cluster.endpoint ${JSON.stringify(endpoint)} must be an https URL like https://127.0.10.15:6443`,
    );
  }
  const where = `${source}: cluster`;
  return {
    name: raw.name,
    endpoint: endpoint as string,
    talosVersion: parseContract(where, raw.talosVersion),
    kubernetesVersion: optionalText(where, 'kubernetesVersion', raw.kubernetesVersion)?.replace(/^v/, '') ?? null,
    installDisk: optionalText(where, 'installDisk', raw.installDisk),
    installImage: optionalText(where, 'installImage', raw.installImage),
  };
}

/** "v1.13", "1.13" or "v1.13.9" -> "v1.13" (the contract is major.minor). */
function parseContract(where: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const m = typeof value === 'string' || typeof value === 'number' ? /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(String(value).trim()) : null;
  if (!m) throw new InventoryError(`${where}: talosVersion ${JSON.stringify(value)} must be a Talos version like v1.13`);
  return `v${m[1]}.${m[2]}`;
}

/** Throws InventoryError naming both entries when a name or MAC appears twice. */
function rejectDuplicates(source: string, nodes: readonly InventoryNode[]): void {
  const names = new Map<string, number>();
  const macs = new Map<string, number>();
  nodes.forEach((node, index) => {
    const where = `${source}: nodes[${index}] (${node.name})`;
    const sameName = names.get(node.name);
    if (sameName !== undefined) {
      throw new InventoryError(`${where}: name ${node.name} is already used by nodes[${sameName}]`);
    }
    names.set(node.name, index);
    for (const mac of node.macs) {
      const owner = macs.get(mac);
      if (owner !== undefined) {
        throw new InventoryError(`${where}: mac ${mac} is already used by nodes[${owner}] (${nodes[owner].name})`);
      }
      macs.set(mac, index);
    }
  });
}

/** Parses and validates inventory YAML. `sourceName` (usually the file path) prefixes every error. */
export function parseInventory(text: string, sourceName: string): Inventory {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [firstError] = doc.errors;
  if (firstError) {
    throw new InventoryError(`${sourceName}: invalid YAML: ${firstError.message.split(':\n')[0]}`);
  }
  const tooBig = yamlExpansionProblem(doc);
  if (tooBig) throw new InventoryError(`${sourceName} is refused: ${tooBig}`);
  const parsed: unknown = doc.toJS();
  const talhelper = isTalconfig(parsed);
  let root: unknown = parsed;
  let warnings: string[] = [];
  if (talhelper) {
    try {
      ({ profile: root, warnings } = talconfigToProfile(parsed));
    } catch (err) {
      throw new InventoryError(`${sourceName}: ${(err as Error).message}`);
    }
  }
  if (!isPlainObject(root)) {
    throw new InventoryError(`${sourceName}: expected a mapping with a "nodes" list at the top`);
  }
  rejectUnknownKeys(sourceName, root, TOP_KEYS);
  if (!Array.isArray(root.nodes) || root.nodes.length === 0) {
    throw new InventoryError(`${sourceName}: "nodes" must be a non-empty list of expected machines`);
  }
  const configDir = optionalPath(sourceName, 'configDir', 'a directory path', root.configDir);
  const secrets = optionalPath(sourceName, 'secrets', 'the path of a secrets bundle (secrets.yaml)', root.secrets);
  const cluster = parseCluster(sourceName, root.cluster);
  const nodes = root.nodes.map((raw, index) => parseNode(sourceName, index, raw));
  rejectDuplicates(sourceName, nodes);
  return {
    source: sourceName,
    cluster,
    configDir,
    secrets,
    scan: parseScan(sourceName, root.scan),
    patches: parseScopedPatches(sourceName, root.patches),
    format: talhelper ? 'talhelper' : 'inventory',
    warnings,
    nodes,
  };
}

function optionalPath(source: string, key: string, what: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') throw new InventoryError(`${source}: ${key} must be ${what}`);
  return value;
}

/** True when at least one entry carries a MAC, i.e. matching is by MAC. */
export function inventoryHasMacs(inventory: Pick<Inventory, 'nodes'>): boolean {
  return inventory.nodes.some((n) => n.macs.length > 0);
}
