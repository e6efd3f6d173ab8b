// Secrets out of a machine config before it reaches the screen: the values Talos's own
// RedactSecrets (machinery config/container) replaces, found structurally in the YAML document tree
// of every document (v1alpha1 and the multi-doc SecretDocument kinds) and replaced in the text
// itself, so the rest of the config keeps its exact layout. Pure: text in, text out.
// Empty values stay empty, as Talos leaves them. Text that is not YAML falls back to the line pass.
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { redactLines } from './secret-lines.js';

/** What Talos's callers commonly pass to RedactSecrets, and what the console shows in a secret's place. */
export const REDACTED = '******';

// A path into a document: map keys, '*' any key of a map or item of a list.
type Path = readonly string[];

interface Rule {
  path: Path;
  /** Replaced even when empty (Talos assigns without checking: the k8s issuing CAs' keys). */
  always?: boolean;
  /** The value is a URL: only its `jointoken` query parameter is the secret (SideroLinkConfig). */
  joinToken?: boolean;
}

const vipTokens = (at: Path): Path[] => [
  [...at, 'equinixMetal', 'apiToken'],
  [...at, 'hcloud', 'apiToken'],
];
const staticKeys = (at: Path): Path => [...at, 'keys', '*', 'static', 'passphrase'];

// v1alpha1 Config.Redact: machine and cluster secrets, registries, network devices, disk encryption.
const V1ALPHA1: Rule[] = [
  ['machine', 'token'],
  ['machine', 'ca', 'key'],
  ['machine', 'registries', 'config', '*', 'auth', 'password'],
  ['machine', 'registries', 'config', '*', 'auth', 'auth'],
  ['machine', 'registries', 'config', '*', 'auth', 'identityToken'],
  ['machine', 'registries', 'config', '*', 'tls', 'clientIdentity', 'key'],
  ['machine', 'network', 'interfaces', '*', 'wireguard', 'privateKey'],
  ...vipTokens(['machine', 'network', 'interfaces', '*', 'vip']),
  ...vipTokens(['machine', 'network', 'interfaces', '*', 'vlans', '*', 'vip']),
  staticKeys(['machine', 'systemDiskEncryption', 'state']),
  staticKeys(['machine', 'systemDiskEncryption', 'ephemeral']),
  ['cluster', 'secret'],
  ['cluster', 'token'],
  ['cluster', 'aescbcEncryptionSecret'],
  ['cluster', 'secretboxEncryptionSecret'],
  ['cluster', 'serviceAccount', 'key'],
  ['cluster', 'ca', 'key'],
  ['cluster', 'aggregatorCA', 'key'],
  ['cluster', 'etcd', 'ca', 'key'],
].map((path) => ({ path }));

const volume: Rule[] = [{ path: staticKeys(['encryption']) }];

// The SecretDocument kinds and what each one's Redact replaces.
const BY_KIND: Record<string, Rule[]> = {
  KubeAggregatorCAConfig: [{ path: ['issuingCA', 'key'], always: true }],
  KubeAPIServerCAConfig: [{ path: ['issuingCA', 'key'], always: true }],
  KubeServiceAccountConfig: [{ path: ['issuer', 'privateKey'] }],
  SideroLinkConfig: [{ path: ['apiUrl'], joinToken: true }, { path: ['uniqueToken'] }],
  WireguardConfig: [{ path: ['privateKey'] }, { path: ['peers', '*', 'presharedKey'] }],
  HCloudVIPConfig: [{ path: ['apiToken'] }],
  RawVolumeConfig: volume,
  VolumeConfig: volume,
  SwapVolumeConfig: volume,
  UserVolumeConfig: volume,
  RegistryTLSConfig: [{ path: ['clientIdentity', 'key'] }],
  RegistryAuthConfig: [{ path: ['password'] }, { path: ['auth'] }, { path: ['identityToken'] }],
  DiscoveryIdentityConfig: [{ path: ['clusterSecret'] }],
};

interface Edit {
  from: number;
  to: number;
  text: string;
}

/** `config` with every secret value replaced by `replacement` (quoted as YAML when it needs to be). */
export function redactConfig(config: string, replacement = REDACTED): string {
  const docs = parseAllDocuments(config);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return redactLines(config, replacement);
  const edits: Edit[] = [];
  for (const doc of docs) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    const kind = root.get('kind') as unknown;
    // v1alpha1 by its version, or (a document the patch code also reads as v1alpha1) by its top-level keys.
    const v1alpha1 = kind === undefined && ((root.get('version') as unknown) === 'v1alpha1' || root.has('machine') || root.has('cluster'));
    const rules = typeof kind === 'string' ? BY_KIND[kind] : v1alpha1 ? V1ALPHA1 : undefined;
    for (const rule of rules ?? []) {
      for (const node of nodesAt(root, rule.path)) {
        const edit = editFor(config, node, rule, replacement);
        if (edit) edits.push(edit);
      }
    }
    // KubeEtcdEncryptionConfig: every `secret` key under config, at any depth, whatever its value.
    if (kind === 'KubeEtcdEncryptionConfig') secretsUnder(root.get('config', true), (n) => edits.push(replaceNode(config, n, replacement)));
  }
  edits.sort((a, b) => b.from - a.from);
  let out = config;
  for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

function nodesAt(node: unknown, path: Path): Node[] {
  if (path.length === 0) return node && typeof node === 'object' ? [node as Node] : [];
  const [head, ...rest] = path;
  if (isMap(node)) {
    const items = head === '*' ? node.items.map((p) => p.value) : [node.get(head!, true)];
    return items.flatMap((v) => nodesAt(v, rest));
  }
  if (isSeq(node) && head === '*') return node.items.flatMap((v) => nodesAt(v, rest));
  return [];
}

function secretsUnder(node: unknown, visit: (n: Node) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (key === 'secret' && pair.value) visit(pair.value as Node);
      else secretsUnder(pair.value, visit);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) if (isMap(item)) secretsUnder(item, visit);
  }
}

function editFor(text: string, node: Node, rule: Rule, replacement: string): Edit | null {
  if (!isScalar(node)) return null;
  const value = node.value === null || node.value === undefined ? '' : String(node.value);
  if (value === '' && !rule.always) return null;
  if (rule.joinToken) {
    const redacted = withJoinToken(value, replacement);
    return redacted === value ? null : replaceNode(text, node, redacted);
  }
  return replaceNode(text, node, replacement);
}

/** The URL with its `jointoken` query parameter's value replaced (unchanged without one). */
function withJoinToken(url: string, replacement: string): string {
  return url.replace(/([?&]jointoken=)[^&#]*/gi, (_m, name: string) => `${name}${replacement}`);
}

function replaceNode(text: string, node: Node, value: string): Edit {
  const [from, to] = node.range!;
  // A block scalar's range takes its last line break: keep it, or the next key joins this line.
  const keepBreak = text.slice(from, to).endsWith('\n') ? '\n' : '';
  return { from, to, text: `${quoted(value)}${keepBreak}` };
}

/** A YAML scalar for `value`: single-quoted, as Go's encoder writes a string starting with `*`. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
