// RFC 6902 JSON patches with RFC 6901 pointers, applied to the one document of a single-document
// config (configpatcher/json6902.go refuses any other count of documents). talosctl accepts them
// as a JSON array or as a YAML list of {op, path, value} maps (configpatcher/load.go).
//
// talosctl applies them to JSON: the config goes YAML -> JSON -> YAML through ghodss/yaml, which reads
// YAML 1.1 (gopkg.in/yaml.v2). So a plain `n`, `yes` or `off` becomes a boolean (keys too, as "true"/
// "false"), numbers lose how they were written (`1.10` is 1.1), and a number JSON cannot hold fails.
// throughJson does the same to the tree, so a JSON patch gives what talosctl gives. That holds while the
// config is as the user wrote it: after a strategic patch talosctl re-encodes it from Go types first,
// and the tree is kept as it is (its scalars already say what they are).
import { ConfigPatchError } from './errors.js';
import { clone, deepEqual, describeKind, getEntry, scalar, type MapNode, type ScalarNode, type TreeNode } from './tree.js';

export type OpName = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
const OPS: readonly OpName[] = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

export interface JsonPatchOp {
  op: OpName;
  path: string;
  pointer: string[];
  from?: string;
  fromPointer?: string[];
  value?: TreeNode;
}

export interface JsonPatch {
  type: 'json6902';
  name: string;
  ops: JsonPatchOp[];
}

/** RFC 6901: '' is the root, else '/'-separated tokens with ~1 for '/' and ~0 for '~'. */
export function parsePointer(pointer: string): string[] | string {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return `the pointer "${pointer}" must start with "/"`;
  const tokens = pointer.slice(1).split('/');
  for (const t of tokens) if (/~(?![01])/.test(t)) return `the pointer "${pointer}" has a "~" not followed by 0 or 1`;
  return tokens.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

const opLabel = (i: number, op: { op?: unknown; path?: unknown }) =>
  `operation ${i + 1}${typeof op.op === 'string' ? ` (${op.op}${typeof op.path === 'string' ? ` ${op.path || '""'}` : ''})` : ''}`;

export function jsonPatch(list: TreeNode, name: string): JsonPatch {
  if (list.kind !== 'seq') throw new ConfigPatchError('parse', `${name} is not a list of JSON 6902 operations`);
  const ops = list.items.map((item, i): JsonPatchOp => {
    if (item.kind !== 'map') throw new ConfigPatchError('parse', `${name}: operation ${i + 1} is ${describeKind(item)}, not an {op, path, value} mapping`);
    const field = (k: string) => getEntry(item, k)?.value;
    const text = (k: string) => {
      const v = field(k);
      return v && v.kind === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
    };
    const op = text('op');
    const path = text('path');
    const where = opLabel(i, { op, path });
    if (op === undefined || !OPS.includes(op as OpName)) {
      throw new ConfigPatchError('parse', `${name}: ${where} needs "op" set to one of ${OPS.join(', ')}`);
    }
    if (path === undefined) throw new ConfigPatchError('parse', `${name}: ${where} needs a "path" string`);
    const pointer = parsePointer(path);
    if (typeof pointer === 'string') throw new ConfigPatchError('parse', `${name}: ${where}: ${pointer}`);
    const parsed: JsonPatchOp = { op: op as OpName, path, pointer };
    if (op === 'move' || op === 'copy') {
      const from = text('from');
      if (from === undefined) throw new ConfigPatchError('parse', `${name}: ${where} needs a "from" string`);
      const fromPointer = parsePointer(from);
      if (typeof fromPointer === 'string') throw new ConfigPatchError('parse', `${name}: ${where}: ${fromPointer}`);
      parsed.from = from;
      parsed.fromPointer = fromPointer;
    }
    if (op === 'add' || op === 'replace' || op === 'test') {
      const value = getEntry(item, 'value');
      if (!value) throw new ConfigPatchError('parse', `${name}: ${where} needs a "value"`);
      parsed.value = throughJson(value.value, name, false);
    }
    return parsed;
  });
  return { type: 'json6902', name, ops };
}

class OpFailure extends Error {}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

function resolve(root: TreeNode, pointer: string[]): TreeNode | undefined {
  let cur: TreeNode | undefined = root;
  for (const token of pointer) {
    if (cur === undefined) return undefined;
    if (cur.kind === 'map') cur = getEntry(cur, token)?.value;
    else if (cur.kind === 'seq') cur = ARRAY_INDEX.test(token) ? cur.items[Number(token)] : undefined;
    else return undefined;
  }
  return cur;
}

function show(pointer: string[]): string {
  return pointer.length === 0 ? 'the document root' : '/' + pointer.map(escapePointerToken).join('/');
}

function parentOf(root: TreeNode, pointer: string[]): { parent: TreeNode; token: string } {
  const parentPtr = pointer.slice(0, -1);
  const parent = resolve(root, parentPtr);
  if (parent === undefined) throw new OpFailure(`${show(parentPtr)} does not exist`);
  if (parent.kind === 'scalar') throw new OpFailure(`${show(parentPtr)} is ${describeKind(parent)}, not a mapping or list`);
  return { parent, token: pointer[pointer.length - 1] };
}

function listIndex(parent: { items: TreeNode[] }, token: string, pointer: string[], allowEnd: boolean): number {
  if (!ARRAY_INDEX.test(token)) throw new OpFailure(`"${token}" is not a list index at ${show(pointer)}`);
  const i = Number(token);
  const max = allowEnd ? parent.items.length : parent.items.length - 1;
  if (i > max) throw new OpFailure(`index ${i} is past the end of the list (length ${parent.items.length}) at ${show(pointer)}`);
  return i;
}

function add(root: TreeNode, pointer: string[], value: TreeNode): TreeNode {
  if (pointer.length === 0) return value;
  const { parent, token } = parentOf(root, pointer);
  if (parent.kind === 'map') {
    const e = getEntry(parent, token);
    if (e) e.value = value;
    else parent.entries.push({ key: token, value });
  } else if (parent.kind === 'seq') {
    if (token === '-') parent.items.push(value);
    else parent.items.splice(listIndex(parent, token, pointer, true), 0, value);
  }
  return root;
}

function remove(root: TreeNode, pointer: string[]): { root: TreeNode; removed: TreeNode } {
  if (pointer.length === 0) throw new OpFailure('the document root cannot be removed');
  const { parent, token } = parentOf(root, pointer);
  if (parent.kind === 'map') {
    const i = parent.entries.findIndex((e) => e.key === token);
    if (i < 0) throw new OpFailure(`${show(pointer)} does not exist`);
    return { root, removed: parent.entries.splice(i, 1)[0].value };
  }
  const seq = parent as { items: TreeNode[] };
  const i = listIndex(seq, token, pointer, false);
  return { root, removed: seq.items.splice(i, 1)[0] };
}

function mustGet(root: TreeNode, pointer: string[]): TreeNode {
  const v = resolve(root, pointer);
  if (v === undefined) throw new OpFailure(`${show(pointer)} does not exist`);
  return v;
}

function applyOp(root: TreeNode, op: JsonPatchOp): TreeNode {
  switch (op.op) {
    case 'add':
      return add(root, op.pointer, clone(op.value!));
    case 'remove':
      return remove(root, op.pointer).root;
    case 'replace': {
      if (op.pointer.length === 0) return clone(op.value!);
      // evanphx/json-patch (talosctl's) replaces a missing key of a mapping too; a list index must exist.
      const { parent } = parentOf(root, op.pointer);
      if (parent.kind === 'map') return add(root, op.pointer, clone(op.value!));
      mustGet(root, op.pointer);
      return add(remove(root, op.pointer).root, op.pointer, clone(op.value!));
    }
    case 'move': {
      const from = op.fromPointer!;
      const isPrefix = from.length < op.pointer.length && from.every((t, i) => op.pointer[i] === t);
      if (isPrefix) throw new OpFailure(`cannot move ${show(from)} into its own child`);
      if (from.length === op.pointer.length && from.every((t, i) => op.pointer[i] === t)) return root;
      mustGet(root, from);
      const { root: after, removed } = remove(root, from);
      return add(after, op.pointer, removed);
    }
    case 'copy':
      return add(root, op.pointer, clone(mustGet(root, op.fromPointer!)));
    case 'test': {
      // evanphx/json-patch: a missing key of a mapping tests equal to null.
      if (op.pointer.length > 0 && op.value!.kind === 'scalar' && op.value!.value === null) {
        const { parent, token } = parentOf(root, op.pointer);
        if (parent.kind === 'map' && !getEntry(parent, token)) return root;
      }
      const actual = mustGet(root, op.pointer);
      if (!deepEqual(actual, op.value!)) throw new OpFailure(`test failed: ${show(op.pointer)} is not the expected value`);
      return root;
    }
  }
}

/**
 * Applies the operations in order to a copy of `doc`; any failure rejects the whole patch with
 * one sentence naming the patch, the operation (1-based) and the path.
 */
// YAML 1.1 booleans that YAML 1.2 (and the `yaml` package here) read as strings.
const YAML11_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const YAML11_TRUE = /^(?:y|yes|on)$/i;

function plainString(n: ScalarNode): boolean {
  return typeof n.value === 'string' && n.style !== undefined && n.style.type === 'PLAIN' && !n.style.tag;
}

/** The tree as talosctl's YAML -> JSON -> YAML round trip leaves it (see the header). */
function throughJson(n: TreeNode, name: string, yaml11: boolean): TreeNode {
  if (n.kind === 'seq') return { kind: 'seq', items: n.items.map((i) => throughJson(i, name, yaml11)) };
  if (n.kind === 'map') {
    const out: MapNode = { kind: 'map', entries: [] };
    for (const e of n.entries) {
      const key = yaml11 && e.keyStyle?.type === 'PLAIN' && YAML11_BOOL.test(e.key) ? String(YAML11_TRUE.test(e.key)) : e.key;
      const value = throughJson(e.value, name, yaml11);
      // `y` and `on` both become "true": in Go's map the later one wins.
      const existing = getEntry(out, key);
      if (existing) existing.value = value;
      else out.entries.push({ key, value });
    }
    return out;
  }
  if (yaml11 && plainString(n) && YAML11_BOOL.test(n.value as string)) return scalar(YAML11_TRUE.test(n.value as string));
  if (typeof n.value === 'number' && !Number.isFinite(n.value)) {
    throw new ConfigPatchError('apply', `${name}: talosctl applies a JSON 6902 patch through JSON, which cannot hold the number ${n.verbatim ?? n.value}`);
  }
  return scalar(n.value);
}

export function applyJsonPatch(doc: MapNode, patch: JsonPatch, asWritten = true): MapNode {
  let root: TreeNode = asWritten ? throughJson(doc, patch.name, true) : clone(doc);
  patch.ops.forEach((op, i) => {
    try {
      root = applyOp(root, op);
    } catch (err) {
      if (!(err instanceof OpFailure)) throw err;
      throw new ConfigPatchError('apply', `${patch.name}: ${opLabel(i, op)} failed: ${err.message}`);
    }
  });
  if (root.kind !== 'map') throw new ConfigPatchError('apply', `${patch.name} leaves the config as ${describeKind(root)}, not a document`);
  return root;
}
