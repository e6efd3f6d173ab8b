// The Status pane's cursors and the one function that changes them: a reducer over typed events. Pure
// (no I/O, no React): the data comes from StatusSource, and every event that moves a cursor carries
// the lists the screen shows now (StatusLists: the snapshot with the `/` filter applied), so a key
// acts on what the key before it selected, even within one input chunk. Tests drive it on fixtures.
import type { ServiceRow } from '../../core/services.js';
import type { StatusSnapshot } from './source.js';

export type StatusView = 'services' | 'etcd' | 'members' | 'nodes';
export const VIEWS: readonly StatusView[] = ['services', 'etcd', 'members', 'nodes'];

/** The view `delta` steps along VIEWS from `view`, wrapping (Tab, Shift+Tab). */
export const nextView = (view: StatusView, delta: number): StatusView => VIEWS[(((VIEWS.indexOf(view) + delta) % VIEWS.length) + VIEWS.length) % VIEWS.length]!;

export interface StatusState {
  view: StatusView;
  /** The node of the services view, also the Nodes view's cursor. Clamped when read: nodes come and go. */
  nodeIndex: number;
  /** The service under the cursor, by id: kept across refreshes, node switches and filters. When the
   *  rows shown lack it (or it is null), the first row is under the cursor. */
  serviceId: string | null;
  /** Clamped when read, like nodeIndex. */
  etcdCursor: number;
  memberCursor: number;
  /** The services view lists the recent events of the service under the cursor. */
  showEvents: boolean;
}

export const INITIAL_STATUS_STATE: StatusState = { view: 'services', nodeIndex: 0, serviceId: null, etcdCursor: 0, memberCursor: 0, showEvents: true };

/** What the cursors move over, as shown: built from the current snapshot by listsOf. */
export interface StatusLists {
  nodes: readonly string[];
  /** A node's service rows as shown (the `/` filter applied). */
  serviceRows(node: string): readonly ServiceRow[];
  etcdNodes: readonly string[];
  memberCount: number;
}

const NONE: readonly string[] = [];
const NO_ROWS: readonly ServiceRow[] = [];

/** The lists of a snapshot; `keep` is the `/` filter in force (null: none, and a node's rows keep their identity). */
export function listsOf(snapshot: StatusSnapshot | null, keep: ((row: ServiceRow) => boolean) | null): StatusLists {
  return {
    nodes: snapshot?.nodes ?? NONE,
    serviceRows(node) {
      const rows = snapshot?.services[node] ?? NO_ROWS;
      return keep === null ? rows : rows.filter(keep);
    },
    etcdNodes: snapshot?.etcdNodes ?? NONE,
    memberCount: snapshot?.etcd?.memberRows.length ?? 0,
  };
}

export type StatusEvent =
  | { type: 'view'; view: StatusView }
  /** Up/down (a page is 10) in the current view; the Nodes view moves the services view's node. */
  | { type: 'move'; delta: number; lists: StatusLists }
  /** ←/→ in the services view: the next or previous node, wrapping; the service id is kept. */
  | { type: 'switch-node'; delta: number; lists: StatusLists }
  | { type: 'toggle-events' };

/** `n` within 0..max (0 when there is nothing: max < 0). */
const clamp = (n: number, max: number) => Math.max(0, Math.min(n, max));

/** What is under each cursor now. */
export interface StatusSelection {
  nodeIndex: number;
  node: string | undefined;
  /** The shown node's service rows as shown (filtered). */
  serviceRows: readonly ServiceRow[];
  serviceIndex: number;
  service: ServiceRow | undefined;
  etcdIndex: number;
  etcdNode: string | undefined;
  memberIndex: number;
}

export function selection(state: StatusState, lists: StatusLists): StatusSelection {
  const nodeIndex = clamp(state.nodeIndex, lists.nodes.length - 1);
  const node = lists.nodes[nodeIndex];
  const serviceRows = node === undefined ? NO_ROWS : lists.serviceRows(node);
  const serviceIndex = Math.max(0, serviceRows.findIndex((r) => r.id === state.serviceId));
  const etcdIndex = clamp(state.etcdCursor, lists.etcdNodes.length - 1);
  return {
    nodeIndex,
    node,
    serviceRows,
    serviceIndex,
    service: serviceRows[serviceIndex],
    etcdIndex,
    etcdNode: lists.etcdNodes[etcdIndex],
    memberIndex: clamp(state.memberCursor, lists.memberCount - 1),
  };
}

function move(state: StatusState, delta: number, lists: StatusLists): StatusState {
  const at = selection(state, lists);
  switch (state.view) {
    case 'services': {
      const next = at.serviceRows[clamp(at.serviceIndex + delta, at.serviceRows.length - 1)];
      return next === undefined || next.id === state.serviceId ? state : { ...state, serviceId: next.id };
    }
    case 'etcd': {
      const etcdCursor = clamp(at.etcdIndex + delta, lists.etcdNodes.length - 1);
      return etcdCursor === state.etcdCursor ? state : { ...state, etcdCursor };
    }
    case 'members': {
      const memberCursor = clamp(at.memberIndex + delta, lists.memberCount - 1);
      return memberCursor === state.memberCursor ? state : { ...state, memberCursor };
    }
    case 'nodes': {
      // The node cursor is the services view's node: pick one here, Tab back shows its services.
      const nodeIndex = clamp(at.nodeIndex + delta, lists.nodes.length - 1);
      return nodeIndex === state.nodeIndex ? state : { ...state, nodeIndex };
    }
  }
}

export function statusReducer(state: StatusState, event: StatusEvent): StatusState {
  switch (event.type) {
    case 'view':
      return event.view === state.view ? state : { ...state, view: event.view };
    case 'move':
      return move(state, event.delta, event.lists);
    case 'switch-node': {
      const n = event.lists.nodes.length;
      if (n === 0) return state;
      const nodeIndex = (((clamp(state.nodeIndex, n - 1) + event.delta) % n) + n) % n;
      return nodeIndex === state.nodeIndex ? state : { ...state, nodeIndex };
    }
    case 'toggle-events':
      return { ...state, showEvents: !state.showEvents };
  }
}
