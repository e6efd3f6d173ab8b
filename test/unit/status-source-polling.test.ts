// StatusSource at many nodes: ServiceList calls leave spread over time (never all at once), the
// shown node is asked every interval and the others less often, a node's summary is rebuilt only
// when its own answer changed, and a reply for a node not on screen publishes nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusSource } from '../../src/features/status/source.js';
import type { TalosSession } from '../../src/talos/index.js';

const NODES = Array.from({ length: 80 }, (_, i) => `10.0.0.${i + 1}`);

/** A session whose nodes answer at once (workers refuse etcd calls; 10.0.0.1 is a control plane), counting calls. */
function fakeSession() {
  const calls: { method: string; node: string; at: number }[] = [];
  /** Nodes whose kubelet is reported failed from now on. */
  const failing = new Set<string>();
  const etcd = { raftIndex: 100n };
  const controlPlane = (node: string) => node === '10.0.0.1';
  const session = {
    target: (node: string) => ({
      node,
      unary: async (method: { name: string }) => {
        calls.push({ method: method.name, node, at: Date.now() });
        if (method.name === 'ServiceList') {
          const state = failing.has(node) ? 'Failed' : 'Running';
          const services = [{ id: 'kubelet', state, health: { healthy: state === 'Running', unknown: false } }];
          if (controlPlane(node)) services.push({ id: 'etcd', state: 'Running', health: { healthy: true, unknown: false } });
          return { messages: [{ services }] };
        }
        if (controlPlane(node) && method.name === 'EtcdMemberList') return { messages: [{ members: [{ id: 1n, hostname: 'cp1', peerUrls: [], clientUrls: [] }] }] };
        if (controlPlane(node) && method.name === 'EtcdStatus') return { messages: [{ memberStatus: { memberId: 1n, leader: 1n, raftIndex: etcd.raftIndex, raftTerm: 2n, raftAppliedIndex: etcd.raftIndex, dbSize: 1000n, dbSizeInUse: 900n, errors: [], isLearner: false, protocolVersion: '3.5', storageVersion: '3.5' } }] };
        if (controlPlane(node) && method.name === 'EtcdAlarmList') return { messages: [{ memberAlarms: [] }] };
        if (method.name === 'Get') throw Object.assign(new Error('not found'), { code: 5 });
        throw Object.assign(new Error('unimplemented'), { code: 12 });
      },
      stream: () => ({ async *[Symbol.asyncIterator]() {} }),
    }),
  } as unknown as TalosSession;
  return { session, failing, calls, etcd };
}

describe('StatusSource polling at many nodes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks the shown node every interval and the others at most 25 a second, spread: never more than 10 calls in 100 ms', async () => {
    const { session, calls } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 2000, etcdIntervalMs: 600_000 });
    const nodes = Array.from({ length: 500 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    source.setNodes(nodes);
    source.setFocus([nodes[42]!]);
    await vi.advanceTimersByTimeAsync(60_000);
    const lists = calls.filter((c) => c.method === 'ServiceList');
    const of = (n: string) => lists.filter((c) => c.node === n).length;
    expect(of(nodes[42]!)).toBeGreaterThanOrEqual(30);
    // The others: a first look, then each every 20 s (500 nodes, 25 a second).
    for (const n of [nodes[0]!, nodes[250]!, nodes[499]!]) {
      expect(of(n)).toBeGreaterThanOrEqual(3);
      expect(of(n)).toBeLessThanOrEqual(4);
    }
    const t0 = lists[0]!.at;
    const steady = lists.filter((c) => c.at >= t0 + 20_000 && c.node !== nodes[42]).length / 40;
    expect(steady).toBeGreaterThan(22);
    expect(steady).toBeLessThan(28);
    const perWindow = new Map<number, number>();
    for (const c of lists) perWindow.set(Math.floor(c.at / 100), (perWindow.get(Math.floor(c.at / 100)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(10);
    source.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('publishes nothing for an unchanged answer, and on a change rebuilds only that node', async () => {
    const { session, failing } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 60_000, etcdIntervalMs: 60_000 });
    source.setNodes(NODES);
    await vi.advanceTimersByTimeAsync(1000);
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

  it('a changed answer of a node not on screen publishes nothing until that node is shown', async () => {
    const { session, failing } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 60_000, etcdIntervalMs: 60_000 });
    source.setNodes(NODES);
    source.setFocus(['10.0.0.1']);
    await vi.advanceTimersByTimeAsync(1000);
    const first = source.store.getSnapshot();
    expect(first.summaries['10.0.0.7']).toMatchObject({ running: 1 });

    failing.add('10.0.0.7');
    await source.refreshServicesNode('10.0.0.7');
    await vi.advanceTimersByTimeAsync(500);
    expect(source.store.getSnapshot()).toBe(first); // no repaint for a node nobody sees

    source.setFocus(['10.0.0.7']);
    await vi.advanceTimersByTimeAsync(200);
    const shown = source.store.getSnapshot();
    expect(shown).not.toBe(first);
    expect(shown.summaries['10.0.0.7']).toMatchObject({ running: 0, problems: 1 });
    expect(shown.services['10.0.0.7']![0]).toMatchObject({ id: 'kubelet', state: 'Failed' });

    // The shown node's own change publishes as before.
    failing.delete('10.0.0.7');
    await source.refreshServicesNode('10.0.0.7');
    await vi.advanceTimersByTimeAsync(200);
    expect(source.store.getSnapshot().summaries['10.0.0.7']).toMatchObject({ running: 1, problems: 0 });
    source.dispose();
  });

  it('the same etcd answers again publish nothing; a changed one does', async () => {
    const { session, calls, etcd } = fakeSession();
    const source = new StatusSource(session, { servicesIntervalMs: 60_000, etcdIntervalMs: 1000 });
    source.setNodes(NODES.slice(0, 4));
    source.setFocus(['10.0.0.2']);
    await vi.advanceTimersByTimeAsync(1000);
    const settled = source.store.getSnapshot();
    expect(settled.etcdNodes).toEqual(['10.0.0.1']);
    expect(settled.etcd?.statusRows[0]).toMatchObject({ node: '10.0.0.1', raftIndex: '100' });
    const asked = calls.filter((c) => c.method === 'EtcdStatus').length;

    await vi.advanceTimersByTimeAsync(3000); // three more rounds, the same answers (ages refresh after 5 s)
    expect(calls.filter((c) => c.method === 'EtcdStatus').length).toBeGreaterThanOrEqual(asked + 2);
    expect(source.store.getSnapshot()).toBe(settled);

    etcd.raftIndex = 200n;
    await vi.advanceTimersByTimeAsync(1200);
    expect(source.store.getSnapshot()).not.toBe(settled);
    expect(source.store.getSnapshot().etcd?.statusRows[0]).toMatchObject({ raftIndex: '200' });
    source.dispose();
  });
});
