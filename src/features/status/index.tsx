// The Status pane: services per node and etcd health (status table with flags, findings, members),
// live from a StatusSource polling outside React. Three views switched with tab; the node shown in
// the services view is switched with ←/→ and costs no refetch (per-node maps). Actions: see actions.ts.
import { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { toneProps } from '../../ui/shell/tones.js';
import { fit } from '../../ui/text.js';
import { usePaneActions, type PaneProps } from '../../ui/pane-types.js';
import { report, statusActions, type StatusView } from './actions.js';
import { defaultSnapshotPath, snapshot as saveSnapshot } from './operations.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { useStatus } from './use-status.js';
import { EtcdView, MembersView, operationLines, ServicesView, Tabs } from './views.js';
import { NodesView } from './node-info-view.js';
import { useNodeInfo } from './use-node-info.js';
import { useFocus } from './use-node-source.js';
import { useRowFilter } from '../../ui/row-filter.js';
import type { ServiceRow } from '../../core/services.js';

/** What `/` matches a service row against. */
const serviceFilterText = (r: ServiceRow) => [r.id, r.state, r.health, r.events[0]?.msg ?? ''].join(' ');

const clamp = (n: number, max: number) => Math.max(0, Math.min(n, max));
const NO_NODES: readonly string[] = [];

export default function StatusPane({ session, sessionProblem, width, height, active, shell, selectedNodes }: PaneProps) {
  const { source, snapshot } = useStatus(session, selectedNodes, active);
  const [view, setView] = useState<StatusView>('services');
  const [nodeIndex, setNodeIndex] = useState(0);
  const [serviceId, setServiceId] = useState<string | null>(null);
  const [etcdCursor, setEtcdCursor] = useState(0);
  const [memberCursor, setMemberCursor] = useState(0);
  const [showEvents, setShowEvents] = useState(true);
  // Confirmations and the snapshot path: they take the keyboard in the action that opens them, so
  // the keys after it in the same input chunk (a name and Enter) are already the field's.
  const prompt = usePrompt(shell);

  const nodes = snapshot?.nodes ?? [];
  const ni = clamp(nodeIndex, nodes.length - 1);
  const node = nodes[ni];
  // Only the shown node's ServiceList is asked every interval, and only its answers repaint.
  useFocus(source, node === undefined ? NO_NODES : [node]);
  // The node summary follows the same nodes, polled only while it is on screen; the rows around the
  // cursor (a screenful either way, whatever the table's scroll) every interval, the rest less often.
  const nodeInfo = useNodeInfo(session, nodes, active && view === 'nodes', view === 'nodes' ? nodes.slice(Math.max(0, ni - height), ni + height) : NO_NODES);
  // `/` narrows the services view (a regex over each service's id, state, health and last event).
  const filter = useRowFilter(shell, 'services');
  const filtered = (rows: readonly ServiceRow[]) => (filter.text === null ? rows : rows.filter((r) => filter.matches(serviceFilterText(r))));
  const allServiceRows = (node && snapshot?.services[node]) || [];
  const serviceRows = filtered(allServiceRows);
  const sIndex = Math.max(0, serviceRows.findIndex((r) => r.id === serviceId));

  const service = serviceRows[sIndex];
  const etcdNodes = snapshot?.etcdNodes ?? [];
  const eIndex = clamp(etcdCursor, etcdNodes.length - 1);
  const etcdNode = etcdNodes[eIndex];
  const etcdRow = snapshot?.etcd?.statusRows.find((r) => r.node === etcdNode);
  const members = snapshot?.etcd?.memberRows ?? [];

  // The shell publishes the action table in an effect, so a key can arrive after a frame was drawn
  // but before the table of that frame is in place (two arrows in a row, or arrow then r). Actions
  // therefore read what they act on from this ref, written at every render: "r" restarts the
  // service the screen shows under the cursor, never the one of an older frame. Cursor moves are
  // functional updates for the same reason.
  const now = {
    view,
    snapshot,
    node: node as string | undefined,
    nodeIndex: ni,
    service,
    etcdNode: etcdNode as string | undefined,
    etcdRow,
    etcdCursor: eIndex,
    serviceRows,
    memberCursor: clamp(memberCursor, members.length - 1),
    etcdCount: etcdNodes.length,
    memberCount: members.length,
    nodeCount: nodes.length,
  };
  const latest = useRef(now);
  latest.current = now;
  // Keys of one input chunk (`↑` then `f` pasted or sent together) run before React renders again:
  // every move also updates the ref at once, so the next key acts on the row the move selected.
  const selectEtcd = (l: typeof now, c: number) => {
    l.etcdCursor = c;
    l.etcdNode = l.snapshot?.etcdNodes[c];
    l.etcdRow = l.snapshot?.etcd?.statusRows.find((r) => r.node === l.etcdNode);
    setEtcdCursor(c);
  };
  const move = (delta: number) => {
    const l = latest.current;
    if (l.view === 'services') {
      const at = Math.max(0, l.serviceRows.findIndex((r) => r.id === l.service?.id));
      const next = l.serviceRows[clamp(at + delta, l.serviceRows.length - 1)];
      if (!next) return;
      l.service = next;
      setServiceId(next.id);
    } else if (l.view === 'etcd') selectEtcd(l, clamp(l.etcdCursor + delta, l.etcdCount - 1));
    else if (l.view === 'nodes') {
      // The node cursor is the services view's node: pick one here, Tab back shows its services.
      const i = clamp(l.nodeIndex + delta, l.nodeCount - 1);
      if (i !== l.nodeIndex) switchNode(i - l.nodeIndex);
    }
    else {
      l.memberCursor = clamp(l.memberCursor + delta, l.memberCount - 1);
      setMemberCursor(l.memberCursor);
    }
  };
  const switchNode = (delta: number) => {
    const l = latest.current;
    const n = l.nodeCount;
    if (n === 0) return;
    const i = (l.nodeIndex + delta + n) % n;
    const rows = filtered((l.snapshot && l.snapshot.services[l.snapshot.nodes[i]!]) || []);
    l.nodeIndex = i;
    l.node = l.snapshot?.nodes[i];
    l.serviceRows = rows;
    l.service = rows.find((r) => r.id === l.service?.id) ?? rows[0];
    setNodeIndex(i);
  };
  const changeView = (v: StatusView) => {
    latest.current.view = v;
    setView(v);
  };

  usePaneActions(
    shell,
    prompt.open || !session
      ? []
      : [...statusActions({
          source,
          shell,
          get snapshot() {
            return latest.current.snapshot;
          },
          get view() {
            return latest.current.view;
          },
          setView: changeView,
          get node() {
            return latest.current.node;
          },
          get service() {
            return latest.current.service;
          },
          get etcdNode() {
            return latest.current.etcdNode;
          },
          get etcdRow() {
            return latest.current.etcdRow;
          },
          move,
          switchNode,
          toggleEvents: () => setShowEvents((v) => !v),
          confirm: (request) => prompt.confirm(request),
          askSnapshotPath: (n) =>
            prompt.askPath({
              title: `etcd snapshot of ${n}`,
              initial: defaultSnapshotPath(n, new Date()),
              onSubmit: (file) => {
                if (source) report(shell, saveSnapshot(source, n, file));
              },
            }),
        }), ...(view === 'services' ? filter.actions : [])],
  );

  if (!session) {
    return (
      <Box flexDirection="column" width={width} paddingX={1}>
        <Text wrap="wrap">
          {sessionProblem
            ? `Status needs a Talos session, and there is none: ${sessionProblem}`
            : 'Status needs a Talos session: no talosconfig was found. Pass --talosconfig, or try --demo.'}
        </Text>
        {sessionProblem ? <Text wrap="wrap">Fix it and switch to a context with :ctx NAME, or try --demo.</Text> : null}
      </Box>
    );
  }

  const promptBox = prompt.render(width);

  // Rows: tabs (1) + view header (1) + body + operation lines; a prompt takes the bottom of the body.
  const opLines = operationLines(snapshot, width);
  const bodyRows = Math.max(2, height - 2 - opLines.length - prompt.rows);
  // The filter field, or the line saying which filter is in force, takes a row of the services view.
  const filterRows = view === 'services' && (filter.text !== null || filter.field(width) !== null) ? 1 : 0;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Tabs view={view} snapshot={snapshot} width={width} />
      {view === 'services' ? filter.field(width) : null}
      {view === 'services' && filter.text !== null && !filter.field(width) ? (
        <Text wrap="truncate" {...toneProps('warn')}>
          {fit(`filter /${filter.text}/: ${serviceRows.length} of ${allServiceRows.length} services (Esc clears)`, width)}
        </Text>
      ) : null}
      {snapshot?.idle ? (
        <Text wrap="truncate" {...toneProps('warn')}>
          {fit(snapshot.idle, width)}
        </Text>
      ) : view === 'services' ? (
        <ServicesView snapshot={snapshot} node={node} index={ni} cursor={sIndex} showEvents={showEvents} width={width} rows={bodyRows - filterRows} filtered={serviceRows} />
      ) : view === 'nodes' ? (
        <NodesView snapshot={nodeInfo} cursor={ni} width={width} rows={bodyRows} />
      ) : view === 'etcd' ? (
        <EtcdView snapshot={snapshot} cursor={eIndex} width={width} rows={bodyRows} />
      ) : (
        <MembersView snapshot={snapshot} cursor={clamp(memberCursor, members.length - 1)} width={width} rows={bodyRows} />
      )}
      {promptBox}
      {opLines.map((l, i) => (
        <Text key={i} wrap="truncate" {...toneProps(l.tone)}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
