// NodeInfoSource (the Status pane's Nodes view) on the shared poll scheduler: nothing is asked while
// the view is not on screen, the rows on screen are asked every interval and the rest less often,
// and a snapshot keeps the very row object of every node that did not answer since.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeInfoSource } from '../../src/features/status/node-info.js';
import type { TalosSession } from '../../src/talos/index.js';

/** A session whose nodes answer LoadAvg and SystemStat (half busy; every other call fails), counting LoadAvg calls per node. */
function fakeSession() {
  const loadAvgs = new Map<string, number>();
  let ticks = 0n;
  const session = {
    target: (node: string) => ({
      node,
      unary: async (method: { name: string }) => {
        if (method.name === 'SystemStat') {
          ticks += 100n;
          const cpuTotal = { user: Number(ticks), nice: 0, system: 0, idle: Number(ticks), iowait: 0, irq: 0, softIrq: 0, steal: 0 };
          return { messages: [{ cpuTotal, cpu: [], bootTime: 1n }] };
        }
        if (method.name !== 'LoadAvg') throw Object.assign(new Error('unimplemented'), { code: 12 });
        loadAvgs.set(node, (loadAvgs.get(node) ?? 0) + 1);
        return { messages: [{ load1: 0.5, load5: 0.25, load15: 0.125 }] };
      },
      stream: () => ({ async *[Symbol.asyncIterator]() {} }),
    }),
  } as unknown as TalosSession;
  return { session, loadAvgs };
}

const NODES = Array.from({ length: 100 }, (_, i) => `10.0.1.${i}`);

describe('NodeInfoSource', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks nothing while the Nodes view is not on screen; then the rows on screen every interval, the rest less often', async () => {
    const { session, loadAvgs } = fakeSession();
    const source = new NodeInfoSource(session, { intervalMs: 1000 });
    source.setNodes(NODES);
    source.setFocus([]);
    source.setActive(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(loadAvgs.size).toBe(0);

    source.setActive(true);
    source.setFocus(NODES.slice(0, 10));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(loadAvgs.get(NODES[3]!)).toBeGreaterThanOrEqual(29);
    // Off screen: every max(6 intervals, 100 nodes / 10 a second) = 10 s.
    expect(loadAvgs.get(NODES[60]!)).toBeGreaterThanOrEqual(3);
    expect(loadAvgs.get(NODES[60]!)).toBeLessThanOrEqual(4);
    expect(source.store.getSnapshot().nodes.find((n) => n.node === NODES[60])).toMatchObject({ load: [0.5, 0.25, 0.125], loading: false });

    source.setActive(false);
    const asked = [...loadAvgs.values()].reduce((a, b) => a + b, 0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect([...loadAvgs.values()].reduce((a, b) => a + b, 0)).toBe(asked);
    source.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a new snapshot keeps the row object of every node that did not answer since', async () => {
    const { session } = fakeSession();
    const source = new NodeInfoSource(session, { intervalMs: 1000 });
    source.setNodes(NODES.slice(0, 5));
    source.setFocus([NODES[0]!]);
    await vi.advanceTimersByTimeAsync(2500); // the first look and the second CPU sample of every node
    const before = source.store.getSnapshot();
    await vi.advanceTimersByTimeAsync(1000); // NODES[0] answered again; the others wait for their turn
    const after = source.store.getSnapshot();
    expect(after).not.toBe(before);
    expect(after.nodes[0]).not.toBe(before.nodes[0]);
    for (let i = 1; i < 5; i++) expect(after.nodes[i]).toBe(before.nodes[i]);
    source.dispose();
  });

  it('CPU: the second sample comes a second after the first, and a sample from long ago is not used', async () => {
    const { session } = fakeSession();
    const source = new NodeInfoSource(session, { intervalMs: 5000 });
    const cpuOf = () => source.store.getSnapshot().nodes[0]!.cpu;
    source.setNodes(NODES.slice(0, 3));
    source.setFocus(NODES.slice(0, 3));
    await vi.advanceTimersByTimeAsync(500);
    expect(source.store.getSnapshot().nodes[0]!.loading).toBe(false);
    expect(cpuOf()).toBeUndefined(); // one sample: no figure yet
    await vi.advanceTimersByTimeAsync(1000);
    expect(cpuOf()).toBeCloseTo(0.5);

    source.setActive(false); // the view closed for two minutes
    await vi.advanceTimersByTimeAsync(120_000);
    source.setActive(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(cpuOf()).toBeUndefined(); // not an average over the two minutes
    await vi.advanceTimersByTimeAsync(1000);
    expect(cpuOf()).toBeCloseTo(0.5);
    source.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
