// The store every pane uses between a stream and React. Sources mutate their own state as
// fast as data arrives and call notify(); subscribers (useSyncExternalStore) see a frozen
// snapshot at most `maxPerSecond` times a second. A burst of notifications collapses into
// one publication, so the repaint rate is bounded whatever the data rate.
//
// Timing needs no clock: the first notify after a quiet spell publishes on the next tick
// (setTimeout 0, never synchronously inside the caller's mutation), then a cooldown of one
// interval follows; notifications during the cooldown publish once when it ends. Two
// publications are therefore always at least one interval apart.

export type FreezeMode = 'shallow' | 'deep' | 'none';

export interface ThrottledStoreOptions {
  /** Publications per second at most (default 10; the logs pane uses 15). */
  maxPerSecond?: number;
  /**
   * How the snapshot is frozen (default 'shallow'). 'deep' also freezes nested plain objects
   * and arrays: only use it when read() builds fresh objects, never with internal state.
   */
  freeze?: FreezeMode;
}

type Timer = ReturnType<typeof setTimeout>;

export class ThrottledStore<T> {
  readonly intervalMs: number;
  /** Snapshots handed to subscribers since creation: the repaint count. */
  publications = 0;
  private snapshot: T;
  private readonly listeners = new Set<() => void>();
  private readonly freeze: FreezeMode;
  private timer: Timer | null = null;
  private dirty = false;
  private disposed = false;

  constructor(
    private readonly read: () => T,
    options: ThrottledStoreOptions = {},
  ) {
    const rate = options.maxPerSecond ?? 10;
    if (!(rate > 0)) throw new RangeError(`maxPerSecond must be positive, got ${rate}`);
    // Whole milliseconds, rounded up: timers truncate fractions, which would let 15/s become 15.2/s.
    this.intervalMs = Math.ceil(1000 / rate);
    this.freeze = options.freeze ?? 'shallow';
    this.snapshot = this.frozen(read());
  }

  /** The source changed; a publication will follow within one interval. */
  notify = (): void => {
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
  }

  private tick = (): void => {
    this.timer = null;
    if (this.disposed || !this.dirty) return;
    this.dirty = false;
    this.snapshot = this.frozen(this.read());
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
