// RFC 6902 JSON patches with RFC 6901 pointers, applied to the one document of a single-document
// config (configpatcher/json6902.go refuses any other count of documents). talosctl accepts them
// as a JSON array or as a YAML list of {op, path, value} maps (configpatcher/load.go).
import { ConfigPatchError } from './errors.js';
import { clone, deepEqual, describeKind, getEntry, type MapNode, type TreeNode } from './tree.js';

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
      parsed.value = value.value;
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
    case 'replace':
      mustGet(root, op.pointer);
      if (op.pointer.length === 0) return clone(op.value!);
      return add(remove(root, op.pointer).root, op.pointer, clone(op.value!));
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
export function applyJsonPatch(doc: MapNode, patch: JsonPatch): MapNode {
  let root: TreeNode = clone(doc);
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
