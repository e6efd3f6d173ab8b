// The Status pane's poll scheduler: each node on its own turn, spread over time under a rate cap,
// the nodes on screen every period and the rest less often, no node starved, a slow node never
// delaying the others, nothing left behind by stop().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollScheduler } from '../../src/features/status/poll-scheduler.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);

/** A scheduler whose polls answer at once (or never, for the nodes in `hanging`), logging each start. */
function scheduler(opts: { periodMs: number; backgroundEvery?: number; maxPerSecond?: number; maxBackgroundPerSecond?: number }, hanging = new Set<string>()) {
  const starts: { node: string; at: number }[] = [];
  const release = new Map<string, () => void>();
  const s = new PollScheduler({
    ...opts,
    poll: (node) => {
      starts.push({ node, at: Date.now() });
      if (!hanging.has(node)) return Promise.resolve();
      return new Promise<void>((r) => release.set(node, r));
    },
  });
  const count = (node: string, from = 0, to = Infinity) => starts.filter((x) => x.node === node && x.at >= from && x.at < to).length;
  return { s, starts, count, release };
}

describe('PollScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('spreads a first look at 500 nodes under the rate cap: batches of 10 every 100 ms, each node once', async () => {
    const { s, starts } = scheduler({ periodMs: 60_000, maxPerSecond: 100 });
    s.setNodes(nodes(500));
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(starts.length).toBeGreaterThan(240);
    expect(starts.length).toBeLessThan(270);
    await vi.advanceTimersByTimeAsync(2_600);
    expect(new Set(starts.map((x) => x.node)).size).toBe(500);
    expect(starts).toHaveLength(500);
    // No 100 ms window ever started more than a batch.
    const t0 = starts[0]!.at;
    const perWindow = new Map<number, number>();
    for (const x of starts) perWindow.set(Math.floor((x.at - t0) / 100), (perWindow.get(Math.floor((x.at - t0) / 100)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(10);
    s.stop();
  });

  it('keeps the nodes spread afterwards: steady polling never bunches into one burst', async () => {
    const { s, starts } = scheduler({ periodMs: 1_000, backgroundEvery: 10, maxPerSecond: 100 });
    s.setNodes(nodes(500));
    s.setFocus([]);
    await vi.advanceTimersByTimeAsync(30_000);
    const late = starts.filter((x) => x.at >= 1_000_000 + 10_000);
    // 500 nodes every 10 s: about 50 a second, and never more than a batch in a 100 ms window.
    expect(late.length / 20).toBeGreaterThan(45);
    expect(late.length / 20).toBeLessThan(55);
    const windows = new Map<number, number>();
    for (const x of late) windows.set(Math.floor(x.at / 100), (windows.get(Math.floor(x.at / 100)) ?? 0) + 1);
    expect(Math.max(...windows.values())).toBeLessThanOrEqual(10);
    s.stop();
  });

  it('polls the focused node every period and the others every backgroundEvery periods; a newly focused node at once', async () => {
    const { s, count } = scheduler({ periodMs: 1_000, backgroundEvery: 4, maxPerSecond: 100 });
    const list = nodes(20);
    s.setNodes(list);
    s.setFocus([list[0]!]);
    await vi.advanceTimersByTimeAsync(20_050);
    expect(count(list[0]!)).toBeGreaterThanOrEqual(20);
    expect(count(list[0]!)).toBeLessThanOrEqual(21);
    expect(count(list[5]!)).toBeGreaterThanOrEqual(5);
    expect(count(list[5]!)).toBeLessThanOrEqual(6);

    const before = count(list[5]!);
    s.setFocus([list[5]!]);
    await vi.advanceTimersByTimeAsync(100);
    expect(count(list[5]!)).toBe(before + 1); // switched to: asked now, not at its background turn
    s.stop();
  });

  it('bounds the background rate: past maxBackgroundPerSecond the background period grows with the node count', async () => {
    const { s, starts, count } = scheduler({ periodMs: 1_000, backgroundEvery: 4, maxPerSecond: 100, maxBackgroundPerSecond: 20 });
    const list = nodes(400);
    s.setNodes(list);
    s.setFocus([list[7]!]);
    await vi.advanceTimersByTimeAsync(60_000);
    // 400 nodes at 20 a second: each every 20 s, not every 4 s; the focused one still every second.
    const late = starts.filter((x) => x.at >= 1_000_000 + 20_000 && x.node !== list[7]).length / 40;
    expect(late).toBeGreaterThan(18);
    expect(late).toBeLessThan(22);
    expect(count(list[300]!)).toBeLessThanOrEqual(4);
    expect(count(list[7]!)).toBeGreaterThanOrEqual(59);
    s.stop();
  });

  it('starves nobody when demand exceeds the cap: 300 nodes every 1 s at 100/s each get their share', async () => {
    const { s, count } = scheduler({ periodMs: 1_000, maxPerSecond: 100 });
    const list = nodes(300);
    s.setNodes(list);
    await vi.advanceTimersByTimeAsync(30_000);
    const counts = list.map((n) => count(n));
    // 3000 starts in 30 s shared by 300 nodes: about 10 each, none left behind.
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(2900);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...counts)).toBeLessThanOrEqual(11);
    s.stop();
  });

  it('a slow node is skipped while its poll is in flight and delays nobody; asked again once it answers', async () => {
    const list = nodes(10);
    const { s, count, release } = scheduler({ periodMs: 1_000, maxPerSecond: 100 }, new Set([list[3]!]));
    s.setNodes(list);
    await vi.advanceTimersByTimeAsync(10_050);
    expect(count(list[3]!)).toBe(1); // in flight the whole time: no second call piled on it
    for (const n of list.filter((_, i) => i !== 3)) expect(count(n)).toBe(11);
    release.get(list[3]!)!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(count(list[3]!)).toBe(2);
    s.stop();
  });

  it('polls nothing while paused; back from a pause the focused node goes first', async () => {
    const list = nodes(200);
    const { s, starts, count } = scheduler({ periodMs: 1_000, maxPerSecond: 100 });
    s.setNodes(list);
    s.setFocus([list[150]!]);
    s.setSlow(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(starts).toHaveLength(0);
    s.setSlow(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(starts[0]!.node).toBe(list[150]);
    expect(count(list[150]!)).toBe(1);
    s.stop();
  });

  it('stop leaves no timer behind and starts nothing more', async () => {
    const { s, starts } = scheduler({ periodMs: 1_000, maxPerSecond: 100 });
    s.setNodes(nodes(50));
    await vi.advanceTimersByTimeAsync(1_500);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    s.stop();
    expect(vi.getTimerCount()).toBe(0);
    const n = starts.length;
    s.pollNow();
    s.setFocus(nodes(3));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(starts).toHaveLength(n);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forgets nodes that left and asks new ones at once', async () => {
    const { s, count } = scheduler({ periodMs: 1_000, maxPerSecond: 100 });
    s.setNodes(['a', 'b']);
    await vi.advanceTimersByTimeAsync(500);
    s.setNodes(['b', 'c']);
    await vi.advanceTimersByTimeAsync(0);
    expect(count('c')).toBe(1);
    expect(count('b')).toBe(1); // kept its turn
    await vi.advanceTimersByTimeAsync(5_000);
    expect(count('a')).toBe(1);
    expect(count('b')).toBe(6);
    s.stop();
  });
});
