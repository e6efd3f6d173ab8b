import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottledStore } from '../../src/core/throttled-store.js';

describe('ThrottledStore', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function counterStore(maxPerSecond?: number) {
    const state = { n: 0 };
    const store = new ThrottledStore(() => ({ n: state.n }), { maxPerSecond });
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().n));
    return { state, store, seen };
  }

  it('publishes a burst once, on the next tick, not inside the caller', () => {
    const { state, store, seen } = counterStore();
    for (let i = 0; i < 1000; i++) {
      state.n++;
      store.notify();
    }
    expect(seen).toEqual([]); // never synchronously inside the mutation
    vi.advanceTimersByTime(0);
    expect(seen).toEqual([1000]);
    expect(store.publications).toBe(1);
  });

  it('keeps the same snapshot reference between publications, and freezes it', () => {
    const { state, store } = counterStore();
    const a = store.getSnapshot();
    state.n = 5;
    expect(store.getSnapshot()).toBe(a);
    store.notify();
    vi.advanceTimersByTime(0);
    const b = store.getSnapshot();
    expect(b).not.toBe(a);
    expect(b.n).toBe(5);
    expect(Object.isFrozen(b)).toBe(true);
  });

  it('publishes at most maxPerSecond times a second under a continuous stream, and the last state always lands', () => {
    const { state, store, seen } = counterStore(15);
    const times: number[] = [];
    store.subscribe(() => times.push(Date.now()));
    // A change every millisecond for 3 seconds.
    for (let t = 0; t < 3000; t++) {
      state.n++;
      store.notify();
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(1000);
    expect(store.publications).toBeLessThanOrEqual(15 * 3 + 1);
    expect(store.publications).toBeGreaterThanOrEqual(15 * 3 - 1);
    // No one-second window holds more than 15 publications.
    for (let i = 15; i < times.length; i++) expect(times[i]! - times[i - 15]!).toBeGreaterThanOrEqual(1000);
    expect(seen.at(-1)).toBe(3000);
  });

  it('spaces publications at least one interval apart (default 10/s = 100 ms)', () => {
    const { state, store } = counterStore();
    const times: number[] = [];
    store.subscribe(() => times.push(Date.now()));
    const start = Date.now();
    for (let t = 0; t < 1000; t += 7) {
      state.n++;
      store.notify();
      vi.advanceTimersByTime(7);
    }
    vi.advanceTimersByTime(200);
    expect(times.length).toBeGreaterThan(5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(times[0]! - start).toBeLessThan(10);
  });

  it('does nothing without changes, and dispose stops pending publications', () => {
    const { state, store, seen } = counterStore();
    vi.advanceTimersByTime(5000);
    expect(store.publications).toBe(0);
    state.n = 1;
    store.notify();
    store.dispose();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    store.notify();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('unsubscribe stops deliveries to that listener only', () => {
    const { state, store, seen } = counterStore();
    const other: number[] = [];
    const off = store.subscribe(() => other.push(1));
    off();
    state.n = 2;
    store.notify();
    vi.advanceTimersByTime(0);
    expect(seen).toEqual([2]);
    expect(other).toEqual([]);
  });

  it('deep freeze freezes nested plain data but leaves class instances alone', () => {
    class Mutable {
      x = 1;
    }
    const inner = new Mutable();
    const store = new ThrottledStore(() => ({ rows: [{ a: 1 }], inner }), { freeze: 'deep' });
    const snap = store.getSnapshot();
    expect(Object.isFrozen(snap.rows)).toBe(true);
    expect(Object.isFrozen(snap.rows[0])).toBe(true);
    expect(Object.isFrozen(inner)).toBe(false);
  });

  describe('lazy changes (lines arriving) and urgent ones (keys)', () => {
    function lazyStore() {
      const state = { n: 0 };
      const store = new ThrottledStore(() => ({ n: state.n }), { maxPerSecond: 10, lazyPerSecond: 2 });
      const seen: { n: number; at: number }[] = [];
      const t0 = Date.now();
      store.subscribe(() => seen.push({ n: store.getSnapshot().n, at: Date.now() - t0 }));
      return { state, store, seen };
    }

    it('a lone lazy change after a quiet spell shows at once; a stream of them at most lazyPerSecond', () => {
      const { state, store, seen } = lazyStore();
      state.n = 1;
      store.notifyLazily();
      vi.advanceTimersByTime(0);
      expect(seen).toEqual([{ n: 1, at: 0 }]);
      // A change every 10 ms for one second: published every 500 ms (not every 100 ms), the last one included.
      for (let i = 0; i < 100; i++) {
        vi.advanceTimersByTime(10);
        state.n++;
        store.notifyLazily();
      }
      vi.advanceTimersByTime(500);
      expect(seen.map((s) => s.at)).toEqual([0, 500, 1000, 1500]);
      expect(seen.at(-1)!.n).toBe(101);
    });

    it('an urgent change while lazy ones wait publishes after the short cooldown, with them', () => {
      const { state, store, seen } = lazyStore();
      store.notifyLazily();
      vi.advanceTimersByTime(0);
      state.n = 5;
      store.notifyLazily(); // would wait until 500 ms
      vi.advanceTimersByTime(20);
      state.n = 6;
      store.notify(); // a key: within one 100 ms interval of the last publication
      vi.advanceTimersByTime(80);
      expect(seen.map((s) => s.at)).toEqual([0, 100]);
      expect(seen[1]!.n).toBe(6);
    });

    it('publishes nothing when `same` says the new snapshot looks like the published one', () => {
      const state = { shown: 0, hidden: 0 };
      const store = new ThrottledStore(() => ({ ...state }), { same: (a, b) => a.shown === b.shown });
      let wakes = 0;
      store.subscribe(() => wakes++);
      state.hidden++;
      store.notify();
      vi.advanceTimersByTime(1000);
      expect(wakes).toBe(0);
      expect(store.publications).toBe(0);
      state.shown++;
      store.notify();
      vi.advanceTimersByTime(1000);
      expect(wakes).toBe(1);
      expect(store.getSnapshot()).toEqual({ shown: 1, hidden: 1 });
    });
  });
});
