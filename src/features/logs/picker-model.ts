// The source picker as data: nodes to follow (multi-select) and logs to open (multi-select), one
// cursor over both. Pure, so the pane's keys are plain state transitions.
import type { CatalogEntry } from './catalog.js';
import { selectorName, type LogSelector } from '../../core/logs/selector.js';

export type PickerRow =
  | { kind: 'header'; text: string }
  | { kind: 'node'; node: string }
  | { kind: 'source'; entry: CatalogEntry }
  /** "type a log id": a service the list lacks, or a Kubernetes container. */
  | { kind: 'typed' };

export interface PickerState {
  nodes: string[];
  entries: CatalogEntry[];
  checkedNodes: ReadonlySet<string>;
  /** Keys of checked logs (selectorKey). */
  checkedSources: ReadonlySet<string>;
  /** Index into selectable rows. */
  cursor: number;
}

export function selectorKey(s: LogSelector): string {
  return `${s.kind}:${selectorName(s)}${s.kind === 'container' && s.node ? `@${s.node}` : ''}`;
}

export function pickerRows(s: Pick<PickerState, 'nodes' | 'entries'>): PickerRow[] {
  return [
    { kind: 'header', text: 'Nodes' },
    ...s.nodes.map((node) => ({ kind: 'node' as const, node })),
    { kind: 'header', text: 'Logs' },
    ...s.entries.map((entry) => ({ kind: 'source' as const, entry })),
    { kind: 'typed' },
  ];
}

export function selectableIndexes(rows: readonly PickerRow[]): number[] {
  const out: number[] = [];
  rows.forEach((r, i) => {
    if (r.kind !== 'header') out.push(i);
  });
  return out;
}

export function cursorRow(s: PickerState): PickerRow | undefined {
  const rows = pickerRows(s);
  return rows[selectableIndexes(rows)[s.cursor] ?? -1];
}

export function moveCursor(s: PickerState, delta: number): PickerState {
  const count = selectableIndexes(pickerRows(s)).length;
  const cursor = Math.max(0, Math.min(count - 1, s.cursor + delta));
  return cursor === s.cursor ? s : { ...s, cursor };
}

function toggled(set: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** Space: checks or unchecks the node or log under the cursor. */
export function toggleAtCursor(s: PickerState): PickerState {
  const row = cursorRow(s);
  if (row?.kind === 'node') return { ...s, checkedNodes: toggled(s.checkedNodes, row.node) };
  if (row?.kind === 'source') return { ...s, checkedSources: toggled(s.checkedSources, selectorKey(row.entry.selector)) };
  return s;
}

/** Adds a typed log to the list (checked), or checks it when it is there already. */
export function addTyped(s: PickerState, selector: LogSelector): PickerState {
  const key = selectorKey(selector);
  const entries = s.entries.some((e) => selectorKey(e.selector) === key)
    ? s.entries
    : [...s.entries, { selector, name: selectorName(selector), note: selector.kind === 'container' ? 'k8s container' : 'typed' }];
  return { ...s, entries, checkedSources: new Set([...s.checkedSources, key]) };
}

export type PickResult =
  | { ok: true; nodes: string[]; selectors: LogSelector[] }
  | { ok: false; reason: 'no-node' | 'no-source' | 'typed' };

/**
 * Enter: the checked logs on the checked nodes; with no log checked, the one under the cursor.
 * 'typed' asks the pane to open the id field.
 */
export function pick(s: PickerState): PickResult {
  const row = cursorRow(s);
  let selectors = s.entries.filter((e) => s.checkedSources.has(selectorKey(e.selector))).map((e) => e.selector);
  if (selectors.length === 0) {
    if (row?.kind === 'typed') return { ok: false, reason: 'typed' };
    if (row?.kind === 'source') selectors = [row.entry.selector];
  }
  if (selectors.length === 0) return { ok: false, reason: 'no-source' };
  const nodes = s.nodes.filter((n) => s.checkedNodes.has(n));
  if (nodes.length === 0) return { ok: false, reason: 'no-node' };
  return { ok: true, nodes, selectors };
}

/** New node list (selection changed elsewhere): keeps checks of nodes still listed. */
export function withNodes(s: PickerState, nodes: readonly string[], checkAll: boolean): PickerState {
  const list = [...new Set(nodes)];
  const checked = new Set(list.filter((n) => checkAll || s.checkedNodes.has(n)));
  return { ...s, nodes: list, checkedNodes: checked, cursor: Math.min(s.cursor, Math.max(0, list.length + s.entries.length)) };
}

/** First row to draw so the cursor stays visible in `height` rows. */
export function pickerScroll(rows: readonly PickerRow[], cursorIndex: number, height: number, previous: number): number {
  const selectable = selectableIndexes(rows);
  const at = selectable[cursorIndex] ?? 0;
  // Show the section header above the first item of a section when it fits.
  const wantTop = rows[at - 1]?.kind === 'header' ? at - 1 : at;
  if (wantTop < previous) return Math.max(0, wantTop);
  if (at >= previous + height) return at - height + 1;
  return Math.max(0, Math.min(previous, Math.max(0, rows.length - height)));
}
