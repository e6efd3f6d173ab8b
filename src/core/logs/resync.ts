// What to keep when a dropped log stream is reopened. Pure logic, no I/O.
//
// Decision (documented in README-style here because both the pane and the headless commands rely on it):
// - Service and container logs: a reopen asks for a small tail (RESUME_TAIL lines) and drops the lines
//   already shown. The reopened tail is "the end of what we saw, then what was written during the gap",
//   so the lines we received last should appear in it; what follows them is new (alignResumedTail).
//   No overlap and a full tail means the gap was longer than the tail: lines may be missing. No overlap
//   and a short tail means the log started again (the node rebooted): nothing is repeated.
//   Identical repeated lines make the overlap ambiguous; the earliest overlap wins, so a line may
//   rather be shown twice than hidden.
// - dmesg has no "last N" on the wire (DmesgRequest.tail only means "start at the end"): a reopen replays
//   the kernel ring and keeps only the records newer than the last timestamp shown. Kernel records carry
//   wall-clock nanosecond timestamps, so this is exact within a boot and keeps a new boot's records.

/** Lines asked for when a service/container stream is reopened after a gap. */
export const RESUME_TAIL = 200;

export type ResumeOutcome =
  /** The reopened tail overlapped what was shown: nothing was missed. */
  | 'complete'
  /** No overlap although the whole tail came back: lines written during the gap may be missing. */
  | 'maybe-missing'
  /** No overlap and fewer lines than asked for: the log started over (the node rebooted). */
  | 'restarted';

/**
 * The lines of a reopened tail that were not shown before.
 * `seen`: the last lines shown before the gap (oldest first). `tail`: the reopened stream's first lines.
 *
 * The tail is the last `asked` lines of the log. Where it reaches further back than what was seen (the
 * first open asked for fewer lines), all of `seen` appears inside it: its earliest full occurrence
 * ends the old part. Where the gap was short, the tail starts inside `seen`: the longest prefix of the
 * tail that is a suffix of `seen` is the old part. The earliest match is taken so that a repeated line
 * is rather shown twice than hidden.
 */
export function alignResumedTail(seen: readonly string[], tail: readonly string[], asked: number): { fresh: string[]; outcome: ResumeOutcome } {
  if (seen.length === 0) return { fresh: [...tail], outcome: 'complete' };
  const p = seen.length;
  // 1. All of `seen` inside the tail (earliest occurrence).
  for (let end = p; end <= tail.length; end++) {
    let same = true;
    for (let i = 0; i < p; i++) {
      if (tail[end - p + i] !== seen[i]) {
        same = false;
        break;
      }
    }
    if (same) return { fresh: tail.slice(end), outcome: 'complete' };
  }
  // 2. The tail starts inside `seen`: longest tail prefix == seen suffix.
  for (let j = Math.min(p - 1, tail.length); j > 0; j--) {
    let same = true;
    for (let i = 0; i < j; i++) {
      if (tail[i] !== seen[p - j + i]) {
        same = false;
        break;
      }
    }
    if (same) return { fresh: tail.slice(j), outcome: 'complete' };
  }
  return { fresh: [...tail], outcome: tail.length >= asked ? 'maybe-missing' : 'restarted' };
}

/** The last `capacity` lines delivered, for alignment after a gap. Cheap per batch. */
export class RecentLines {
  private lines: string[] = [];

  constructor(private readonly capacity = RESUME_TAIL) {}

  push(batch: readonly string[]): void {
    if (batch.length >= this.capacity) {
      this.lines = batch.slice(batch.length - this.capacity);
      return;
    }
    for (const l of batch) this.lines.push(l);
    // Trim in bulk, not per line.
    if (this.lines.length > this.capacity * 2) this.lines = this.lines.slice(this.lines.length - this.capacity);
  }

  get all(): readonly string[] {
    return this.lines.length > this.capacity ? this.lines.slice(this.lines.length - this.capacity) : this.lines;
  }

  get size(): number {
    return Math.min(this.lines.length, this.capacity);
  }
}

// ---- dmesg

/** A kernel record's time as [epoch ms, nanoseconds below the ms] for exact ordering. */
export type KmsgKey = readonly [number, number];

// "<facility>: <priority>: [<RFC3339Nano>]: " — only the timestamp matters here.
const KMSG_TS = /^[a-z0-9]+: {0,6}[a-z]+: \[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})\]: /;

/** The record's key, or null for a line that is not a record head (a continuation line). */
export function kmsgKey(line: string): KmsgKey | null {
  const m = KMSG_TS.exec(line);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(9, '0');
  const ms = Date.parse(`${m[1]}.${frac.slice(0, 3)}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return [ms, Number(frac.slice(3))];
}

export function kmsgAfter(a: KmsgKey, b: KmsgKey): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

/**
 * Filters a replayed kernel ring: drops the records not newer than the last one shown (continuation
 * lines go with their record) until the first newer record, then lets everything through.
 */
export class KmsgReplayFilter {
  /** True once a replayed record was recognised as already shown: the replay joined up with the past. */
  overlap = false;
  /** The newest record key let through (or the boundary when none yet). */
  newest: KmsgKey | null;
  private boundary: KmsgKey | null;
  private keeping: boolean;

  constructor(boundary: KmsgKey | null) {
    this.boundary = boundary;
    this.newest = boundary;
    this.keeping = boundary === null;
  }

  filter(lines: readonly string[]): string[] {
    const kept: string[] = [];
    for (const line of lines) {
      const key = kmsgKey(line);
      if (key) {
        if (this.boundary !== null && !kmsgAfter(key, this.boundary)) {
          this.keeping = false;
          this.overlap = true;
        } else {
          this.keeping = true;
          this.boundary = null;
          this.newest = key;
        }
      }
      if (this.keeping) kept.push(line);
    }
    return kept;
  }
}
