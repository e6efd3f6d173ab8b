// The logs pane's state without React: sources, the bounded buffer, the incremental filter,
// follow/pause, scrolling, wrap and timestamps, and the exact rows to draw. How bytes become
// entries is source-lines.ts; how entries become rows is row-layout.ts and row-positions.ts.
//
// Scrolling is anchored to an entry (its seq) and a wrapped row inside it, never to an offset
// from the bottom: while paused the buffer keeps filling (and evicting) and the frozen view
// must not slide. `anchor === null` means following the newest line.

import type { LogFormat } from './dmesg.js';
import { compileFilter, EMPTY_FILTER, FilteredView, type FilterSpec } from './filter.js';
import { LogBuffer, type LogBufferOptions, type NewLogEntry } from './ring-buffer.js';
import { RowLayout, type LogRow } from './row-layout.js';
import { RowWalker, type RowPos } from './row-positions.js';
import { sanitizeLine } from '../terminal-text.js';
import { SourceLines } from './source-lines.js';

export type { LogRow } from './row-layout.js';
export { sameRow } from './row-layout.js';

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

/**
 * What a change was: 'arrival' when it came from the streams (lines, gaps, a source's status), which
 * a view may show on its own schedule; 'view' when the user changed what is shown (filter, scroll, wrap).
 */
export type LogChange = 'arrival' | 'view';

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
  input: SourceLines;
}

/** Where the view's bottom row is pinned while paused: an entry and a wrapped row inside it. */
interface Anchor {
  seq: number;
  row: number;
}

export class LogModel {
  private readonly buffer: LogBuffer;
  private readonly view: FilteredView;
  private readonly layout: RowLayout;
  private readonly sourceMap = new Map<string, SourceRuntime>();
  private readonly listeners = new Set<(change: LogChange) => void>();
  private readonly maxLineBytes: number | undefined;
  private anchor: Anchor | null = null;
  private newLines = 0;
  private filterError: string | null = null;
  private viewport = { height: 20, width: 80 };
  private tail: number;
  /** Bumped on every change; cheap "did anything happen" check. */
  version = 0;

  constructor(options: LogModelOptions = {}) {
    this.buffer = new LogBuffer(options);
    this.view = new FilteredView(this.buffer.all);
    this.maxLineBytes = options.maxLineBytes;
    this.layout = new RowLayout({ wrap: options.wrap ?? false, timestamps: options.timestamps ?? true, nodePrefix: options.nodePrefix ?? true });
    this.tail = options.tailLines ?? 100;
  }

  // ---- change notification (feed a ThrottledStore from here) ----

  subscribe(listener: (change: LogChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: LogChange = 'view'): void {
    this.version++;
    for (const l of this.listeners) l(change);
  }

  // ---- sources ----

  addSource(spec: LogSourceSpec): void {
    if (this.sourceMap.has(spec.id)) return;
    const src: SourceRuntime = {
      ...spec,
      status: 'connecting',
      lines: 0,
      gaps: 0,
      input: new SourceLines(spec, this.maxLineBytes, (entry) => {
        src.lines++;
        this.append(entry);
      }),
    };
    this.sourceMap.set(spec.id, src);
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
    this.changed('arrival');
  }

  /** Feeds one common.Data chunk; returns how many lines it completed. Unknown ids are ignored
   *  (a late chunk from a stream whose source was just closed). */
  pushChunk(id: string, bytes: Uint8Array): number {
    const src = this.sourceMap.get(id);
    if (!src) return 0;
    const completed = src.input.pushChunk(bytes);
    if (completed > 0) this.changed('arrival');
    return completed;
  }

  /** Feeds lines that are already split (simulator, tests). */
  pushLines(id: string, lines: readonly string[]): void {
    const src = this.sourceMap.get(id);
    if (!src || lines.length === 0) return;
    src.input.pushLines(lines);
    this.changed('arrival');
  }

  /** The stream ended normally: emits its unterminated last line. */
  endSource(id: string, detail?: string): void {
    const src = this.sourceMap.get(id);
    if (!src) return;
    src.input.end();
    src.status = 'ended';
    src.detail = detail;
    this.changed('arrival');
  }

  /**
   * The stream broke: drops its half-received line (a new stream will not complete it) and
   * adds a marker line so the reader sees where lines may be missing.
   */
  markGap(id: string, reason: string): void {
    const src = this.sourceMap.get(id);
    if (!src) return;
    src.input.reset();
    src.gaps++;
    src.status = 'reconnecting';
    src.detail = reason;
    this.append({ source: id, node: src.node, text: `--- ${src.label} stream lost: ${reason}; lines may be missing here ---`, kind: 'gap-marker' });
    this.changed('arrival');
  }

  /** A note from the console itself (e.g. "reconnected"), shown whatever the filter. */
  pushInfo(text: string, sourceId?: string): void {
    const src = sourceId ? this.sourceMap.get(sourceId) : undefined;
    this.append({ source: src?.id ?? '', node: src?.node ?? '', text: sanitizeLine(text), kind: 'info' });
    this.changed('arrival');
  }

  /** Empties the buffer (e.g. tail changed and every stream restarts). */
  clear(): void {
    this.buffer.clear();
    this.view.reset();
    this.anchor = null;
    this.newLines = 0;
    this.changed();
  }

  private append(entry: NewLogEntry): void {
    const e = this.buffer.push(entry);
    if (this.view.offer(e) && this.anchor !== null) this.newLines++;
  }

  private relabel(): void {
    this.layout.relabel([...this.sourceMap.values()]);
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
    return this.layout.wrap;
  }

  get timestamps(): boolean {
    return this.layout.timestamps;
  }

  get tailLines(): number {
    return this.tail;
  }

  setWrap(on: boolean): void {
    if (this.layout.wrap === on) return;
    this.layout.wrap = on;
    this.changed();
  }

  toggleWrap(): void {
    this.setWrap(!this.wrap);
  }

  setTimestamps(on: boolean): void {
    if (this.layout.timestamps === on) return;
    this.layout.timestamps = on;
    this.changed();
  }

  toggleTimestamps(): void {
    this.setTimestamps(!this.timestamps);
  }

  setTailLines(n: number): void {
    const tail = Math.trunc(n);
    if (tail === this.tail) return;
    this.tail = tail;
    this.changed();
  }

  // ---- follow, pause, scrolling ----

  get following(): boolean {
    return this.anchor === null;
  }

  /** The pane's rows and columns for the log view; true when they changed. */
  setViewport(height: number, width: number): boolean {
    const next = { height: Math.max(1, Math.floor(height)), width: Math.max(1, Math.floor(width)) };
    if (next.height === this.viewport.height && next.width === this.viewport.width) return false;
    this.viewport = next;
    return true;
  }

  /** Freezes the view where it is; new lines keep arriving and are counted. */
  pause(): void {
    if (this.anchor !== null) return;
    const rows = this.rows();
    const last = rows.last();
    this.anchor = last ? toAnchor(rows, last) : { seq: this.buffer.nextSequence, row: 0 };
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
    const walker = this.rows();
    const from = this.currentPos(walker);
    if (!from) return;
    if (this.anchor === null) this.newLines = 0;
    const to = walker.clampToTop(walker.move(from, -Math.max(0, rows)), this.viewport.height);
    this.anchor = toAnchor(walker, to);
    this.changed();
  }

  scrollDown(rows = 1): void {
    if (this.anchor === null) return;
    const walker = this.rows();
    const from = this.currentPos(walker);
    if (!from) return;
    const to = walker.move(from, Math.max(0, rows));
    const last = walker.last()!;
    // Reaching the end stays paused (only "bottom" resumes following), but the reader has
    // now seen the new lines.
    if (to.idx === last.idx && to.row === last.row) this.newLines = 0;
    this.anchor = toAnchor(walker, to);
    this.changed();
  }

  pageUp(): void {
    this.scrollUp(Math.max(1, this.viewport.height - 1));
  }

  pageDown(): void {
    this.scrollDown(Math.max(1, this.viewport.height - 1));
  }

  scrollToTop(): void {
    const walker = this.rows();
    const first = walker.first();
    if (!first) return;
    if (this.anchor === null) this.newLines = 0;
    this.anchor = toAnchor(walker, walker.move(first, this.viewport.height - 1));
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
    const walker = this.rows();
    const bottom = this.currentPos(walker);
    if (!bottom) return [];
    const rows = walker.rowsEndingAt(bottom, h);
    if (rows.length === h || this.anchor === null) return rows;
    // Paused and the content above ran out: show from the top instead, filling downwards.
    return walker.rowsFromTop(h);
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
    for (const e of this.view.list.live()) out += this.layout.saveLine(e) + '\n';
    return out;
  }

  // ---- positions ----

  /** The filtered list's rows at the viewport's width. */
  private rows(): RowWalker {
    return new RowWalker(this.view.list, this.layout, this.viewport.width);
  }

  /** The bottom row now: the newest when following, else the anchored row (or what replaced it). */
  private currentPos(walker: RowWalker): RowPos | null {
    if (this.anchor === null) return walker.last();
    const list = walker.list;
    const idx = list.liveAtOrAfter(list.lowerBound(this.anchor.seq));
    if (idx < 0) return walker.last();
    // The anchored entry was evicted or filtered out: continue from the next one's first row.
    const row = list.at(idx)!.seq === this.anchor.seq ? Math.min(this.anchor.row, walker.rowCount(idx) - 1) : 0;
    return { idx, row };
  }
}

function toAnchor(walker: RowWalker, pos: RowPos): Anchor {
  return { seq: walker.list.at(pos.idx)!.seq, row: pos.row };
}

function publicSource(s: SourceRuntime): LogSourceState {
  const out: LogSourceState = { id: s.id, node: s.node, label: s.label, format: s.format, status: s.status, lines: s.lines, gaps: s.gaps };
  if (s.detail !== undefined) out.detail = s.detail;
  return out;
}
