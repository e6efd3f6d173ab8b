// Calls in flight on one HTTP/2 connection, bounded, with a queue. Every call to a Talos node goes
// through apid on the endpoint (the `node` header), so following dmesg on 500 nodes is 500 streams on
// the endpoint's connection, and the Status pane's polls and the source picker's queries share it.
//
// Why a bound although apid sets none: Talos's apid (pkg/grpc/factory, internal/app/apid) leaves
// grpc-go's MaxConcurrentStreams unset, so it advertises no SETTINGS_MAX_CONCURRENT_STREAMS and
// accepts any number. Another server (a proxy in front of apid, the simulator when configured) may
// advertise less, and then Node's HTTP/2 layer holds the extra streams back without a word: a silent
// stall. RFC 9113 §6.5.2 recommends servers allow at least 100, so 100 per connection never goes past
// what a server allows; more calls open another connection (endpoint-pool.ts) or wait here, where the
// wait is visible (onQueued) instead of silent.
//
// Streams that follow (logs, dmesg -f) hold their slot for as long as they run, unary calls for
// milliseconds: streams may take at most `maxStreams` slots, so the rest stay free for polls and picker
// queries, and a unary call waiting is served before any stream waiting.

export interface CallLimits {
  /** Calls in flight on one connection, streams and unary calls together. */
  maxCalls: number;
  /** Of those, at most this many streams (the rest is kept for unary calls). */
  maxStreams: number;
}

export const DEFAULT_CALL_LIMITS: CallLimits = { maxCalls: 100, maxStreams: 80 };

export type CallKind = 'unary' | 'stream';

export interface TakeOptions {
  signal?: AbortSignal;
  /** Called with true when the call must wait for a slot, then false when it got one (not when aborted). */
  onQueued?: (queued: boolean) => void;
}

/** What ends a wait in line: the caller's signal, or the call's deadline (the wait counts towards it). */
export function waitSignal(signal: AbortSignal | undefined, deadlineMs: number | undefined): AbortSignal | undefined {
  const timeout = deadlineMs !== undefined ? AbortSignal.timeout(Math.max(1, deadlineMs)) : undefined;
  if (!signal || !timeout) return signal ?? timeout;
  return AbortSignal.any([signal, timeout]);
}

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

interface Waiter<T> {
  kind: CallKind;
  grant: (value: T) => void;
}

/**
 * Calls waiting for room, first come first served within a kind, unary calls before streams.
 * `start(kind)` starts a call if there is room (its slot taken) or answers null; `pump()` is called
 * whenever room may have appeared.
 */
export class WaitLine<T> {
  private readonly waiting: Record<CallKind, Waiter<T>[]> = { unary: [], stream: [] };

  constructor(private readonly start: (kind: CallKind) => T | null) {}

  get length(): number {
    return this.waiting.unary.length + this.waiting.stream.length;
  }

  waitingFor(kind: CallKind): number {
    return this.waiting[kind].length;
  }

  /** Started now when nothing of its kind waits and there is room, else null (nothing queued). */
  tryTake(kind: CallKind): T | null {
    return this.waiting[kind].length === 0 ? this.start(kind) : null;
  }

  /** Started at once when nothing of its kind waits and there is room; else in line until there is. */
  take(kind: CallKind, opts: TakeOptions = {}): Promise<T> {
    const now = this.tryTake(kind);
    if (now !== null) return Promise.resolve(now);
    const { signal, onQueued } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        kind,
        grant: (value) => {
          signal?.removeEventListener('abort', onAbort);
          onQueued?.(false);
          resolve(value);
        },
      };
      const onAbort = () => {
        const line = this.waiting[kind];
        const i = line.indexOf(waiter);
        if (i >= 0) line.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting[kind].push(waiter);
      onQueued?.(true);
    });
  }

  pump(): void {
    for (const kind of ['unary', 'stream'] as const) {
      const line = this.waiting[kind];
      while (line.length > 0) {
        const started = this.start(kind);
        if (started === null) break;
        line.shift()!.grant(started);
      }
    }
  }
}

export class CallSlots {
  readonly limits: CallLimits;
  private running: Record<CallKind, number> = { unary: 0, stream: 0 };
  private readonly line = new WaitLine<Release>((kind) => (this.fits(kind) ? this.grant(kind) : null));
  private readonly freed = new Set<() => void>();

  constructor(limits: Partial<CallLimits> = {}) {
    const maxCalls = Math.max(1, Math.floor(limits.maxCalls ?? DEFAULT_CALL_LIMITS.maxCalls));
    // At least one slot for unary calls, at least one for streams.
    const maxStreams = Math.max(1, Math.min(maxCalls - 1, Math.floor(limits.maxStreams ?? Math.round(maxCalls * 0.8))));
    this.limits = { maxCalls, maxStreams: maxCalls === 1 ? 1 : maxStreams };
  }

  get inFlight(): number {
    return this.running.unary + this.running.stream;
  }

  get streams(): number {
    return this.running.stream;
  }

  get queued(): number {
    return this.line.length;
  }

  /** Called after a slot was given back (an endpoint pool starts its own waiting calls then). */
  onFreed(listener: () => void): () => void {
    this.freed.add(listener);
    return () => this.freed.delete(listener);
  }

  private fits(kind: CallKind): boolean {
    if (this.inFlight >= this.limits.maxCalls) return false;
    return kind === 'unary' || this.running.stream < this.limits.maxStreams;
  }

  /** A slot at once, or null when the call would have to wait (or others of its kind already wait). */
  tryTake(kind: CallKind): Release | null {
    return this.hasRoom(kind) ? this.grant(kind) : null;
  }

  /** A call of this kind would start now: a slot is free and nothing of its kind waits before it. */
  hasRoom(kind: CallKind): boolean {
    return this.line.waitingFor(kind) === 0 && this.fits(kind);
  }

  /** A slot, waiting in line for one when the connection is full; rejects with the signal's reason when aborted while waiting. */
  take(kind: CallKind, opts: TakeOptions = {}): Promise<Release> {
    return this.line.take(kind, opts);
  }

  private grant(kind: CallKind): Release {
    this.running[kind]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running[kind]--;
      this.line.pump();
      for (const l of this.freed) l();
    };
  }
}
