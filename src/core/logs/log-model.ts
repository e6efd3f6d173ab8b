// The logs pane's state without React: sources, the bounded buffer, the incremental filter,
// follow/pause, scrolling, wrap and timestamps, and the exact rows to draw.
//
// Scrolling is anchored to an entry (its seq) and a wrapped row inside it, never to an offset
// from the bottom: while paused the buffer keeps filling (and evicting) and the frozen view
// must not slide. `anchor === null` means following the newest line.

import { analyzeLine, withoutTimestamp, type LogFormat, type Severity } from './dmesg.js';
import { compileFilter, EMPTY_FILTER, FilteredView, type FilterSpec } from './filter.js';
import { LineSplitter } from './line-splitter.js';
import { EntryList, LogBuffer, type LogBufferOptions, type LogEntry, type LogKind } from './ring-buffer.js';
import { sanitizeLine } from './sanitize.js';
import { displayWidth, truncateColumns, wrapColumns, wrappedRowCount } from './text-width.js';

export type SourceStatus = 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'failed';

export interface LogSourceSpec {
  /** Unique per node + stream, e.g. "10.0.0.11/kubelet". */
  id: string;
  node: string;
  /** The stream's name: "dmesg", a service id, or a container id. */
  label: string;
  format: LogFormat;
}

export interface LogSourceState extends LogSourceSpec {
  status: SourceStatus;
  detail?: string;
  /** Lines received since the source was added. */
  lines: number;
  /** Times the stream broke. */
  gaps: number;
}

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

export interface LogViewSnapshot {
  rows: LogRow[];
  following: boolean;
  /** Lines that entered the view since it was paused (shown as "N new lines"). */
  newLines: number;
  wrap: boolean;
  timestamps: boolean;
  filter: FilterSpec;
  /** Human form of the applied filter, '' when none. */
  filterDescription: string;
  /** Why the last filter edit was refused (the previous filter stays applied). */
  filterError: string | null;
  tailLines: number;
  /** Live entries in the buffer. */
  buffered: number;
  /** Live entries the filter lets through (= buffered when no filter is applied). */
  shown: number;
  /** Entries dropped to respect capacity since the start. */
  evicted: number;
  sources: LogSourceState[];
  atTop: boolean;
  version: number;
}

export interface LogModelOptions extends LogBufferOptions {
  maxLineBytes?: number;
  /** Lines requested from each stream on (re)connect; -1 = everything (talosctl's default). */
  tailLines?: number;
  wrap?: boolean;
  timestamps?: boolean;
  /** Prefix each line with its node (default true). */
  nodePrefix?: boolean;
}

interface SourceRuntime extends LogSourceState {
  splitter: LineSplitter;
  /** Dmesg continuation lines (" SUBSYSTEM=...") inherit the severity of their record. */
  lastSeverity?: Severity;
  /** CRI: a line the runtime split into P records, waiting for its final F record. */
  criPartial?: string;
}

// The container runtime splits lines over 16 KiB into "P" records; rejoined lines are capped here.
const MAX_JOINED_CHARS = 256 * 1024;

/** Index of the F/P tag in "<RFC3339> stdout|stderr F|P...", or -1 when not a CRI record.
 *  Done by hand: it runs on every container log line. */
function criTagAt(text: string): number {
  const sp = text.indexOf(' ');
  if (sp < 20 || sp > 40) return -1; // RFC3339 is 20..35 characters
  if (!text.startsWith('stdout ', sp + 1) && !text.startsWith('stderr ', sp + 1)) return -1;
  const tag = sp + 8;
  const c = text.charCodeAt(tag);
  return c === 0x46 || c === 0x50 ? tag : -1; // 'F' | 'P'
}

/** A row position in the drawn list: entry index + wrapped row inside the entry. */
interface Pos {
  idx: number;
  row: number;
}

const MIN_BODY_WIDTH = 8;

export class LogModel {
  private readonly buffer: LogBuffer;
  private readonly view: FilteredView;
  private readonly sourceMap = new Map<string, SourceRuntime>();
  private readonly labels = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private readonly maxLineBytes: number | undefined;
  private readonly nodePrefix: boolean;
  private prefixWidth = 0;
  private anchor: { seq: number; row: number } | null = null;
  private newLines = 0;
  private filterError: string | null = null;
  private viewport = { height: 20, width: 80 };
  private wrapOn: boolean;
  private timestampsOn: boolean;
  private tail: number;
  /** Bumped on every change; cheap "did anything happen" check. */
  version = 0;

  constructor(options: LogModelOptions = {}) {
    this.buffer = new LogBuffer(options);
    this.view = new FilteredView(this.buffer.all);
    this.maxLineBytes = options.maxLineBytes;
    this.wrapOn = options.wrap ?? false;
    this.timestampsOn = options.timestamps ?? true;
    this.tail = options.tailLines ?? 100;
    this.nodePrefix = options.nodePrefix ?? true;
  }

  // ---- change notification (feed a ThrottledStore from here) ----

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  // ---- sources ----

  addSource(spec: LogSourceSpec): void {
    if (this.sourceMap.has(spec.id)) return;
    this.sourceMap.set(spec.id, {
      ...spec,
      status: 'connecting',
      lines: 0,
      gaps: 0,
      splitter: new LineSplitter({ maxLineBytes: this.maxLineBytes }),
    });
    this.relabel();
    this.changed();
  }

  /** Closes a source and drops its lines. */
  removeSource(id: string): void {
    if (!this.sourceMap.delete(id)) return;
    this.buffer.removeSource(id);
    this.relabel();
    this.changed();
  }

  sources(): LogSourceState[] {
    return [...this.sourceMap.values()].map(publicSource);
  }

  setSourceStatus(id: string, status: SourceStatus, detail?: string): void {
    const src = this.sourceMap.get(id);
    if (!src || (src.status === status && src.detail === detail)) return;
    src.status = status;
    src.detail = detail;
    this.changed();
  }

  /** Feeds one common.Data chunk; returns how many lines it completed. Unknown ids are ignored
   *  (a late chunk from a stream whose source was just closed). */
  pushChunk(id: string, bytes: Uint8Array): number {
    const src = this.sourceMap.get(id);
    if (!src) return 0;
    const lines = src.splitter.push(bytes);
    for (const line of lines) this.ingest(src, line);
    if (lines.length > 0) this.changed();
    return lines.length;
  }

  /** Feeds lines that are already split (simulator, tests). */
  pushLines(id: string, lines: readonly string[]): void {
    const src = this.sourceMap.get(id);
    if (!src || lines.length === 0) return;
    for (const line of lines) this.ingest(src, line);
    this.changed();
  }

  /** The stream ended normally: emits its unterminated last line. */
  endSource(id: string, detail?: string): void {
    const src = this.sourceMap.get(id);
    if (!src) return;
    for (const line of src.splitter.flush()) this.ingest(src, line);
    if (src.criPartial !== undefined) this.record(src, src.criPartial);
    src.criPartial = undefined;
    src.status = 'ended';
    src.detail = detail;
    this.changed();
  }

  /**
   * The stream broke: drops its half-received line (a new stream will not complete it) and
   * adds a marker line so the reader sees where lines may be missing.
   */
  markGap(id: string, reason: string): void {
    const src = this.sourceMap.get(id);
    if (!src) return;
    src.splitter.reset();
    src.criPartial = undefined;
    src.gaps++;
    src.status = 'reconnecting';
    src.detail = reason;
    this.append({ source: id, node: src.node, text: `--- ${src.label} stream lost: ${reason}; lines may be missing here ---`, kind: 'gap-marker' });
    this.changed();
  }

  /** A note from the console itself (e.g. "reconnected"), shown whatever the filter. */
  pushInfo(text: string, sourceId?: string): void {
    const src = sourceId ? this.sourceMap.get(sourceId) : undefined;
    this.append({ source: src?.id ?? '', node: src?.node ?? '', text: sanitizeLine(text), kind: 'info' });
    this.changed();
  }

  /** Empties the buffer (e.g. tail changed and every stream restarts). */
  clear(): void {
    this.buffer.clear();
    this.view.reset();
    this.anchor = null;
    this.newLines = 0;
    this.changed();
  }

  private ingest(src: SourceRuntime, raw: string): void {
    const text = sanitizeLine(raw);
    if (src.format !== 'cri') return this.record(src, text);
    const whole = this.joinCriPartial(src, text);
    if (whole !== null) this.record(src, whole);
  }

  /** Stores one complete line. */
  private record(src: SourceRuntime, text: string): void {
    const info = analyzeLine(src.format, text);
    let severity = info.severity;
    if (src.format === 'dmesg') {
      if (severity) src.lastSeverity = severity;
      else if (text.startsWith(' ')) severity = src.lastSeverity;
    }
    src.lines++;
    this.append({
      source: src.id,
      node: src.node,
      text,
      kind: 'line',
      // info.ts is not kept: nothing reads it, and a time in ms is a heap number per stored line.
      severity,
      hideStart: info.hideStart,
      hideEnd: info.hideEnd,
    });
  }

  /** CRI "P" records are pieces of one long line: returns the whole line once its final "F"
   *  record arrives, null while pieces are pending. */
  private joinCriPartial(src: SourceRuntime, text: string): string | null {
    const tag = criTagAt(text);
    if (tag < 0) {
      // Not a CRI record: release any pending half line as it is, then go on with this one.
      if (src.criPartial !== undefined) {
        const pending = src.criPartial;
        src.criPartial = undefined;
        this.record(src, pending);
      }
      return text;
    }
    const partial = text.charCodeAt(tag) === 0x50; // 'P'
    if (src.criPartial === undefined) {
      if (!partial) return text;
      src.criPartial = text; // keeps the first record's time and stream prefix
      return null;
    }
    if (src.criPartial.length < MAX_JOINED_CHARS) {
      const bodyStart = text.indexOf(' ', tag);
      if (bodyStart >= 0) src.criPartial += text.slice(bodyStart + 1);
    }
    if (partial) return null;
    const whole = src.criPartial;
    src.criPartial = undefined;
    return whole;
  }

  private append(entry: Omit<LogEntry, 'seq'>): void {
    const e = this.buffer.push(entry);
    if (this.view.offer(e) && this.anchor !== null) this.newLines++;
  }

  // ---- filter and display toggles ----

  /** Applies a filter; a bad regex leaves the previous filter applied and reports why. */
  setFilter(spec: FilterSpec): { ok: true } | { ok: false; error: string } {
    const compiled = compileFilter(spec);
    if (!compiled.ok) {
      this.filterError = compiled.error;
      this.changed();
      return { ok: false, error: compiled.error };
    }
    this.filterError = null;
    this.view.apply(compiled);
    this.changed();
    return { ok: true };
  }

  clearFilter(): void {
    this.setFilter(EMPTY_FILTER);
  }

  get filter(): FilterSpec {
    return this.view.filter.spec;
  }

  get wrap(): boolean {
    return this.wrapOn;
  }

  get timestamps(): boolean {
    return this.timestampsOn;
  }

  get tailLines(): number {
    return this.tail;
  }

  setWrap(on: boolean): void {
    if (this.wrapOn === on) return;
    this.wrapOn = on;
    this.changed();
  }

  toggleWrap(): void {
    this.setWrap(!this.wrap);
  }

  setTimestamps(on: boolean): void {
    if (this.timestampsOn === on) return;
    this.timestampsOn = on;
    this.changed();
  }

  toggleTimestamps(): void {
    this.setTimestamps(!this.timestamps);
  }

  setTailLines(n: number): void {
    this.tail = Math.trunc(n);
    this.changed();
  }

  // ---- follow, pause, scrolling ----

  get following(): boolean {
    return this.anchor === null;
  }

  setViewport(height: number, width: number): void {
    this.viewport = { height: Math.max(1, Math.floor(height)), width: Math.max(1, Math.floor(width)) };
  }

  /** Freezes the view where it is; new lines keep arriving and are counted. */
  pause(): void {
    if (this.anchor !== null) return;
    const list = this.view.list;
    const last = this.lastPos(list);
    this.anchor = last ? this.toAnchor(list, last) : { seq: this.buffer.nextSequence, row: 0 };
    this.newLines = 0;
    this.changed();
  }

  /** Back to following the newest line. */
  resume(): void {
    this.scrollToBottom();
  }

  togglePause(): void {
    if (this.anchor === null) this.pause();
    else this.resume();
  }

  scrollUp(rows = 1): void {
    const list = this.view.list;
    const from = this.currentPos(list);
    if (!from) return;
    if (this.anchor === null) this.newLines = 0;
    const to = this.clampToTop(list, this.move(list, from, -Math.max(0, rows)));
    this.anchor = this.toAnchor(list, to);
    this.changed();
  }

  scrollDown(rows = 1): void {
    if (this.anchor === null) return;
    const list = this.view.list;
    const from = this.currentPos(list);
    if (!from) return;
    const to = this.move(list, from, Math.max(0, rows));
    const last = this.lastPos(list)!;
    // Reaching the end stays paused (only "bottom" resumes following), but the reader has
    // now seen the new lines.
    if (to.idx === last.idx && to.row === last.row) this.newLines = 0;
    this.anchor = this.toAnchor(list, to);
    this.changed();
  }

  pageUp(): void {
    this.scrollUp(Math.max(1, this.viewport.height - 1));
  }

  pageDown(): void {
    this.scrollDown(Math.max(1, this.viewport.height - 1));
  }

  scrollToTop(): void {
    const list = this.view.list;
    const first = this.firstPos(list);
    if (!first) return;
    if (this.anchor === null) this.newLines = 0;
    this.anchor = this.toAnchor(list, this.move(list, first, this.viewport.height - 1));
    this.changed();
  }

  scrollToBottom(): void {
    const wasFollowing = this.anchor === null;
    this.anchor = null;
    this.newLines = 0;
    if (!wasFollowing) this.changed();
  }

  // ---- output ----

  /** Exactly the rows to draw for a pane of this size (at most `height`). */
  visibleLines(height: number, width: number): LogRow[] {
    this.setViewport(height, width);
    const h = this.viewport.height;
    const w = this.viewport.width;
    const list = this.view.list;
    const bottom = this.currentPos(list);
    if (!bottom) return [];

    // Walk up from the bottom row.
    const reversed: LogRow[] = [];
    let idx = bottom.idx;
    let rowLimit = bottom.row;
    while (idx >= 0 && reversed.length < h) {
      const rows = this.entryRows(list.at(idx)!, w);
      for (let r = Math.min(rowLimit, rows.length - 1); r >= 0 && reversed.length < h; r--) reversed.push(rows[r]!);
      idx = list.liveAtOrBefore(idx - 1);
      rowLimit = Number.MAX_SAFE_INTEGER;
    }
    if (reversed.length === h || this.anchor === null) return reversed.reverse();

    // Paused and the content above ran out: show from the top instead, filling downwards.
    const out: LogRow[] = [];
    idx = list.liveAtOrAfter(0);
    while (idx >= 0 && out.length < h) {
      for (const row of this.entryRows(list.at(idx)!, w)) {
        if (out.length === h) break;
        out.push(row);
      }
      idx = list.liveAtOrAfter(idx + 1);
    }
    return out;
  }

  snapshot(height = this.viewport.height, width = this.viewport.width): LogViewSnapshot {
    const rows = this.visibleLines(height, width);
    const list = this.view.list;
    const first = list.liveAtOrAfter(0);
    const filter = this.view.filter;
    return {
      rows,
      following: this.anchor === null,
      newLines: this.newLines,
      wrap: this.wrap,
      timestamps: this.timestamps,
      filter: { ...filter.spec },
      filterDescription: filter.describe,
      filterError: this.filterError,
      tailLines: this.tailLines,
      buffered: this.buffer.size,
      shown: filter.active ? list.liveCount() : this.buffer.size,
      evicted: this.buffer.evicted,
      sources: this.sources(),
      atTop: rows.length === 0 || (first >= 0 && rows[0]!.seq === list.at(first)!.seq && !rows[0]!.continuation),
      version: this.version,
    };
  }

  /** The whole filtered buffer as text, one line per entry, as displayed (no wrapping). */
  renderForSave(): string {
    let out = '';
    for (const e of this.view.list.live()) {
      const label = this.labelOf(e);
      out += (this.nodePrefix && label ? `${label}: ` : '') + this.displayText(e) + '\n';
    }
    return out;
  }

  // ---- row layout ----

  private displayText(e: LogEntry): string {
    return this.timestamps ? e.text : withoutTimestamp(e.text, e);
  }

  private labelOf(e: LogEntry): string {
    return this.labels.get(e.source) ?? e.node;
  }

  /** Prefix labels: the node, or node/stream when streams of different names are open. */
  private relabel(): void {
    this.labels.clear();
    const names = new Set([...this.sourceMap.values()].map((s) => s.label));
    let widest = 0;
    for (const s of this.sourceMap.values()) {
      const label = names.size > 1 ? `${s.node}/${s.label}` : s.node;
      this.labels.set(s.id, label);
      widest = Math.max(widest, displayWidth(label));
    }
    this.prefixWidth = this.nodePrefix && widest > 0 ? widest + 2 : 0;
  }

  private bodyWidth(width: number): { prefixed: boolean; body: number } {
    const body = width - this.prefixWidth;
    if (this.prefixWidth === 0 || body < MIN_BODY_WIDTH) return { prefixed: false, body: Math.max(1, width) };
    return { prefixed: true, body };
  }

  private rowCount(e: LogEntry, width: number): number {
    if (!this.wrap) return 1;
    return wrappedRowCount(this.displayText(e), this.bodyWidth(width).body);
  }

  private entryRows(e: LogEntry, width: number): LogRow[] {
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

  // ---- positions ----

  private firstPos(list: EntryList): Pos | null {
    const idx = list.liveAtOrAfter(0);
    return idx < 0 ? null : { idx, row: 0 };
  }

  private lastPos(list: EntryList): Pos | null {
    const idx = list.liveAtOrBefore(list.rawLength - 1);
    return idx < 0 ? null : { idx, row: this.rowCount(list.at(idx)!, this.viewport.width) - 1 };
  }

  /** The bottom row now: the newest when following, else the anchored row (or what replaced it). */
  private currentPos(list: EntryList): Pos | null {
    if (this.anchor === null) return this.lastPos(list);
    let idx = list.liveAtOrAfter(list.lowerBound(this.anchor.seq));
    if (idx < 0) return this.lastPos(list);
    const e = list.at(idx)!;
    // The anchored entry was evicted or filtered out: continue from the next one's first row.
    const row = e.seq === this.anchor.seq ? Math.min(this.anchor.row, this.rowCount(e, this.viewport.width) - 1) : 0;
    return { idx, row };
  }

  private toAnchor(list: EntryList, pos: Pos): { seq: number; row: number } {
    return { seq: list.at(pos.idx)!.seq, row: pos.row };
  }

  /** Moves by `delta` rows (negative = up), stopping at the first/last row. */
  private move(list: EntryList, pos: Pos, delta: number): Pos {
    const w = this.viewport.width;
    let { idx, row } = pos;
    row += delta;
    while (row < 0) {
      const prev = list.liveAtOrBefore(idx - 1);
      if (prev < 0) return { idx, row: 0 };
      idx = prev;
      row += this.rowCount(list.at(idx)!, w);
    }
    for (;;) {
      const count = this.rowCount(list.at(idx)!, w);
      if (row < count) return { idx, row };
      const next = list.liveAtOrAfter(idx + 1);
      if (next < 0) return { idx, row: count - 1 };
      row -= count;
      idx = next;
    }
  }

  /** The bottom row may not rise above the point where the first line sits on the top row. */
  private clampToTop(list: EntryList, pos: Pos): Pos {
    const first = this.firstPos(list)!;
    const lowest = this.move(list, first, this.viewport.height - 1);
    return pos.idx < lowest.idx || (pos.idx === lowest.idx && pos.row < lowest.row) ? lowest : pos;
  }
}

function publicSource(s: SourceRuntime): LogSourceState {
  const out: LogSourceState = { id: s.id, node: s.node, label: s.label, format: s.format, status: s.status, lines: s.lines, gaps: s.gaps };
  if (s.detail !== undefined) out.detail = s.detail;
  return out;
}
