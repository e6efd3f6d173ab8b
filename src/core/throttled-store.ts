// The store every pane uses between a stream and React. Sources mutate their own state as
// fast as data arrives and call notify(); subscribers (useSyncExternalStore) see a frozen
// snapshot at most `maxPerSecond` times a second. A burst of notifications collapses into
// one publication, so the repaint rate is bounded whatever the data rate.
//
// Timing needs no clock: the first notify after a quiet spell publishes on the next tick
// (setTimeout 0, never synchronously inside the caller's mutation), then a cooldown of one
// interval follows; notifications during the cooldown publish once when it ends. Two
// publications are therefore always at least one interval apart.
//
// notifyLazily() is for changes nobody is waiting for (log lines arriving): they publish at most
// `lazyPerSecond` times a second, like a dashboard repainting on a ticker, while notify() (what a
// key press changed) still publishes within one interval, also when lazy changes are pending.

export type FreezeMode = 'shallow' | 'deep' | 'none';

export interface ThrottledStoreOptions<T = unknown> {
  /** Publications per second at most (default 10; the logs pane uses 15). */
  maxPerSecond?: number;
  /**
   * How the snapshot is frozen (default 'shallow'). 'deep' also freezes nested plain objects
   * and arrays: only use it when read() builds fresh objects, never with internal state.
   */
  freeze?: FreezeMode;
  /** Publications per second at most for changes reported with notifyLazily() (default maxPerSecond). */
  lazyPerSecond?: number;
  /**
   * True when a new snapshot would look the same as the published one: nothing is published then
   * (subscribers are not woken, React does not re-render).
   */
  same?: (published: T, next: T) => boolean;
}

type Timer = ReturnType<typeof setTimeout>;

export class ThrottledStore<T> {
  readonly intervalMs: number;
  /** Snapshots handed to subscribers since creation: the repaint count. */
  publications = 0;
  private snapshot: T;
  private readonly listeners = new Set<() => void>();
  private readonly freeze: FreezeMode;
  private readonly same: ((published: T, next: T) => boolean) | undefined;
  readonly lazyIntervalMs: number;
  private timer: Timer | null = null;
  /** When the pending timer fires (Date.now() clock). */
  private timerAt = 0;
  private dirty = false;
  /** A pending change came through notify(): it may not wait for the lazy interval. */
  private urgent = false;
  private lastPublishedAt = -Infinity;
  private disposed = false;

  constructor(
    private readonly read: () => T,
    options: ThrottledStoreOptions<T> = {},
  ) {
    const rate = options.maxPerSecond ?? 10;
    if (!(rate > 0)) throw new RangeError(`maxPerSecond must be positive, got ${rate}`);
    // Whole milliseconds, rounded up: timers truncate fractions, which would let 15/s become 15.2/s.
    this.intervalMs = Math.ceil(1000 / rate);
    const lazyRate = options.lazyPerSecond ?? rate;
    if (!(lazyRate > 0)) throw new RangeError(`lazyPerSecond must be positive, got ${lazyRate}`);
    this.lazyIntervalMs = Math.max(this.intervalMs, Math.ceil(1000 / lazyRate));
    this.freeze = options.freeze ?? 'shallow';
    this.same = options.same;
    this.snapshot = this.frozen(read());
  }

  /** The source changed; a publication will follow within one interval. */
  notify = (): void => {
    if (this.disposed) return;
    this.dirty = true;
    this.urgent = true;
    if (this.timer === null) return this.schedule(0);
    // Waiting out a lazy interval: come back when the cooldown alone ends instead.
    const due = this.lastPublishedAt + this.intervalMs;
    if (this.timerAt > due) {
      clearTimeout(this.timer);
      this.schedule(Math.max(0, due - Date.now()));
    }
  };

  /** The source changed, and nobody waits for it: published within one lazy interval. */
  notifyLazily = (): void => {
    if (this.disposed) return;
    this.dirty = true;
    if (this.timer === null) this.schedule(0);
  };

  /** For useSyncExternalStore: same reference until the next publication. */
  getSnapshot = (): T => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Stops timers and drops subscribers; later notify() calls do nothing. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private schedule(ms: number): void {
    const t = setTimeout(this.tick, ms);
    // A forgotten store must not keep the process alive.
    (t as { unref?: () => void }).unref?.();
    this.timer = t;
    this.timerAt = Date.now() + ms;
  }

  private tick = (): void => {
    this.timer = null;
    if (this.disposed || !this.dirty) return;
    const now = Date.now();
    const wait = this.lastPublishedAt + (this.urgent ? this.intervalMs : this.lazyIntervalMs) - now;
    if (wait > 0) return this.schedule(wait);
    this.dirty = false;
    this.urgent = false;
    const next = this.read();
    if (this.same?.(this.snapshot, next)) return;
    this.lastPublishedAt = now;
    this.snapshot = this.frozen(next);
    this.publications++;
    // Cooldown first: a listener that notifies again must not be able to publish early.
    this.schedule(this.intervalMs);
    for (const l of [...this.listeners]) l();
  };

  private frozen(value: T): T {
    if (this.freeze === 'deep') return deepFreeze(value);
    if (this.freeze === 'shallow' && value !== null && typeof value === 'object') return Object.freeze(value);
    return value;
  }
}

function deepFreeze<V>(value: V): V {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  // Only plain data: freezing a typed array, Map or class instance would break its owner.
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}
