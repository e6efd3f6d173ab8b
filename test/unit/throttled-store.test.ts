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
});
