// How one log entry becomes terminal rows: the "node: " prefix (padded to the widest label), the
// timestamp hidden or shown, and the text wrapped or truncated to the width. Also the same text
// without wrapping for "save".

import { withoutTimestamp, type Severity } from './dmesg.js';
import type { LogEntry, LogKind } from './ring-buffer.js';
import { displayWidth, truncateColumns, wrapColumns, wrappedRowCount } from './text-width.js';

/** One terminal row of the log view. */
export interface LogRow {
  /** Stable React key: entry seq + wrapped part. */
  key: string;
  seq: number;
  kind: LogKind;
  node: string;
  /** "node: " padded to the widest prefix; blanks on continuation rows; '' when prefixes are off. */
  prefix: string;
  /** The part of the line on this row, already fitted to the width. */
  text: string;
  severity?: Severity;
  continuation: boolean;
}

/** Two rows draw the same (a snapshot rebuilds row objects: compare what is drawn). */
export function sameRow(a: LogRow, b: LogRow): boolean {
  return a.key === b.key && a.text === b.text && a.prefix === b.prefix && a.severity === b.severity && a.kind === b.kind;
}

/** What the prefix of a source's lines is made of. */
export interface LabelledSource {
  id: string;
  node: string;
  /** The stream's name: "dmesg", a service id, or a container id. */
  label: string;
}

// Below this many columns for the text, the prefix is dropped rather than squeezing the line.
const MIN_BODY_WIDTH = 8;

export class RowLayout {
  wrap: boolean;
  timestamps: boolean;
  private readonly nodePrefix: boolean;
  private readonly labels = new Map<string, string>();
  /** Columns of the prefix ("label: " padded), 0 when no prefix is drawn. */
  private prefixWidth = 0;

  constructor(opts: { wrap: boolean; timestamps: boolean; nodePrefix: boolean }) {
    this.wrap = opts.wrap;
    this.timestamps = opts.timestamps;
    this.nodePrefix = opts.nodePrefix;
  }

  /** Prefix labels: the node, or node/stream when streams of different names are open. */
  relabel(sources: readonly LabelledSource[]): void {
    this.labels.clear();
    const names = new Set(sources.map((s) => s.label));
    let widest = 0;
    for (const s of sources) {
      const label = names.size > 1 ? `${s.node}/${s.label}` : s.node;
      this.labels.set(s.id, label);
      widest = Math.max(widest, displayWidth(label));
    }
    this.prefixWidth = this.nodePrefix && widest > 0 ? widest + 2 : 0;
  }

  /** Rows the entry takes at this width. */
  rowCount(e: LogEntry, width: number): number {
    if (!this.wrap) return 1;
    return wrappedRowCount(this.displayText(e), this.bodyWidth(width).body);
  }

  entryRows(e: LogEntry, width: number): LogRow[] {
    const { prefixed, body } = this.bodyWidth(width);
    const text = this.displayText(e);
    const pieces = this.wrap ? wrapColumns(text, body) : [truncateColumns(text, body)];
    let prefix = '';
    let blank = '';
    if (prefixed) {
      const label = this.labelOf(e);
      prefix = label ? `${label}:${' '.repeat(this.prefixWidth - displayWidth(label) - 1)}` : ' '.repeat(this.prefixWidth);
      blank = ' '.repeat(this.prefixWidth);
    }
    return pieces.map((piece, i) => ({
      key: `${e.seq}:${i}`,
      seq: e.seq,
      kind: e.kind,
      node: e.node,
      prefix: i === 0 ? prefix : blank,
      text: piece,
      severity: e.severity,
      continuation: i > 0,
    }));
  }

  /** The entry as one line of a saved file: as displayed, unpadded and without wrapping. */
  saveLine(e: LogEntry): string {
    const label = this.labelOf(e);
    return (this.nodePrefix && label ? `${label}: ` : '') + this.displayText(e);
  }

  private displayText(e: LogEntry): string {
    return this.timestamps ? e.text : withoutTimestamp(e.text, e);
  }

  private labelOf(e: LogEntry): string {
    return this.labels.get(e.source) ?? e.node;
  }

  private bodyWidth(width: number): { prefixed: boolean; body: number } {
    const body = width - this.prefixWidth;
    if (this.prefixWidth === 0 || body < MIN_BODY_WIDTH) return { prefixed: false, body: Math.max(1, width) };
    return { prefixed: true, body };
  }
}
