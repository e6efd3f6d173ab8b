// The in-memory form of a machine config document: ordered mappings, lists and scalars.
//
// Mappings keep their key order (a plain JS object would move integer-like keys such as a label
// "1" to the front), scalars keep the `yaml` Scalar they came from so that quoting, block literals
// (`|` for inline manifests) and number formats survive a render. Comments are not kept.
// A plain scalar that is not a string (a number, a boolean, null) is written back exactly as it was
// written when unchanged: `yaml` would turn `1e999999` into `.inf` and `1.0e3` into `1000`, while
// talosctl hands the text to the Go type it decodes into. Values `yaml` turns into objects (`!!binary`
// and other tags) are kept as their tagged source text, never decoded.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { ConfigPatchError } from './errors.js';

export type ScalarValue = null | boolean | number | bigint | string;

export interface ScalarNode {
  kind: 'scalar';
  value: ScalarValue;
  /** The parsed scalar, for its presentation (quotes, `|`, hex); absent for values made here. */
  style?: Scalar;
  /** The text to write back while the value is unchanged (see the header); set only when needed. */
  verbatim?: string;
}
export interface MapEntry {
  key: string;
  keyStyle?: Scalar;
  value: TreeNode;
}
export interface MapNode {
  kind: 'map';
  entries: MapEntry[];
}
export interface SeqNode {
  kind: 'seq';
  items: TreeNode[];
}
export type TreeNode = MapNode | SeqNode | ScalarNode;

export const scalar = (value: ScalarValue): ScalarNode => ({ kind: 'scalar', value });

export function isNull(n: TreeNode | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.value === null);
}

export function getEntry(map: MapNode, key: string): MapEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

export function get(map: MapNode, key: string): TreeNode | undefined {
  return getEntry(map, key)?.value;
}

/** Sets a key in place when it exists (keeping its position), else appends it. */
export function set(map: MapNode, key: string, value: TreeNode): void {
  const e = getEntry(map, key);
  if (e) e.value = value;
  else map.entries.push({ key, value });
}

export function removeKey(map: MapNode, key: string): boolean {
  const i = map.entries.findIndex((e) => e.key === key);
  if (i < 0) return false;
  map.entries.splice(i, 1);
  return true;
}

/** A scalar as text for comparisons (`vlanId: 100` and `"100"` compare equal); '' for anything else. */
export function scalarText(n: TreeNode | undefined): string | undefined {
  if (n === undefined || n.kind !== 'scalar' || n.value === null) return undefined;
  return String(n.value);
}

export function clone<T extends TreeNode>(n: T): T {
  switch (n.kind) {
    case 'map':
      return { kind: 'map', entries: n.entries.map((e) => ({ key: e.key, keyStyle: e.keyStyle, value: clone(e.value) })) } as T;
    case 'seq':
      return { kind: 'seq', items: n.items.map(clone) } as T;
    case 'scalar':
    default:
      return { ...n };
  }
}

function sameScalar(a: ScalarValue, b: ScalarValue): boolean {
  const num = (v: ScalarValue) => typeof v === 'number' || typeof v === 'bigint';
  if (num(a) && num(b)) return typeof a === typeof b ? a === b : Number(a) === Number(b);
  return a === b;
}

/** JSON equality: mappings compare as key sets (order does not matter), lists in order. */
export function deepEqual(a: TreeNode, b: TreeNode): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'scalar') return sameScalar(a.value, (b as ScalarNode).value);
  if (a.kind === 'seq') {
    const bs = b as SeqNode;
    return a.items.length === bs.items.length && a.items.every((x, i) => deepEqual(x, bs.items[i]));
  }
  const bm = b as MapNode;
  if (a.entries.length !== bm.entries.length) return false;
  return a.entries.every((e) => {
    const other = get(bm, e.key);
    return other !== undefined && deepEqual(e.value, other);
  });
}

export function describeKind(n: TreeNode | undefined): string {
  if (n === undefined) return 'nothing';
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'null';
  return `a ${typeof n.value === 'bigint' ? 'number' : typeof n.value}`;
}

/** Converts a parsed `yaml` node, resolving aliases; `where` names the input for errors. */
export function fromYaml(node: unknown, doc: Document, where: string, depth = 0): TreeNode {
  if (depth > 200) throw new ConfigPatchError('parse', `${where} nests too deeply (or has a recursive alias)`);
  if (node === null || node === undefined) return scalar(null);
  if (isAlias(node)) return fromYaml(node.resolve(doc), doc, where, depth + 1);
  if (isScalar(node)) {
    const v = node.value;
    const source = node.source ?? String(v);
    const primitive = v === null || v === undefined || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string';
    if (!primitive) {
      // `!!binary` (a Buffer), or another tag `yaml` decodes into an object: keep it as written.
      const tag = node.tag?.startsWith('tag:yaml.org,2002:') ? `!!${node.tag.slice('tag:yaml.org,2002:'.length)}` : node.tag ? `!<${node.tag}>` : '';
      return { kind: 'scalar', value: source, verbatim: `${tag} ${JSON.stringify(source)}`.trim() };
    }
    const value = (v ?? null) as ScalarValue;
    const verbatim = typeof value !== 'string' && node.type === 'PLAIN' && !node.tag && node.source !== undefined ? node.source : undefined;
    return verbatim !== undefined && verbatim !== '' ? { kind: 'scalar', value, style: node, verbatim } : { kind: 'scalar', value, style: node };
  }
  if (isSeq(node)) return { kind: 'seq', items: node.items.map((i) => fromYaml(i, doc, where, depth + 1)) };
  if (isMap(node)) {
    const entries: MapEntry[] = [];
    for (const pair of node.items) {
      let k: unknown = pair.key;
      if (isAlias(k)) k = k.resolve(doc);
      if (k !== null && k !== undefined && !isScalar(k)) {
        throw new ConfigPatchError('parse', `${where} has a mapping key that is not a plain value (line ${lineOf(k, doc) ?? '?'})`);
      }
      const key = k === null || k === undefined ? '' : String((k as Scalar).value ?? '');
      const value = fromYaml(pair.value, doc, where, depth + 1);
      entries.push({ key, keyStyle: isScalar(k) ? k : undefined, value });
    }
    return { kind: 'map', entries };
  }
  throw new ConfigPatchError('parse', `${where} holds a YAML node this tool does not understand`);
}

function lineOf(node: unknown, doc: Document): number | undefined {
  const range = (node as { range?: [number, number, number] }).range;
  if (!range) return undefined;
  const text = String((doc as unknown as { source?: string }).source ?? '');
  return text ? text.slice(0, range[0]).split('\n').length : undefined;
}

function restyle(orig: Scalar | undefined, value: ScalarValue): Scalar {
  const s = new Scalar(value);
  if (orig && orig.value === value) {
    // Same value as parsed: keep how it was written, but not its comments.
    if (orig.type) s.type = orig.type;
    if (orig.format) s.format = orig.format;
    if (orig.tag) s.tag = orig.tag;
    if (orig.minFractionDigits) s.minFractionDigits = orig.minFractionDigits;
  }
  return s;
}

/** A scalar written out as its source text (see the header); renderConfig registers `verbatimTag`. */
class VerbatimScalar {
  constructor(readonly text: string) {}
}

export const verbatimTag = {
  tag: 'tag:talos-tui:verbatim',
  default: true,
  identify: (v: unknown) => v instanceof VerbatimScalar,
  resolve: (s: string) => s,
  stringify: (item: { value?: unknown }) => (item.value as VerbatimScalar).text,
};

export function toYaml(n: TreeNode): YamlNode {
  switch (n.kind) {
    case 'scalar':
      // Unchanged since parsing (clones copy the value, merges replace the node): write it as it was.
      if (n.verbatim !== undefined && (n.style === undefined || n.style.value === n.value)) return new Scalar(new VerbatimScalar(n.verbatim));
      return restyle(n.style, n.value);
    case 'seq': {
      const seq = new YAMLSeq();
      for (const item of n.items) seq.items.push(toYaml(item));
      return seq;
    }
    case 'map': {
      const map = new YAMLMap();
      for (const e of n.entries) map.items.push(new Pair(restyle(e.keyStyle, e.key), toYaml(e.value)));
      return map;
    }
  }
}

/** Plain JS value (for tests and JSON output); mapping key order is kept where JS allows it. */
export function toJS(n: TreeNode): unknown {
  if (n.kind === 'scalar') return typeof n.value === 'bigint' ? Number(n.value) : n.value;
  if (n.kind === 'seq') return n.items.map(toJS);
  return Object.fromEntries(n.entries.map((e) => [e.key, toJS(e.value)]));
}
