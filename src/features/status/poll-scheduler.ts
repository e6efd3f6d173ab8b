// One scheduler for the Status pane's per-node polling (services, etcd, the node summary). Every node
// has its own next-due time, as the Talos dashboard gives every node its own ticker: nodes drift
// apart instead of all being asked in one burst, whose 500 replies landing together made every key
// wait behind them. What the screen shows is "focused" and polled every period; the rest every
// `backgroundEvery` periods (still fresh when the operator switches to it). Calls start at most
// `maxPerSecond` a second, what is on screen first and then the longest waiting (no node starves),
// in batches at most every BATCH_MS; a node whose previous poll is still in flight when it is due is
// skipped until its next turn (a slow or dead node never delays the others, and calls never pile up
// on it).
export interface PollSchedulerOptions {
  /** One node's poll (its calls and the bookkeeping); the scheduler only times it. */
  poll: (node: string) => Promise<void>;
  /** How often a focused node is polled. */
  periodMs: number;
  /** Nodes not focused are polled every this many periods (default 4). */
  backgroundEvery?: number;
  /** Polls started per second at most (default 100); the first look at many nodes spreads out too. */
  maxPerSecond?: number;
  /**
   * Background polls per second at most, on average (default: no bound): past that many nodes the
   * background period grows with the node count (500 nodes at 25/s: each every 20 s).
   */
  maxBackgroundPerSecond?: number;
  now?: () => number;
}

/** Batches of starts are at least this far apart: a handful of wake-ups a second at any node count. */
const BATCH_MS = 100;

interface Entry {
  due: number;
  inFlight: boolean;
}

type Timer = ReturnType<typeof setTimeout>;

export class PollScheduler {
  private readonly entries = new Map<string, Entry>();
  /** null until setFocus: every node is then polled every period (a source nobody told what is shown). */
  private focus: Set<string> | null = null;
  private readonly periodMs: number;
  private readonly backgroundEvery: number;
  private readonly maxPerSecond: number;
  private readonly maxBackgroundPerSecond: number;
  private readonly now: () => number;
  /** Periods are multiplied by this while the pane is hidden; 0 = paused (nothing is polled). */
  private slow = 1;
  private tokens: number;
  private tokensAt: number;
  private timer: Timer | null = null;
  private timerAt = Infinity;
  private lastBatchAt = -Infinity;
  private stopped = false;

  constructor(private readonly opts: PollSchedulerOptions) {
    this.periodMs = opts.periodMs;
    this.backgroundEvery = opts.backgroundEvery ?? 4;
    this.maxPerSecond = opts.maxPerSecond ?? 100;
    this.maxBackgroundPerSecond = opts.maxBackgroundPerSecond ?? Infinity;
    this.now = opts.now ?? Date.now;
    this.tokens = this.burst;
    this.tokensAt = this.now();
  }

  /** The nodes to poll, in the order a first look asks them. New nodes are due now; gone ones are forgotten. */
  setNodes(nodes: readonly string[]): void {
    const now = this.now();
    const next = new Map<string, Entry>();
    for (const n of nodes) next.set(n, this.entries.get(n) ?? { due: now, inFlight: false });
    this.entries.clear();
    for (const [n, e] of next) this.entries.set(n, e);
    this.wake();
  }

  /** The nodes on screen: polled every period. A node that just came into view is due now. */
  setFocus(nodes: readonly string[]): void {
    const next = new Set(nodes);
    const now = this.now();
    for (const n of next) {
      const e = this.entries.get(n);
      // Just focused: its data may be a background period old, so ask now.
      if (e && this.focus && !this.focus.has(n)) e.due = Math.min(e.due, now);
    }
    this.focus = next;
    this.wake();
  }

  /** Slower periods while hidden (factor > 1), paused at 0, normal at 1. Back to 1: the focus is due now. */
  setSlow(factor: number): void {
    if (factor === this.slow) return;
    const faster = this.slow === 0 || (factor !== 0 && factor < this.slow);
    this.slow = factor;
    // Shown again: what is on screen may be several slow periods old.
    if (faster) this.pollNow(this.focus ?? this.entries.keys());
    else this.wake();
  }

  /** These nodes (default: every node) are due now; still subject to the rate and in-flight rules. */
  pollNow(nodes: Iterable<string> = this.entries.keys()): void {
    const now = this.now();
    for (const n of nodes) {
      const e = this.entries.get(n);
      if (e) e.due = Math.min(e.due, now);
    }
    this.wake();
  }

  /** Nothing is started any more; a poll in flight finishes on its own (its caller aborts it). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private get burst(): number {
    return Math.max(1, Math.round((this.maxPerSecond * BATCH_MS) / 1000));
  }

  private periodOf(node: string): number {
    if (this.isFocused(node)) return this.periodMs * this.slow;
    const background = Math.max(this.periodMs * this.backgroundEvery, (this.entries.size / this.maxBackgroundPerSecond) * 1000);
    return background * this.slow;
  }

  private isFocused(node: string): boolean {
    return this.focus === null || this.focus.has(node);
  }

  /** Start what is due (within the token budget), then sleep until the next batch can start. */
  private run = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped || this.slow === 0) return;
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) * this.maxPerSecond) / 1000);
    this.tokensAt = now;
    this.lastBatchAt = now;
    // What is on screen first, then the longest waiting: a background node waits at most until the
    // focused ones (a handful) are served.
    const rank = (node: string) => (this.isFocused(node) ? 0 : 1);
    const due = [...this.entries].filter(([, e]) => e.due <= now).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1].due - b[1].due);
    for (const [node, e] of due) {
      if (e.inFlight) {
        // Still waiting for the last answer: skip this turn rather than pile a second call on it.
        e.due = now + this.periodOf(node);
        continue;
      }
      if (this.tokens < 1) break;
      this.tokens -= 1;
      e.inFlight = true;
      e.due = now + this.periodOf(node);
      void this.opts
        .poll(node)
        .catch(() => undefined)
        .finally(() => {
          e.inFlight = false;
        });
    }
    this.wake();
  };

  /** (Re)arm the one timer for the earliest moment something can start. */
  private wake(): void {
    if (this.stopped || this.slow === 0 || this.entries.size === 0) return;
    let earliest = Infinity;
    for (const e of this.entries.values()) if (e.due < earliest) earliest = e.due;
    if (earliest === Infinity) return;
    const now = this.now();
    // Tokens short: wait until a whole batch's worth is back (or what is due, if fewer).
    const backlog = [...this.entries.values()].filter((e) => e.due <= now && !e.inFlight).length;
    const need = Math.min(this.burst, Math.max(1, backlog));
    const tokensReady = this.tokens >= need ? now : now + ((need - this.tokens) * 1000) / this.maxPerSecond;
    const at = Math.max(earliest, tokensReady, this.lastBatchAt + BATCH_MS);
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.run, Math.max(0, at - now));
    (this.timer as { unref?: () => void }).unref?.();
  }
}
