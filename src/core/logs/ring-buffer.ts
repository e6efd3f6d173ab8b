// Bounded log storage: a ring per source (node + stream) and one merged list of every live
// entry in arrival order. Evicting from a source ring only flags the entry dead; the merged
// list (and any filtered list built on it) skips dead entries and compacts itself when dead
// ones pile up. That keeps push O(1) amortized and memory bounded by the live entries.

import type { Severity } from './dmesg.js';

export type LogKind = 'line' | 'gap-marker' | 'info';

export interface LogEntry {
  /** Arrival order across all sources; strictly increasing. */
  readonly seq: number;
  /** Stream id, unique per node + stream (e.g. "10.0.0.11/dmesg"). */
  readonly source: string;
  readonly node: string;
  readonly text: string;
  readonly kind: LogKind;
  /** Milliseconds since the epoch, when the line carried a timestamp. LogModel leaves it unset:
   *  nothing reads it, and a stored number that large is one more heap object per line. */
  readonly ts?: number;
  readonly severity?: Severity;
  /** [hideStart, hideEnd) of text is the timestamp part hidden when timestamps are off. */
  readonly hideStart?: number;
  readonly hideEnd?: number;
}

export type NewLogEntry = Omit<LogEntry, 'seq'>;

// 5,000 lines of scrollback per source (k9s keeps the same per log view). 10,000 held every line
// alive long enough to be promoted out of V8's young generation during a flood, which put the
// process's peak RSS at ~200 MB after 1,000,000 lines; 5,000 keeps it well under (test/bench/logs-pane).
export const DEFAULT_CAPACITY_PER_SOURCE = 5_000;
export const DEFAULT_MAX_TOTAL = 200_000;
/** One memory budget for every line of every source (the console's --log-buffer-mb). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/**
 * What one entry costs besides its text: the entry object (11 fields), the string header, and its
 * slots in the merged list, its source ring and a filtered view. Measured with a heap snapshot of
 * 200,000 dmesg entries: ~170 bytes each beyond the characters.
 */
export const ENTRY_OVERHEAD_BYTES = 170;

/** The bytes an entry is counted for in the budget (one byte per UTF-16 unit: V8 keeps Latin-1 text in one). */
export function entryBytes(e: { text: string }): number {
  return ENTRY_OVERHEAD_BYTES + e.text.length;
}

/** Internal entry: every field assigned in the constructor so V8 keeps one object shape. */
class StoredEntry implements LogEntry {
  alive = true;
  readonly seq: number;
  readonly source: string;
  readonly node: string;
  readonly text: string;
  readonly kind: LogKind;
  readonly ts: number | undefined;
  readonly severity: Severity | undefined;
  readonly hideStart: number | undefined;
  readonly hideEnd: number | undefined;

  constructor(seq: number, e: NewLogEntry) {
    this.seq = seq;
    this.source = e.source;
    this.node = e.node;
    this.text = e.text;
    this.kind = e.kind;
    this.ts = e.ts;
    this.severity = e.severity;
    this.hideStart = e.hideStart;
    this.hideEnd = e.hideEnd;
  }
}

const MIN_COMPACT = 1024;

/**
 * Entries in seq order, possibly interleaved with dead ones. Indices are stable until the
 * next push (which may compact), so read them synchronously.
 */
export class EntryList {
  private items: StoredEntry[] = [];
  private compactAt = MIN_COMPACT;

  push(e: LogEntry): void {
    this.items.push(e as StoredEntry);
    if (this.items.length > this.compactAt) this.compact();
  }

  clear(): void {
    this.items = [];
    this.compactAt = MIN_COMPACT;
  }

  /** Upper bound of the index range (dead entries included). */
  get rawLength(): number {
    return this.items.length;
  }

  at(i: number): LogEntry | undefined {
    return this.items[i];
  }

  /** Nearest live index at or before i, or -1. */
  liveAtOrBefore(i: number): number {
    for (let j = Math.min(i, this.items.length - 1); j >= 0; j--) if (this.items[j]!.alive) return j;
    return -1;
  }

  /** Nearest live index at or after i, or -1. */
  liveAtOrAfter(i: number): number {
    for (let j = Math.max(0, i); j < this.items.length; j++) if (this.items[j]!.alive) return j;
    return -1;
  }

  /** Index of the first entry (live or dead) whose seq is >= seq; rawLength when none. */
  lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live entries, oldest first. */
  *live(): IterableIterator<LogEntry> {
    for (const e of this.items) if (e.alive) yield e;
  }

  liveCount(): number {
    let n = 0;
    for (const e of this.items) if (e.alive) n++;
    return n;
  }

  private compact(): void {
    const kept: StoredEntry[] = [];
    for (const e of this.items) if (e.alive) kept.push(e);
    this.items = kept;
    // Next compaction after at least as many pushes as there are live entries: amortized O(1).
    this.compactAt = Math.max(MIN_COMPACT, kept.length * 2);
  }
}

/** Fixed-capacity FIFO of one source's entries. */
class SourceRing {
  private slots: StoredEntry[] = [];
  private head = 0;
  size = 0;
  /** entryBytes of the live entries. */
  bytes = 0;

  constructor(readonly capacity: number) {}

  /** Appends; returns the entry pushed out when the ring was full. */
  push(e: StoredEntry): StoredEntry | undefined {
    this.bytes += entryBytes(e);
    if (this.size < this.capacity) {
      const idx = (this.head + this.size) % this.capacity;
      if (idx === this.slots.length) this.slots.push(e);
      else this.slots[idx] = e;
      this.size++;
      return undefined;
    }
    const old = this.slots[this.head]!;
    this.slots[this.head] = e;
    this.head = (this.head + 1) % this.capacity;
    this.bytes -= entryBytes(old);
    return old;
  }

  /** Removes the oldest entry. */
  shift(): StoredEntry | undefined {
    if (this.size === 0) return undefined;
    const old = this.slots[this.head]!;
    // The slot is let go: a shifted entry must not stay reachable from the ring.
    this.slots[this.head] = undefined as unknown as StoredEntry;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    this.bytes -= entryBytes(old);
    return old;
  }

  killAll(): void {
    for (let i = 0; i < this.size; i++) this.slots[(this.head + i) % this.capacity]!.alive = false;
    this.slots = [];
    this.head = 0;
    this.size = 0;
    this.bytes = 0;
  }
}

export interface LogBufferOptions {
  /** Entries kept per source; older ones are dropped first. */
  capacityPerSource?: number;
  /** Entries kept across all sources. */
  maxTotal?: number;
  /** Bytes (entryBytes) kept across all sources: the oldest entries go first (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
}

export class LogBuffer {
  /** Every live entry in arrival order (plus dead ones not yet compacted away). */
  readonly all = new EntryList();
  readonly capacityPerSource: number;
  readonly maxTotal: number;
  readonly maxBytes: number;
  private readonly rings = new Map<string, SourceRing>();
  private nextSeq = 1;
  private liveTotal = 0;
  private liveBytes = 0;
  /** Every entry with a smaller seq is dead: where the search for the oldest live one starts. */
  private oldestSeqHint = 0;
  /** Entries dropped to stay within capacity (not counting removeSource/clear). */
  evicted = 0;

  constructor(options: LogBufferOptions = {}) {
    this.capacityPerSource = Math.max(1, options.capacityPerSource ?? DEFAULT_CAPACITY_PER_SOURCE);
    this.maxTotal = Math.max(1, options.maxTotal ?? DEFAULT_MAX_TOTAL);
    this.maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
  }

  /** entryBytes of every live entry: at most maxBytes (plus the newest entry's, when that alone is larger). */
  get bytes(): number {
    return this.liveBytes;
  }

  get size(): number {
    return this.liveTotal;
  }

  /** Seq the next pushed entry will get. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  sourceSize(source: string): number {
    return this.rings.get(source)?.size ?? 0;
  }

  push(entry: NewLogEntry): LogEntry {
    const stored = new StoredEntry(this.nextSeq++, entry);
    let ring = this.rings.get(entry.source);
    if (!ring) {
      ring = new SourceRing(this.capacityPerSource);
      this.rings.set(entry.source, ring);
    }
    const out = ring.push(stored);
    this.liveBytes += entryBytes(stored);
    if (out) {
      out.alive = false;
      this.liveBytes -= entryBytes(out);
      this.evicted++;
    } else {
      this.liveTotal++;
    }
    this.all.push(stored);
    if (this.liveTotal > this.maxTotal) this.evictOldest();
    // Never the entry just pushed: one line larger than the budget still shows.
    while (this.liveBytes > this.maxBytes && this.liveTotal > 1) if (!this.evictOldest()) break;
    return stored;
  }

  /** Drops every entry of one source (its pane was closed). */
  removeSource(source: string): void {
    const ring = this.rings.get(source);
    if (!ring) return;
    this.liveTotal -= ring.size;
    this.liveBytes -= ring.bytes;
    ring.killAll();
    this.rings.delete(source);
  }

  clear(): void {
    for (const ring of this.rings.values()) ring.killAll();
    this.rings.clear();
    this.all.clear();
    this.liveTotal = 0;
    this.liveBytes = 0;
    this.oldestSeqHint = 0;
  }

  /** The globally oldest live entry is also the oldest of its own source: shift that ring. */
  private evictOldest(): boolean {
    const idx = this.all.liveAtOrAfter(this.all.lowerBound(this.oldestSeqHint));
    if (idx < 0) return false;
    const victim = this.all.at(idx) as StoredEntry;
    const shifted = this.rings.get(victim.source)?.shift();
    this.oldestSeqHint = victim.seq;
    if (!shifted) return false;
    shifted.alive = false;
    this.liveTotal--;
    this.liveBytes -= entryBytes(shifted);
    this.evicted++;
    return true;
  }
}
