// StatusSource at many nodes: a timer tick's ServiceList calls leave in slices over the interval
// (not all at once), and a node's summary is rebuilt only when its own answer changed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusSource } from '../../src/features/status/source.js';
import type { TalosSession } from '../../src/talos/index.js';

const NODES = Array.from({ length: 80 }, (_, i) => `10.0.0.${i + 1}`);

/** A session whose nodes answer ServiceList at once (workers: etcd calls refused), counting calls per method. */
function fakeSession() {
  const calls: { method: string; node: string }[] = [];
  /** Nodes whose kubelet is reported failed from now on. */
  const failing = new Set<string>();
  const session = {
    target: (node: string) => ({
      node,
      unary: async (method: { name: string }) => {
        calls.push({ method: method.name, node });
        if (method.name === 'ServiceList') {
          const state = failing.has(node) ? 'Failed' : 'Running';
          return { messages: [{ services: [{ id: 'kubelet', state, health: { healthy: state === 'Running', unknown: false } }] }] };
        }
        if (method.name === 'Get') throw Object.assign(new Error('not found'), { code: 5 });
        throw Object.assign(new Error('unimplemented'), { code: 12 });
      },
      stream: () => ({ async *[Symbol.asyncIterator]() {} }),
    }),
  } as unknown as TalosSession;
  return { session, failing, serviceLists: () => calls.filter((c) => c.method === 'ServiceList').length };
}

describe('StatusSource polling at many nodes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('spreads a tick over the interval in slices, each node once per interval', async () => {
    const { session, serviceLists } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 2000, etcdIntervalMs: 60_000 });
    source.setNodes(NODES); // the first look asks every node at once
    await vi.advanceTimersByTimeAsync(0);
    expect(serviceLists()).toBe(80);

    await vi.advanceTimersByTimeAsync(2000); // the tick: only the first slice leaves now
    const atTick = serviceLists() - 80;
    expect(atTick).toBeGreaterThan(0);
    expect(atTick).toBeLessThanOrEqual(4);
    await vi.advanceTimersByTimeAsync(1000); // half the interval: about half the nodes
    expect(serviceLists() - 80).toBeGreaterThan(20);
    expect(serviceLists() - 80).toBeLessThan(60);
    await vi.advanceTimersByTimeAsync(990); // before the next tick: every node exactly once
    expect(serviceLists()).toBe(160);
    source.dispose();
  });

  it('past 100 calls a second a round takes several ticks: 300 nodes every 1 s become one round per 3 s', async () => {
    const { session, serviceLists } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 1000, etcdIntervalMs: 600_000 });
    source.setNodes(Array.from({ length: 300 }, (_, i) => `10.0.1.${i}`));
    await vi.advanceTimersByTimeAsync(0);
    expect(serviceLists()).toBe(300);
    await vi.advanceTimersByTimeAsync(2990); // ticks 1 and 2: nothing
    expect(serviceLists()).toBe(300);
    await vi.advanceTimersByTimeAsync(2990); // tick 3 starts the round, spread until tick 6
    expect(serviceLists()).toBe(600);
    source.dispose();
  });

  it('publishes nothing for an unchanged answer, and on a change rebuilds only that node', async () => {
    const { session, failing } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 60_000, etcdIntervalMs: 60_000 });
    source.setNodes(NODES);
    await vi.advanceTimersByTimeAsync(200);
    const first = source.store.getSnapshot();
    expect(first.summaries['10.0.0.7']).toMatchObject({ running: 1, total: 1, problems: 0, loading: false });
    expect(first.services['10.0.0.7']!.map((r) => r.id)).toEqual(['kubelet']);

    await source.refreshServicesNode('10.0.0.7'); // the same answer again
    await vi.advanceTimersByTimeAsync(200);
    expect(source.store.getSnapshot()).toBe(first);

    failing.add('10.0.0.7');
    await source.refreshServicesNode('10.0.0.7');
    await vi.advanceTimersByTimeAsync(200);
    const second = source.store.getSnapshot();
    expect(second).not.toBe(first);
    // A new answer from 10.0.0.7: its summary is new; every other node's is the same object.
    expect(second.summaries['10.0.0.7']).toMatchObject({ running: 0, problems: 1 });
    expect(second.summaries['10.0.0.8']).toBe(first.summaries['10.0.0.8']);
    expect(Object.keys(second.services)).toEqual(NODES);
    source.dispose();
  });
});
