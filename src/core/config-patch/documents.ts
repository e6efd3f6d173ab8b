// Machine config documents: the multi-document YAML stream, how a document is identified, and
// rendering back to YAML.
//
// Identity follows talosctl (pkg/machinery/config/configloader/internal/decoder/decoder.go and
// configpatcher/strategic.go): a document is `apiVersion/kind`, plus `/name` for named documents;
// a document without `kind` whose keys include machine/cluster/debug/persist is the legacy
// v1alpha1 machine config. Without the Go types, "named" means "has a top-level `name`".
import { Document, parseAllDocuments } from 'yaml';
import { yamlExpansionProblem } from '../yaml-limits.js';
import { ConfigPatchError } from './errors.js';
import { fromYaml, get, scalarText, toYaml, verbatimTag, type MapNode, type TreeNode } from './tree.js';

export const LEGACY_ID = 'v1alpha1';

export interface DocIdentity {
  /** Match key: `apiVersion/kind[/name]`, or `v1alpha1` for the legacy machine config. */
  id: string;
  /** For messages: "the v1alpha1 machine config", "HostnameConfig", "ExtensionServiceConfig foo". */
  label: string;
  legacy: boolean;
}

const LEGACY_KEYS = ['machine', 'cluster', 'debug', 'persist'];

export function identify(root: MapNode): DocIdentity | string {
  const kind = scalarText(get(root, 'kind')) ?? '';
  let apiVersion = scalarText(get(root, 'apiVersion')) ?? '';
  if (root.entries.some((e) => LEGACY_KEYS.includes(e.key))) apiVersion = apiVersion || 'v1alpha1';
  if (kind === '' && (apiVersion === 'v1alpha1' || scalarText(get(root, 'version')) === 'v1alpha1')) {
    return { id: LEGACY_ID, label: 'the v1alpha1 machine config', legacy: true };
  }
  if (kind === '') return 'it has no kind (and no machine or cluster section of a v1alpha1 config)';
  if (apiVersion === '') return `its kind ${kind} has no apiVersion`;
  const name = scalarText(get(root, 'name')) ?? '';
  return {
    id: `${apiVersion}/${kind}${name ? `/${name}` : ''}`,
    label: name ? `${kind} "${name}"` : kind,
    legacy: false,
  };
}

/** Parses a YAML stream into its document roots; null documents are skipped (as talosctl does). */
export function parseStream(text: string, name: string): { root: TreeNode; index: number }[] {
  const docs = parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: false });
  const out: { root: TreeNode; index: number }[] = [];
  docs.forEach((doc: Document, i) => {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? (err.pos ? text.slice(0, err.pos[0]).split('\n').length : undefined);
      throw new ConfigPatchError('parse', `${name} is not valid YAML${line ? ` at line ${line}` : ''}: ${err.message.replace(/\.$/, '')}`);
    }
    const tooBig = yamlExpansionProblem(doc);
    if (tooBig) throw new ConfigPatchError('parse', `${name} is refused: ${tooBig}`);
    const root = fromYaml(doc.contents, doc, docs.length > 1 ? `${name} document ${i + 1}` : name);
    if (root.kind === 'scalar' && root.value === null) return;
    out.push({ root, index: i + 1 });
  });
  return out;
}

export interface ConfigDocs {
  docs: MapNode[];
}

/** Parses a machine config (the base): every document a mapping with an identity, none twice. */
export function parseConfig(text: string, name: string): ConfigDocs {
  const seen = new Map<string, number>();
  const docs: MapNode[] = [];
  for (const { root, index } of parseStream(text, name)) {
    if (root.kind !== 'map') throw new ConfigPatchError('parse', `${name} document ${index} is ${root.kind === 'seq' ? 'a list' : 'a plain value'}, not a config document`);
    const ident = identify(root);
    if (typeof ident === 'string') throw new ConfigPatchError('parse', `${name} document ${index} cannot be identified: ${ident}`);
    const first = seen.get(ident.id);
    if (first !== undefined) throw new ConfigPatchError('parse', `${name} has ${ident.label} twice (documents ${first} and ${index})`);
    seen.set(ident.id, index);
    docs.push(root);
  }
  return { docs };
}

/** Renders documents as one YAML stream: key order as built, no line folding, `---` between. */
export function renderConfig(config: ConfigDocs): string {
  return config.docs
    .map((root) => {
      const doc = new Document(undefined, { customTags: [verbatimTag] });
      doc.contents = toYaml(root) as Document['contents'];
      return doc.toString({ lineWidth: 0, indentSeq: true });
    })
    .join('---\n');
}
