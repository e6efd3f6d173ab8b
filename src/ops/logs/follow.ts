// One log stream of one node, as lines: a service log, a Kubernetes container log or the kernel ring,
// read once (tail N) or followed through drops and reboots. Shared by the Logs pane (src/features/logs/source.ts) and
// the headless `logs` / `dmesg` commands, so both reconnect, de-duplicate and refuse the same way.
//
// Following: one resilientStream (jittered backoff 250 ms -> 10 s) per (node, source). The first open
// asks for the last `tail` lines; a reopen after a gap asks for a small tail and drops what was already
// shown (see src/core/logs/resync.ts for the rule and its limits). A node that reboots simply fails to reconnect until
// it is back on the same address; where it comes back elsewhere is the apply/discovery flow's business.
// A refusal (maintenance mode, Talos <= 1.12 Unimplemented, missing role, unknown log) ends the follow
// at once: retrying cannot fix it and would only hammer the node (follow-failures.ts judges errors).
import { LineSplitter } from '../../core/logs/line-splitter.js';
import { safeText } from '../../core/terminal-text.js';
import { machine, resilientStream, type NodeTarget, type StreamEvent, type TalosError } from '../../talos/index.js';
import { followFailure, isUnreachable, shouldReopen } from './follow-failures.js';
import { selectorName, type LogSelector } from '../../core/logs/selector.js';
import { alignResumedTail, KmsgReplayFilter, kmsgAfter, kmsgKey, RecentLines, RESUME_TAIL, type KmsgKey, type ResumeOutcome } from '../../core/logs/resync.js';

export interface FollowOptions {
  target: NodeTarget;
  selector: LogSelector;
  /** Lines of history on the first open; -1 = everything the node keeps. */
  tail: number;
  /** Keep streaming new lines (and reconnect); false reads the tail once. */
  follow: boolean;
  signal: AbortSignal;
  /** The target is a maintenance-mode (insecure) connection: refusals are explained as such. */
  insecure?: boolean;
  /** Lines asked for when reopening after a gap (default RESUME_TAIL). */
  resumeTail?: number;
  /** How long a reopened tail may take to arrive before it is aligned with what was shown (default 300 ms). */
  resyncWindowMs?: number;
  /** dmesg -f with tail N: how long the last N records are held back while the ring is read, and how long
   *  a pause means it was read (defaults RING_HOLD_MS / RING_QUIET_MS; see firstKernelOpen). */
  ringHold?: { maxMs: number; quietMs: number };
  /** Backoff bounds (tests shorten them). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Reads that must end (without follow, and dmesg's history): longest silence from the node (default 20 s). */
  readIdleTimeoutMs?: number;
}

export interface GapInfo {
  /** The sentence describing why the stream broke or why the last reopen failed. */
  reason: string;
  /** Consecutive failed opens in this gap, from 1 (1 = the gap just started). */
  attempt: number;
  retryInMs: number;
  /** The node cannot be reached (down, rebooting), rather than the stream alone breaking. */
  unreachable: boolean;
  /** Lines had been shown before: the gap is a hole in the output (otherwise still connecting). */
  afterData: boolean;
}

export interface ResumeInfo {
  gapMs: number;
  outcome: ResumeOutcome;
}

export interface FollowHandlers {
  lines(lines: string[]): void;
  /** The stream delivers (first data after each open). */
  live?(): void;
  /** The connection is full: the open waits in line for a free call (true), or got one (false). See src/talos/call-slots.ts. */
  queued?(waiting: boolean): void;
  gap?(info: GapInfo): void;
  /** Called once per gap that followed shown lines, before the lines that come after it. */
  resumed?(info: ResumeInfo): void;
  /** A promise while the consumer cannot take more lines (a full stdout pipe): reading pauses, so the
   *  node's stream is flow-controlled instead of lines piling up in memory. */
  backpressure?(): Promise<void> | null;
}

export type FollowEnd =
  | { kind: 'ended' }
  | { kind: 'aborted' }
  /** The node refuses this log: retrying cannot help. `maintenance`: the insecure API refused it. */
  | { kind: 'refused'; message: string; maintenance: boolean }
  | { kind: 'failed'; message: string };

const DEFAULT_RESYNC_WINDOW_MS = 300;
/** A node that accepts TCP and never answers must not hang a read that is meant to end. */
const DEFAULT_READ_IDLE_TIMEOUT_MS = 20_000;
/** Lines of a whole kernel ring handed on at once when it is printed as it arrives. */
const RING_BATCH_LINES = 512;
/** dmesg's first open: how long a pause in the stream means the ring has been read. */
const RING_QUIET_MS = 100;
/** dmesg's first open: the longest the last N records are held back before records show as they come. */
const RING_HOLD_MS = 1_000;
/** Headless `dmesg -f --tail N` promises the last N records: it waits longer for the ring to end. */
export const EXACT_RING_HOLD = { maxMs: 10_000, quietMs: 500 };
/** Longest stretch of stream handling before the event loop gets a turn. */
const YIELD_AFTER_MS = 8;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function followLog(opts: FollowOptions, handlers: FollowHandlers): Promise<FollowEnd> {
  return new Follower(opts, handlers).run();
}

/** A complete kernel record per message (with or without its trailing newline; maybe continuation lines). */
function recordLines(bytes: Uint8Array, decoder: TextDecoder): string[] {
  const text = decoder.decode(bytes);
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * The last N kernel records of a ring being read, until the ring is read (the stream paused) or they
 * were held long enough. Both clocks start with the first record: connecting is not a pause.
 */
class HeldTail {
  private lines: string[] = [];
  private holdUntil = Infinity;
  private lastArrival = Infinity;
  private timer: Promise<'tick'> | null = null;

  constructor(
    private readonly tail: number,
    private readonly limits = { maxMs: RING_HOLD_MS, quietMs: RING_QUIET_MS },
  ) {}

  push(lines: readonly string[]): void {
    this.lastArrival = performance.now();
    if (this.holdUntil === Infinity) this.holdUntil = this.lastArrival + this.limits.maxMs;
    for (const l of lines) this.lines.push(l);
    if (this.lines.length > this.tail * 2) this.lines = this.lines.slice(-this.tail);
  }

  take(): string[] {
    const out = this.lines.slice(-this.tail);
    this.lines = [];
    return out;
  }

  /** The next record, or 'flush' once the stream paused for quietMs or maxMs passed. */
  async next<T>(pending: Promise<T>): Promise<T | 'flush'> {
    if (this.lastArrival === Infinity) return pending;
    const { quietMs } = this.limits;
    for (;;) {
      const now = performance.now();
      if (now >= this.holdUntil || now - this.lastArrival >= quietMs) return 'flush';
      // One timer per quiet period, not one per record: a ring is hundreds of records.
      this.timer ??= new Promise((resolve) => setTimeout(() => resolve('tick'), Math.min(quietMs - (now - this.lastArrival), this.holdUntil - now)));
      const r = await Promise.race([pending, this.timer]);
      if (r !== 'tick') return r;
      this.timer = null;
    }
  }
}

class Follower {
  private readonly resumeTail: number;
  private readonly recent: RecentLines;
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Lines were shown at least once: later opens are resumptions. */
  private delivered = false;
  /** The current open delivered data. */
  private live = false;
  /** The current open is a resumption (asks the small tail and is aligned). */
  private resumingOpen = false;
  private aligning: { lines: string[]; timer: ReturnType<typeof setTimeout>; gapMs: number } | null = null;
  /** dmesg: newest record shown, and the replay filter of the current open. */
  private lastKmsg: KmsgKey | null = null;
  private kmsgFilter: KmsgReplayFilter | null = null;
  private pendingKmsgResume: number | null = null;

  constructor(
    private readonly o: FollowOptions,
    private readonly h: FollowHandlers,
  ) {
    this.resumeTail = Math.max(1, o.resumeTail ?? RESUME_TAIL);
    this.recent = new RecentLines(this.resumeTail);
  }

  private get what(): string {
    return this.o.selector.kind === 'dmesg' ? 'kernel messages (dmesg)' : `logs of ${selectorName(this.o.selector)}`;
  }

  async run(): Promise<FollowEnd> {
    try {
      if (!this.o.follow) {
        await this.readOnce();
        return this.o.signal.aborted ? { kind: 'aborted' } : { kind: 'ended' };
      }
      const events = resilientStream<string[]>((ctx) => this.open(ctx.signal), {
        signal: this.o.signal,
        shouldRetry: (err) => shouldReopen(err, this.delivered),
        initialDelayMs: this.o.initialDelayMs,
        maxDelayMs: this.o.maxDelayMs,
      });
      let sliceStart = performance.now();
      for await (const ev of events) {
        this.onEvent(ev);
        const full = this.h.backpressure?.();
        if (full) await full;
        // A flooding stream resolves message after message as microtasks: give timers (the UI's
        // repaint) and key presses a turn every few milliseconds.
        if (performance.now() - sliceStart > YIELD_AFTER_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
      this.finishAlign();
      return this.o.signal.aborted ? { kind: 'aborted' } : { kind: 'ended' };
    } catch (err) {
      this.finishAlign();
      return followFailure(err, { signal: this.o.signal, insecure: this.o.insecure === true, node: this.o.target.node, what: this.what });
    }
  }

  // ---- reading once

  private async readOnce(): Promise<void> {
    const { target, selector, signal, tail } = this.o;
    if (selector.kind === 'dmesg') {
      // Everything: printed as it arrives (memory stays flat whatever the ring holds). Last N: only
      // N lines are ever kept, since the wire has no "last N" for dmesg.
      if (tail < 0) await this.readKernelRing(signal, { keep: 0, onLines: (lines) => this.deliverPaced(lines) });
      else this.deliver(await this.readKernelRing(signal, { keep: tail }));
      return;
    }
    const splitter = new LineSplitter();
    const idleTimeoutMs = this.o.readIdleTimeoutMs ?? DEFAULT_READ_IDLE_TIMEOUT_MS;
    const stream = machine.logs(target, { id: selector.id, kubernetes: selector.kind === 'container', follow: false, tailLines: tail }, { signal, idleTimeoutMs });
    for await (const chunk of stream) {
      const lines = splitter.push(chunk);
      if (lines.length > 0) this.deliver(lines);
      const full = this.h.backpressure?.();
      if (full) await full;
    }
    const rest = splitter.flush();
    if (rest.length > 0) this.deliver(rest);
  }

  /**
   * Reads the kernel ring once, keeping only its last `keep` lines (returned); `onLines` also gets
   * every line in batches as they arrive. Reads without follow only: the follow reads its ring in firstKernelOpen.
   */
  private async readKernelRing(signal: AbortSignal, o: { keep: number; onLines?: (lines: string[]) => Promise<void> }): Promise<string[]> {
    let kept: string[] = [];
    let batch: string[] = [];
    const idleTimeoutMs = this.o.readIdleTimeoutMs ?? DEFAULT_READ_IDLE_TIMEOUT_MS;
    for await (const chunk of machine.dmesg(this.o.target, { follow: false, tail: false, signal, idleTimeoutMs })) {
      for (const l of recordLines(chunk, this.decoder)) {
        if (o.keep > 0) kept.push(l);
        if (o.onLines) batch.push(l);
      }
      // Trimmed in steps, so keeping the last N costs O(1) per line.
      if (kept.length > 2 * o.keep + 1024) kept = kept.slice(-o.keep);
      if (o.onLines && batch.length >= RING_BATCH_LINES) {
        await o.onLines(batch);
        batch = [];
      }
    }
    if (o.onLines && batch.length > 0) await o.onLines(batch);
    return o.keep > 0 ? kept.slice(-o.keep) : [];
  }

  /** Delivers, then waits while the consumer is full (a slow pipe pauses the read instead of filling memory). */
  private async deliverPaced(lines: string[]): Promise<void> {
    this.deliver(lines);
    const full = this.h.backpressure?.();
    if (full) await full;
  }

  // ---- following

  /** A follow's call options: its signal, and the wait for a free call on a full connection reported. */
  private followCall(signal: AbortSignal): { signal: AbortSignal; onQueued: (waiting: boolean) => void } {
    return { signal, onQueued: (waiting) => this.h.queued?.(waiting) };
  }

  /**
   * One open of the stream, as batches of lines (resilientStream reopens it and iterates it at once).
   * Plain functions hand over the one generator that reads: every generator in between would cost
   * each message another round of promises.
   */
  private open(signal: AbortSignal): AsyncGenerator<string[]> {
    this.resumingOpen = this.delivered;
    if (this.o.selector.kind === 'dmesg') return this.openKernelRing(signal);
    return this.openLog(signal, this.o.selector);
  }

  private async *openLog(signal: AbortSignal, selector: Extract<LogSelector, { id: string }>): AsyncGenerator<string[]> {
    // A fresh splitter per open: the half line the broken stream left behind comes again whole.
    const splitter = new LineSplitter();
    const tailLines = this.resumingOpen ? this.resumeTail : this.o.tail;
    const stream = machine.logs(this.o.target, { id: selector.id, kubernetes: selector.kind === 'container', follow: true, tailLines }, this.followCall(signal));
    for await (const chunk of stream) {
      const lines = splitter.push(chunk);
      if (lines.length > 0) yield lines;
    }
  }

  private openKernelRing(signal: AbortSignal): AsyncGenerator<string[]> {
    return !this.resumingOpen && this.lastKmsg === null ? this.firstKernelOpen(signal) : this.replayKernelRing(signal);
  }

  /**
   * A reopen after a gap: the wire has no "from record X", so the ring is replayed and only the
   * records newer than the last one shown are kept (resync.ts).
   */
  private async *replayKernelRing(signal: AbortSignal): AsyncGenerator<string[]> {
    const filter = new KmsgReplayFilter(this.lastKmsg);
    this.kmsgFilter = filter;
    for await (const chunk of machine.dmesg(this.o.target, { follow: true, tail: false, ...this.followCall(signal) })) {
      const kept = filter.filter(recordLines(chunk, this.decoder));
      this.lastKmsg = filter.newest;
      // Empty batches too: they tell the consumer the stream is live again.
      yield kept;
    }
  }

  /**
   * The first open reads each ring once: Talos's Dmesg with follow and without tail reads /dev/kmsg
   * from its oldest record and then waits for new ones, all on one stream (tail=true seeks to the end:
   * only new records, which is what tail 0 asks for). The wire has no "last N", and nothing marks
   * where the ring ends, so the last N records are held back until the stream pauses (the ring was
   * read) or for at most RING_HOLD_MS; after that records show as they arrive, so a ring that comes
   * slowly shows more than N records rather than nothing for a long while. Nothing is read twice.
   */
  private async *firstKernelOpen(signal: AbortSignal): AsyncGenerator<string[]> {
    const tail = this.o.tail;
    const records = machine.dmesg(this.o.target, { follow: true, tail: tail === 0, ...this.followCall(signal) })[Symbol.asyncIterator]();
    const take = (chunk: Uint8Array): string[] => {
      const lines = recordLines(chunk, this.decoder);
      for (const l of lines) {
        const k = kmsgKey(l);
        if (k && (this.lastKmsg === null || kmsgAfter(k, this.lastKmsg))) this.lastKmsg = k;
      }
      return lines;
    };
    try {
      let pending = records.next();
      if (tail > 0) {
        const held = new HeldTail(tail, this.o.ringHold);
        try {
          for (let first = true; ; first = false) {
            const r = await held.next(pending);
            if (r === 'flush') break;
            if (r.done) {
              yield held.take();
              return;
            }
            if (first) yield []; // live: the status line stops saying "connecting"
            pending = records.next();
            held.push(take(r.value));
          }
        } catch (err) {
          const rest = held.take();
          if (rest.length > 0) yield rest;
          throw err;
        }
        yield held.take();
      }
      for (;;) {
        const r = await pending;
        if (r.done) return;
        pending = records.next();
        yield take(r.value);
      }
    } finally {
      void records.return?.();
    }
  }

  private onEvent(ev: StreamEvent<string[]>): void {
    if (ev.kind === 'data') this.onBatch(ev.msg);
    else if (ev.kind === 'gap') this.onGap(ev.error, ev.attempt, ev.retryInMs);
    else this.onResumed(ev.gapMs);
  }

  private onBatch(lines: string[]): void {
    if (!this.live) {
      this.live = true;
      this.h.live?.();
    }
    // dmesg: the replay's first record tells whether the ring still holds the last record shown.
    this.flushKmsgResume();
    if (this.aligning) {
      for (const l of lines) this.aligning.lines.push(l);
      if (this.aligning.lines.length >= this.resumeTail) this.finishAlign();
      return;
    }
    if (lines.length > 0) this.deliver(lines);
  }

  private onGap(error: TalosError, attempt: number, retryInMs: number): void {
    this.finishAlign();
    this.flushKmsgResume();
    this.live = false;
    this.h.gap?.({ reason: error.message, attempt, retryInMs, unreachable: isUnreachable(error), afterData: this.delivered });
  }

  private onResumed(gapMs: number): void {
    if (!this.resumingOpen) return; // a first open that needed retries: nothing to resume
    if (this.o.selector.kind === 'dmesg') {
      // Reported with the replay's first message, once it showed whether it joins up with the past.
      this.pendingKmsgResume = gapMs;
      return;
    }
    const timer = setTimeout(() => this.finishAlign(), this.o.resyncWindowMs ?? DEFAULT_RESYNC_WINDOW_MS);
    this.aligning = { lines: [], timer, gapMs };
  }

  /** The reopened tail is in (or its time is up): report the gap's outcome, then show what is new. */
  private finishAlign(): void {
    const a = this.aligning;
    if (!a) return;
    this.aligning = null;
    clearTimeout(a.timer);
    const { fresh, outcome } = alignResumedTail(this.recent.all, a.lines, this.resumeTail);
    this.h.resumed?.({ gapMs: a.gapMs, outcome });
    if (fresh.length > 0) this.deliver(fresh);
  }

  private flushKmsgResume(): void {
    if (this.pendingKmsgResume === null) return;
    const gapMs = this.pendingKmsgResume;
    this.pendingKmsgResume = null;
    this.h.resumed?.({ gapMs, outcome: this.kmsgFilter?.overlap ? 'complete' : 'restarted' });
  }

  private deliver(lines: string[]): void {
    if (this.o.signal.aborted) return;
    if (this.o.selector.kind !== 'dmesg') this.recent.push(lines);
    this.delivered = true;
    // The one place log and kernel lines from the wire reach a consumer (pane or headless printer):
    // escape sequences a process wrote to its log never reach the terminal (tabs stay for pipes).
    this.h.lines(lines.map(safeText));
  }
}
