// The META pane's state and the one function that changes it: a reducer over typed events. Pure (no
// I/O, no React): the controller (controller.ts) reads the watched file, talks to the node and writes
// files, and reports what came back as events; tests drive this on fixtures.
import { errorsOf, type MetaParseResult } from '../../core/meta/index.js';
import type { MessageTone } from '../../core/tone.js';
import type { Note } from '../../ui/DocumentView.js';
import type { BootRoute } from '../../ops/meta.js';

export const DEFAULT_META_FILE = './meta-network.yaml';
export const BOOT_ROUTE_TITLE = 'boot-time route';

/** What the file holds as of the last read; `canonical` is the parsed document rendered back ('' when it does not parse). */
export type Doc = { kind: 'missing' } | { kind: 'unreadable'; error: string } | { kind: 'read'; text: string; parsed: MetaParseResult; canonical: string };

/** A reply from the node, a diff or the boot-time route: shown instead of the document's preview. */
export interface Output {
  title: string;
  lines: string[];
  tone?: MessageTone;
}

export interface MetaState {
  file: string | null;
  doc: Doc | null;
  /** Identifies the file's content as last read: a read with the same key changes nothing. */
  docKey: string | null;
  /** The node typed with `n`; without one, the first selected node. */
  typedNode: string | null;
  selectedNode: string | null;
  insecure: boolean;
  output: Output | null;
  scroll: number;
  note: Note | null;
  busy: string | null;
  /** The boot-time route last shown (what `s` saves and `c` copies). */
  route: BootRoute | null;
}

export function initialMetaState(p: { file: string | null; node: string | null; insecure: boolean }): MetaState {
  return { file: p.file, doc: null, docKey: null, typedNode: p.node, selectedNode: null, insecure: p.insecure, output: null, scroll: 0, note: null, busy: null, route: null };
}

export type MetaEvent =
  | { type: 'opened'; file: string; note: Note }
  /** The file was read; by the poll, `watched` names it as shown (a change then says so). */
  | { type: 'read'; doc: Doc; key: string; watched?: string }
  | { type: 'node-typed'; node: string }
  | { type: 'selected'; node: string | null }
  | { type: 'insecure-toggled' }
  | { type: 'output'; output: Output }
  /** A late addition to the output (the QR code): only when `to` is still what is shown. */
  | { type: 'output-extended'; to: readonly string[]; lines: string[] }
  | { type: 'route'; route: BootRoute }
  | { type: 'back' }
  | { type: 'scroll'; top: number }
  | { type: 'note'; note: Note | null }
  | { type: 'busy'; busy: string | null };

export function metaReducer(s: MetaState, e: MetaEvent): MetaState {
  switch (e.type) {
    case 'opened':
      return { ...s, file: e.file, docKey: null, output: null, scroll: 0, note: e.note };
    case 'read': {
      if (e.key === s.docKey) return s;
      const next = { ...s, doc: e.doc, docKey: e.key };
      // The first read since the file was opened: nothing shown described an older text.
      if (s.docKey === null) return next;
      // The file changed: what was shown (export, diff) described the old text, and so did the
      // message about it (a diff's count, a write, the template): the file is re-validated.
      const changed = e.watched ? { note: { text: `${e.watched} changed: checked again`, tone: 'info' as const } } : {};
      return { ...next, output: null, scroll: 0, ...changed };
    }
    case 'node-typed':
      return { ...s, typedNode: e.node, output: null, note: { text: `node ${e.node}: ${s.insecure ? 'maintenance (insecure)' : 'configured (mTLS over the session)'}, i switches`, tone: 'info' } };
    case 'selected':
      return { ...s, selectedNode: e.node };
    case 'insecure-toggled':
      return { ...s, insecure: !s.insecure, output: null };
    case 'output':
      return { ...s, output: e.output, scroll: 0 };
    case 'output-extended':
      return s.output && s.output.lines === e.to ? { ...s, output: { ...s.output, lines: [...s.output.lines, ...e.lines] } } : s;
    case 'route':
      return { ...s, route: e.route };
    case 'back':
      return { ...s, output: null, scroll: 0 };
    case 'scroll':
      return { ...s, scroll: Math.max(0, e.top) };
    case 'note':
      return { ...s, note: e.note };
    case 'busy':
      return { ...s, busy: e.busy };
  }
}

/** The node calls go to: the typed one, else the first selected node. */
export const nodeOf = (s: MetaState): string | null => s.typedNode ?? s.selectedNode;

/** The parsed document, when the file was read. */
export const parsedOf = (s: MetaState): MetaParseResult | null => (s.doc?.kind === 'read' ? s.doc.parsed : null);

/** Errors in the document (a document that is not a YAML mapping counts as one). */
export function errorCount(s: MetaState): number {
  const p = parsedOf(s);
  return p ? (p.config === null ? 1 : errorsOf(p.problems).length) : 0;
}

/** A non-empty document without errors: it can be written or exported. */
export const isValid = (s: MetaState): boolean => s.doc?.kind === 'read' && s.doc.parsed.config !== null && errorCount(s) === 0 && s.doc.text.trim() !== '';

/** What the boot-time route carries: the canonical render (no comments, so the QR code stays small). */
export const compactOf = (s: MetaState): string => (s.doc?.kind === 'read' ? (s.doc.canonical !== '' ? s.doc.canonical : s.doc.text) : '');

export const isRouteShown = (s: MetaState): boolean => s.output?.title === BOOT_ROUTE_TITLE && s.route !== null;
