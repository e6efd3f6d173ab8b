// The Status pane's cursors (src/features/status/state.ts) on fixtures: moves clamp in every view, the
// services cursor is kept by service id across refreshes, node switches and the `/` filter (first
// row when the id is not shown), node switches wrap, the Nodes view moves the services view's node,
// and the controller's state is changed by a dispatch at once (the next key of a chunk sees it).
import { describe, expect, it } from 'vitest';
import { buildServiceRows, type ServiceRow } from '../../src/core/services.js';
import type { EtcdHealth } from '../../src/core/etcd/health.js';
import type { StatusSnapshot } from '../../src/features/status/source.js';
import { StatusController } from '../../src/features/status/controller.js';
import { INITIAL_STATUS_STATE, listsOf, nextView, selection, statusReducer, type StatusEvent, type StatusLists, type StatusState } from '../../src/features/status/state.js';

const NOW = 1_700_000_000_000;

/** One node's ServiceList answer as the pane gets it: rows sorted by id. */
const rows = (node: string, ids: string[]): ServiceRow[] => buildServiceRows([{ node, services: ids.map((id) => ({ id, state: 'Running' })) }], NOW);

/** A snapshot with the parts the cursors read (nodes, services per node, etcd nodes, member count). */
function snapshot(services: Record<string, string[]>, etcdNodes: string[] = [], members = 0): StatusSnapshot {
  const etcd = members > 0 ? ({ memberRows: Array.from({ length: members }, (_, i) => ({ id: `m${i}` })), statusRows: [] } as unknown as EtcdHealth) : null;
  return {
    nodes: Object.keys(services),
    summaries: {},
    services: Object.fromEntries(Object.entries(services).map(([n, ids]) => [n, rows(n, ids)])),
    etcdNodes,
    etcd,
    operation: null,
    lastResult: null,
    now: NOW,
  };
}

const CLUSTER = snapshot(
  { a: ['apid', 'containerd', 'etcd', 'kubelet', 'machined'], b: ['apid', 'containerd', 'kubelet', 'machined'], c: ['apid', 'machined'] },
  ['a', 'b'],
  3,
);
const all = listsOf(CLUSTER, null);

const run = (events: StatusEvent[], from: StatusState = INITIAL_STATUS_STATE) => events.reduce(statusReducer, from);
const move = (delta: number, lists: StatusLists = all): StatusEvent => ({ type: 'move', delta, lists });
const switchNode = (delta: number, lists: StatusLists = all): StatusEvent => ({ type: 'switch-node', delta, lists });
const view = (v: StatusState['view']): StatusEvent => ({ type: 'view', view: v });
const shown = (s: StatusState, lists: StatusLists = all) => {
  const at = selection(s, lists);
  return { node: at.node, service: at.service?.id, etcd: at.etcdNode, member: at.memberIndex };
};

describe('Status cursors: services view', () => {
  it('starts on the first node and its first service, events shown', () => {
    expect(shown(INITIAL_STATUS_STATE)).toEqual({ node: 'a', service: 'apid', etcd: 'a', member: 0 });
    expect(INITIAL_STATUS_STATE.showEvents).toBe(true);
  });

  it('moves by rows and pages, clamped to the rows shown', () => {
    expect(shown(run([move(2)])).service).toBe('etcd');
    expect(shown(run([move(2), move(-1)])).service).toBe('containerd');
    expect(shown(run([move(10)])).service).toBe('machined');
    expect(shown(run([move(10), move(1)])).service).toBe('machined');
    expect(shown(run([move(3), move(-10)])).service).toBe('apid');
  });

  it('returns the same state when a move changes nothing (nothing is published)', () => {
    const bottom = run([move(10)]);
    expect(statusReducer(bottom, move(1))).toBe(bottom);
    const empty = listsOf(snapshot({ a: [] }), null);
    expect(statusReducer(INITIAL_STATUS_STATE, move(1, empty))).toBe(INITIAL_STATUS_STATE);
  });

  it('keeps the service by id across a refresh that adds or removes rows above it', () => {
    const s = run([move(3)]);
    expect(shown(s).service).toBe('kubelet');
    const refreshed = listsOf(snapshot({ a: ['apid', 'auditd', 'containerd', 'cri', 'etcd', 'kubelet', 'machined'] }), null);
    expect(selection(s, refreshed).serviceIndex).toBe(5);
    expect(shown(s, refreshed).service).toBe('kubelet');
    const shrunk = listsOf(snapshot({ a: ['kubelet', 'machined'] }), null);
    expect(shown(s, shrunk).service).toBe('kubelet');
    // Gone from the answer: the first row is under the cursor, and a move starts from there.
    const gone = listsOf(snapshot({ a: ['apid', 'etcd', 'machined'] }), null);
    expect(shown(s, gone).service).toBe('apid');
    expect(shown(run([move(1, gone)], s), gone).service).toBe('etcd');
  });

  it('the filter narrows the rows: clamps against them, falls back to the first, keeps the id for later', () => {
    const kube = (r: ServiceRow) => /kube|machine/.test(r.id);
    const filtered = listsOf(CLUSTER, kube);
    expect(selection(INITIAL_STATUS_STATE, filtered).serviceRows.map((r) => r.id)).toEqual(['kubelet', 'machined']);
    const s = run([move(2)]); // etcd: filtered out
    expect(shown(s, filtered).service).toBe('kubelet');
    expect(shown(run([move(5, filtered)], s), filtered).service).toBe('machined');
    // Cleared, the cursor is back on the service it was on.
    expect(shown(s, all).service).toBe('etcd');
    // A move under the filter picks a row the filter shows.
    expect(shown(run([move(-1, filtered)], run([move(4)])), all).service).toBe('kubelet');
  });

  it('switches node wrapping both ways, keeping the service by id (first row where the node lacks it)', () => {
    const onKubelet = run([move(3)]);
    expect(shown(run([switchNode(1)], onKubelet))).toMatchObject({ node: 'b', service: 'kubelet' });
    expect(selection(run([switchNode(1)], onKubelet), all).serviceIndex).toBe(2);
    expect(shown(run([switchNode(2)], onKubelet))).toMatchObject({ node: 'c', service: 'apid' });
    expect(shown(run([switchNode(3)], onKubelet))).toMatchObject({ node: 'a', service: 'kubelet' });
    expect(shown(run([switchNode(-1)], onKubelet))).toMatchObject({ node: 'c' });
    expect(shown(run([switchNode(-1), switchNode(-1), switchNode(-1), switchNode(-1)], onKubelet))).toMatchObject({ node: 'c' });
    // Passing through a node without it does not lose it.
    expect(shown(run([switchNode(2), switchNode(1)], onKubelet))).toMatchObject({ node: 'a', service: 'kubelet' });
    expect(statusReducer(onKubelet, switchNode(1, listsOf(null, null)))).toBe(onKubelet);
  });

  it('clamps the node when nodes leave the selection, and switches from the node shown', () => {
    const onC = run([switchNode(2)]);
    const two = listsOf(snapshot({ a: ['apid'], b: ['apid'] }), null);
    expect(shown(onC, two).node).toBe('b');
    expect(shown(run([switchNode(1, two)], onC), two).node).toBe('a');
    expect(shown(onC, listsOf(null, null))).toEqual({ node: undefined, service: undefined, etcd: undefined, member: 0 });
  });

  it('toggles the events list', () => {
    expect(run([{ type: 'toggle-events' }]).showEvents).toBe(false);
    expect(run([{ type: 'toggle-events' }, { type: 'toggle-events' }]).showEvents).toBe(true);
  });
});

describe('Status cursors: views', () => {
  it('Tab cycles services, etcd, members, nodes and back; Shift+Tab the other way', () => {
    expect(nextView('services', 1)).toBe('etcd');
    expect(nextView('nodes', 1)).toBe('services');
    expect(nextView('services', -1)).toBe('nodes');
    expect(nextView('members', -1)).toBe('etcd');
    expect(run([view('members')]).view).toBe('members');
    expect(statusReducer(INITIAL_STATUS_STATE, view('services'))).toBe(INITIAL_STATUS_STATE);
  });

  it('each view moves its own cursor; the others stay', () => {
    const s = run([move(1), view('etcd'), move(1), view('members'), move(2), view('services')]);
    expect(shown(s)).toEqual({ node: 'a', service: 'containerd', etcd: 'b', member: 2 });
  });

  it('etcd and member cursors clamp against their lists, also when the lists shrink', () => {
    const s = run([view('etcd'), move(10), view('members'), move(10)]);
    expect(shown(s)).toMatchObject({ etcd: 'b', member: 2 });
    expect(s.etcdCursor).toBe(1);
    const smaller = listsOf(snapshot({ a: ['apid'] }, ['a'], 1), null);
    expect(shown(s, smaller)).toMatchObject({ etcd: 'a', member: 0 });
    // A move starts from the clamped row.
    expect(run([move(-1, smaller)], s).memberCursor).toBe(0);
    expect(run([view('etcd'), move(-1, smaller)], s).etcdCursor).toBe(0);
    const none = listsOf(snapshot({ a: ['apid'] }), null);
    expect(shown(run([view('etcd'), move(1, none)]), none)).toMatchObject({ etcd: undefined, member: 0 });
  });

  it('the Nodes view moves the services view node, clamped (no wrap), keeping the service id', () => {
    const s = run([move(3), view('nodes'), move(1)]);
    expect(shown(s)).toMatchObject({ node: 'b', service: 'kubelet' });
    expect(shown(run([move(10)], s)).node).toBe('c');
    expect(shown(run([move(10), move(1)], s)).node).toBe('c');
    expect(shown(run([move(-10)], s)).node).toBe('a');
    expect(run([view('services')], s).nodeIndex).toBe(1);
  });
});

describe('StatusController', () => {
  it('changes its state at the dispatch, before any publication: the next key of a chunk sees it', () => {
    const c = new StatusController();
    try {
      const published = c.store.getSnapshot();
      c.move(1, all);
      expect(c.selection(all).service?.id).toBe('containerd');
      c.cycleView(1);
      c.move(1, all);
      expect(c.current.view).toBe('etcd');
      expect(c.selection(all).etcdNode).toBe('b');
      c.cycleView(-1);
      c.switchNode(-1, all);
      c.toggleEvents();
      expect(c.selection(all)).toMatchObject({ node: 'c', service: { id: 'apid' } });
      expect(c.current.showEvents).toBe(false);
      // React hears of it on the store's next tick, not inside the key's handler.
      expect(c.store.getSnapshot()).toBe(published);
    } finally {
      c.dispose();
    }
  });
});
