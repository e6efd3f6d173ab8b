// Strategic merge patches, as talosctl applies them. Upstream sources (siderolabs/talos):
//   configpatcher/strategic.go          documents matched by apiVersion/kind[/name]; unmatched patch
//                                       documents appended; a delete for a missing document is skipped.
//                                       A patch may name the same document several times (talosctl
//                                       loads patches allowing duplicates): each applies in order.
//   merge/merge.go                      the merge rules (see mergeValue below) and rules.ts.
//   configloader/internal/decoder/delete.go, selector.go
//                                       `$patch: delete`: each one becomes a delete selector applied
//                                       before the rest of its document is merged; the deleted node is
//                                       removed from the patch, and a mapping or list left empty by
//                                       that is removed too; a document left with only version/kind/
//                                       name keys is dropped. Deleting a path that is not there fails
//                                       ("lookup failed"); a list element is chosen by the first
//                                       key: value of the element other than `$patch`.
import { ConfigPatchError } from './errors.js';
import { identify, LEGACY_ID, type DocIdentity } from './documents.js';
import { ruleFor, type ListRule } from './rules.js';
import {
  clone,
  describeKind,
  get,
  getEntry,
  isNull,
  removeKey,
  scalarText,
  type MapNode,
  type SeqNode,
  type TreeNode,
} from './tree.js';

export interface DeleteSelector {
  /** Identity of the document the delete applies to. */
  target: DocIdentity;
  /** Keys from the document root; for a list element, the keys of the list. Empty: the whole document. */
  path: string[];
  /** A list element delete: the element whose `key` has this value. */
  element?: { key: string; value: string };
  /** The path crossed a list before the element (talosctl does not support that). */
  nestedInList: boolean;
  display: string;
}

export interface StrategicDocument {
  /** 1-based position in the patch stream, for messages. */
  index: number;
  deletes: DeleteSelector[];
  remainder?: { root: MapNode; ident: DocIdentity };
}

export interface StrategicPatch {
  type: 'strategic';
  name: string;
  documents: StrategicDocument[];
}

type Seg = { key: string } | { index: number };

function displayPath(segs: readonly Seg[]): string {
  let s = '';
  for (const seg of segs) s += 'key' in seg ? (s ? `.${seg.key}` : seg.key) : `[${seg.index}]`;
  return s || '(document root)';
}

interface Found {
  segs: Seg[];
  parent: 'doc' | 'map' | 'seq';
  node: MapNode;
}

/** Marks `$patch: delete` nodes; returns true when `node` is to be removed from its parent. */
function walk(node: TreeNode, parent: Found['parent'], segs: Seg[], found: Found[], name: string): boolean {
  if (node.kind === 'map') {
    const marker = getEntry(node, '$patch');
    if (marker) {
      if (marker.value.kind === 'scalar' && marker.value.value === 'delete') {
        found.push({ segs, parent, node });
        return true;
      }
      throw new ConfigPatchError('parse', `${name}: at ${displayPath(segs)}, only "$patch: delete" is supported (talosctl knows no other $patch)`);
    }
    for (let i = 0; i < node.entries.length; i++) {
      const e = node.entries[i];
      if (walk(e.value, 'map', [...segs, { key: e.key }], found, name)) {
        node.entries.splice(i--, 1);
        if (node.entries.length === 0) return true;
      }
    }
    return false;
  }
  if (node.kind === 'seq') {
    for (let i = 0; i < node.items.length; i++) {
      if (walk(node.items[i], 'seq', [...segs, { index: i }], found, name)) {
        node.items.splice(i--, 1);
        if (node.items.length === 0) return true;
      }
    }
  }
  return false;
}

/** A document holding only these scalar keys carries nothing to merge (talosctl drops it). */
function isEmptyDocument(root: MapNode): boolean {
  return root.entries.every((e) => e.value.kind === 'scalar' && ['version', 'kind', 'name'].includes(e.key));
}

function selectorTarget(root: MapNode, wholeDoc: boolean, where: string): DocIdentity {
  const kind = scalarText(get(root, 'kind')) ?? '';
  const apiVersion = scalarText(get(root, 'apiVersion')) ?? '';
  if (kind === '' && apiVersion === '') {
    if (wholeDoc) throw new ConfigPatchError('parse', `${where}: deleting a whole document needs its apiVersion and kind`);
    return { id: LEGACY_ID, label: 'the v1alpha1 machine config', legacy: true };
  }
  if (kind === '' || apiVersion === '') throw new ConfigPatchError('parse', `${where}: kind and apiVersion must both be set to use $patch: delete`);
  const name = scalarText(get(root, 'name')) ?? '';
  return { id: `${apiVersion}/${kind}${name ? `/${name}` : ''}`, label: name ? `${kind} "${name}"` : kind, legacy: false };
}

/** Splits each patch document into its delete selectors and the rest to merge. */
export function strategicPatch(roots: { root: TreeNode; index: number }[], name: string, multi: boolean): StrategicPatch {
  const documents: StrategicDocument[] = [];
  for (const { root: original, index } of roots) {
    const where = multi ? `${name} document ${index}` : name;
    if (original.kind !== 'map') {
      throw new ConfigPatchError('parse', `${where} is ${describeKind(original)}, not a config document or a JSON 6902 list of operations`);
    }
    const root = clone(original);
    const found: Found[] = [];
    const wholeDeleted = walk(root, 'doc', [], found, where);
    const deletes = found.map((f): DeleteSelector => {
      const display = displayPath(f.segs);
      if (f.parent !== 'seq') {
        if (f.segs.some((s) => 'index' in s)) {
          throw new ConfigPatchError('parse', `${where}: cannot delete an inner key of a list element (${display}); delete the whole element by its key instead`);
        }
        return { target: selectorTarget(original, f.segs.length === 0, where), path: f.segs.map((s) => (s as { key: string }).key), nestedInList: false, display };
      }
      const pick = f.node.entries.find((e) => e.key !== '$patch');
      const value = scalarText(pick?.value);
      if (!pick || value === undefined) {
        throw new ConfigPatchError('parse', `${where}: the list element to delete at ${display} needs a key: value to find it by, such as "interface: eth0"`);
      }
      const listSegs = f.segs.slice(0, -1);
      const listDisplay = displayPath(listSegs);
      return {
        target: selectorTarget(original, false, where),
        path: listSegs.filter((s): s is { key: string } => 'key' in s).map((s) => s.key),
        element: { key: pick.key, value },
        nestedInList: listSegs.some((s) => 'index' in s),
        display: `${listDisplay}[${pick.key}=${value}]`,
      };
    });
    const doc: StrategicDocument = { index, deletes };
    if (!wholeDeleted && !isEmptyDocument(root)) {
      const ident = identify(root);
      if (typeof ident === 'string') throw new ConfigPatchError('parse', `${where} cannot be identified: ${ident}`);
      doc.remainder = { root, ident };
    }
    documents.push(doc);
  }
  if (documents.every((d) => d.deletes.length === 0 && !d.remainder)) {
    throw new ConfigPatchError('parse', `${name} holds no config to patch with (talosctl refuses it: "config not found")`);
  }
  return { type: 'strategic', name, documents };
}

// ---- application -------------------------------------------------------------------------

export interface WorkingDoc {
  root: MapNode;
  ident: DocIdentity;
}

function kindOf(ident: DocIdentity, root: MapNode): string {
  return ident.legacy ? LEGACY_ID : (scalarText(get(root, 'kind')) ?? '');
}

function applyDelete(docs: WorkingDoc[], sel: DeleteSelector, patch: string): void {
  const at = docs.findIndex((d) => d.ident.id === sel.target.id);
  if (at < 0) return; // talosctl skips deletes for documents the config does not have
  const doc = docs[at];
  const fail = (why: string) => new ConfigPatchError('apply', `${patch}: cannot delete ${sel.display} from ${doc.ident.label}: ${why}`);
  if (sel.path.length === 0 && !sel.element) {
    if (doc.ident.legacy) throw new ConfigPatchError('apply', `${patch}: talosctl cannot delete the v1alpha1 machine config document itself, only paths inside it`);
    docs.splice(at, 1);
    return;
  }
  if (sel.nestedInList) throw fail('talosctl deletes list elements only from a list that is not itself inside a list');
  let cur: TreeNode = doc.root;
  for (let i = 0; i < sel.path.length; i++) {
    const key = sel.path[i];
    if (cur.kind !== 'map') throw fail(cur.kind === 'seq' ? `${sel.path.slice(0, i).join('.')} is a list; delete an element by its key instead` : 'the path does not exist');
    const entry = getEntry(cur, key);
    if (!entry) {
      // talosctl zeroes a struct field whether or not it was set, but fails on a missing map key.
      if (i === sel.path.length - 1 && !sel.element && !isMapTyped(sel.path.slice(0, i))) return;
      throw fail('the path does not exist');
    }
    if (i === sel.path.length - 1 && !sel.element) {
      removeKey(cur, key);
      return;
    }
    if (isNull(entry.value)) throw fail('the path does not exist');
    cur = entry.value;
  }
  const { key, value } = sel.element!;
  if (cur.kind !== 'seq') throw fail(`${sel.path.join('.')} is not a list`);
  const idx = cur.items.findIndex((x) => x.kind === 'map' && scalarText(get(x, key)) === value);
  if (idx < 0) throw fail(`no element has ${key}: ${value}`);
  cur.items.splice(idx, 1);
}

// Fields whose Go type is a map (pkg/machinery/config/types: map[string]..., meta.Args, Unstructured):
// deleting a key they do not have fails there ("lookup failed"); any other mapping is a struct.
const MAP_FIELDS = new Set([
  'annotations', 'env', 'extraArgs', 'extraConfig', 'extraManifestHeaders', 'extraTags', 'headers', 'labels', 'mirrors',
  'nodeAnnotations', 'nodeLabels', 'nodeTaints', 'params', 'sysctls', 'sysfs', 'taints',
]);

function isMapTyped(parentPath: readonly string[]): boolean {
  const last = parentPath[parentPath.length - 1];
  if (last === undefined) return false;
  return MAP_FIELDS.has(last) || parentPath.join('.') === 'machine.registries.config';
}

interface MergeCtx {
  patch: string;
  docKind: string;
  docLabel: string;
}

const isZeroScalar = (v: unknown) => v === null || v === '' || v === 0 || v === 0n;

function mismatch(ctx: MergeCtx, display: string, left: TreeNode, right: TreeNode): ConfigPatchError {
  return new ConfigPatchError('apply', `${ctx.patch}: cannot merge ${describeKind(right)} into ${describeKind(left)} at ${display} of ${ctx.docLabel}`);
}

/**
 * merge/merge.go, untyped: null (a nil pointer, list or map) leaves the left alone; mappings merge
 * key by key; lists concatenate unless rules.ts says replace or keyed; scalars are replaced unless
 * the patch value is the zero value ("", 0), but booleans always replace (false included).
 */
function mergeValue(left: TreeNode, right: TreeNode, schema: string, display: string, ctx: MergeCtx): TreeNode {
  if (isNull(right)) return left;
  const rule = ruleFor(ctx.docKind, schema);
  if (rule?.type === 'args') {
    // meta.Args.Merge is maps.Copy: every key of the patch replaces the base's value whole.
    if (left.kind !== 'map' || right.kind !== 'map') throw mismatch(ctx, display, left, right);
    for (const e of right.entries) {
      const existing = getEntry(left, e.key);
      if (existing) existing.value = clone(e.value);
      else left.entries.push({ key: e.key, keyStyle: e.keyStyle, value: clone(e.value) });
    }
    return left;
  }
  if (left.kind !== right.kind) throw mismatch(ctx, display, left, right);
  if (rule?.type === 'replace') return clone(right);
  if (right.kind === 'map') {
    mergeMap(left as MapNode, right, schema, display, ctx);
    return left;
  }
  if (right.kind === 'seq') {
    if (rule?.type === 'keyed') mergeKeyed(left as SeqNode, right, rule, schema, display, ctx);
    else (left as SeqNode).items.push(...right.items.map(clone));
    return left;
  }
  if (typeof right.value === 'boolean') return clone(right);
  if (isZeroScalar(right.value)) return left;
  return clone(right);
}

function mergeMap(left: MapNode, right: MapNode, schema: string, display: string, ctx: MergeCtx): void {
  for (const e of right.entries) {
    const childSchema = schema ? `${schema}.${e.key}` : e.key;
    const childDisplay = display ? `${display}.${e.key}` : e.key;
    const existing = getEntry(left, e.key);
    if (!existing) {
      if (!isNull(e.value)) left.entries.push({ key: e.key, keyStyle: e.keyStyle, value: clone(e.value) });
    } else if (isNull(existing.value)) {
      if (!isNull(e.value)) existing.value = clone(e.value);
    } else {
      existing.value = mergeValue(existing.value, e.value, childSchema, childDisplay, ctx);
    }
  }
}

/** NetworkDeviceSelector equality in Go compares the `physical` *bool by pointer: never equal when set. */
function sameDeviceSelector(a: TreeNode | undefined, b: MapNode): boolean {
  if (a === undefined || a.kind !== 'map') return false;
  if (!isNull(get(a, 'physical')) || !isNull(get(b, 'physical'))) return false;
  const keys = new Set([...a.entries, ...b.entries].map((e) => e.key));
  return [...keys].every((k) => (scalarText(get(a, k)) ?? '') === (scalarText(get(b, k)) ?? ''));
}

function findKeyed(items: TreeNode[], item: MapNode, rule: ListRule & { type: 'keyed' }): number {
  if (rule.key === 'interface') {
    const name = scalarText(get(item, 'interface')) ?? '';
    if (name !== '') return items.findIndex((x) => x.kind === 'map' && scalarText(get(x, 'interface')) === name);
    const sel = get(item, 'deviceSelector');
    if (sel && sel.kind === 'map') return items.findIndex((x) => x.kind === 'map' && sameDeviceSelector(get(x, 'deviceSelector'), sel));
    return -1;
  }
  // Go compares the field's zero value when it is missing: "" for names, 0 for vlanId.
  const zero = rule.key === 'vlanId' ? '0' : '';
  const want = scalarText(get(item, rule.key)) ?? zero;
  return items.findIndex((x) => x.kind === 'map' && (scalarText(get(x, rule.key)) ?? zero) === want);
}

function mergeKeyed(left: SeqNode, right: SeqNode, rule: ListRule & { type: 'keyed' }, schema: string, display: string, ctx: MergeCtx): void {
  for (const item of right.items) {
    if (item.kind !== 'map') throw mismatch(ctx, `${display}[]`, { kind: 'map', entries: [] }, item);
    const at = findKeyed(left.items, item, rule);
    const label = scalarText(get(item, rule.key));
    const elemDisplay = `${display}[${label !== undefined ? `${rule.key}=${label}` : left.items.length}]`;
    if (at < 0) left.items.push(clone(item));
    else if (rule.replaceElement) left.items[at] = clone(item);
    else mergeMap(left.items[at] as MapNode, item, `${schema}[]`, elemDisplay, ctx);
  }
}

/**
 * Applies one strategic patch in place, in talosctl's order (container.Documents): every delete aimed
 * at the v1alpha1 machine config, from all the patch's documents, first; then per patch document its
 * other deletes and its merge.
 */
export function applyStrategic(docs: WorkingDoc[], patch: StrategicPatch): void {
  for (const pdoc of patch.documents) {
    for (const sel of pdoc.deletes) if (sel.target.legacy) applyDelete(docs, sel, patch.name);
  }
  for (const pdoc of patch.documents) {
    for (const sel of pdoc.deletes) if (!sel.target.legacy) applyDelete(docs, sel, patch.name);
    if (!pdoc.remainder) continue;
    const { root, ident } = pdoc.remainder;
    const target = docs.find((d) => d.ident.id === ident.id);
    if (!target) {
      docs.push({ root: clone(root), ident });
      continue;
    }
    mergeMap(target.root, root, '', '', { patch: patch.name, docKind: kindOf(ident, root), docLabel: ident.label });
  }
}
