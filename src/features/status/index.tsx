// The Status pane: services per node and etcd health (status table with flags, findings, members),
// live from a StatusSource polling outside React. Four views switched with tab; the node shown in
// the services view is switched with ←/→ and costs no refetch (per-node maps). Actions: see actions.ts.
//
// The pattern every pane follows: source.ts polls and operations.ts acts (outside React), state.ts is
// the pure reducer of the cursors, controller.ts holds it (core/reducer-store.ts), use-status.ts
// connects them to React, views.tsx draws, actions.ts is the key table. This file only wires them.
import { Box, Text } from 'ink';
import { toneProps } from '../../ui/shell/tones.js';
import { fit } from '../../ui/text.js';
import { usePaneActions, type PaneProps } from '../../ui/pane-types.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { useRowFilter } from '../../ui/row-filter.js';
import type { ServiceRow } from '../../core/services.js';
import { report, statusActions } from './actions.js';
import { defaultSnapshotPath, snapshot as saveSnapshot } from './operations.js';
import { listsOf, selection } from './state.js';
import { useStatus } from './use-status.js';
import { EtcdView, MembersView, NoSessionView, operationLines, ServicesView, Tabs } from './views.js';
import { NodesView } from './node-info-view.js';
import { useNodeInfo } from './use-node-info.js';
import { useFocus } from './use-node-source.js';

/** What `/` matches a service row against. */
const serviceFilterText = (r: ServiceRow) => [r.id, r.state, r.health, r.events[0]?.msg ?? ''].join(' ');
const NO_NODES: readonly string[] = [];

export default function StatusPane({ session, sessionProblem, width, height, active, shell, selectedNodes }: PaneProps) {
  const { source, snapshot, controller, state } = useStatus(session, selectedNodes, active);
  // Confirmations and the snapshot path: they take the keyboard in the action that opens them, so
  // the keys after it in the same input chunk (a name and Enter) are already the field's.
  const prompt = usePrompt(shell);
  // `/` narrows the services view (a regex over each service's id, state, health and last event).
  const filter = useRowFilter(shell, 'services');
  const keep = (r: ServiceRow) => filter.matches(serviceFilterText(r));
  // What this frame shows; the actions work out the same as of their key press (see actions.ts).
  const at = selection(state, listsOf(snapshot, filter.text === null ? null : keep));
  const { view } = state;
  const nodes = snapshot?.nodes ?? NO_NODES;
  // Only the shown node's ServiceList is asked every interval, and only its answers repaint.
  useFocus(source, at.node === undefined ? NO_NODES : [at.node]);
  // The node summary follows the same nodes, polled only while it is on screen; the rows around the
  // cursor (a screenful either way, whatever the table's scroll) every interval, the rest less often.
  const nodeInfo = useNodeInfo(session, nodes, active && view === 'nodes', view === 'nodes' ? nodes.slice(Math.max(0, at.nodeIndex - height), at.nodeIndex + height) : NO_NODES);

  usePaneActions(
    shell,
    prompt.open || !session
      ? []
      : [
          ...statusActions({
            source,
            shell,
            controller,
            lists: () => listsOf(source?.store.getSnapshot() ?? null, keep),
            confirm: (request) => prompt.confirm(request),
            askSnapshotPath: (n) =>
              prompt.askPath({
                title: `etcd snapshot of ${n}`,
                initial: defaultSnapshotPath(n, new Date()),
                onSubmit: (file) => {
                  if (source) report(shell, saveSnapshot(source, n, file));
                },
              }),
          }),
          ...(view === 'services' ? filter.actions : []),
        ],
  );

  if (!session) return <NoSessionView problem={sessionProblem} width={width} />;

  // Rows: tabs (1) + view header (1) + body + operation lines; a prompt takes the bottom of the body.
  const opLines = operationLines(snapshot, width);
  const bodyRows = Math.max(2, height - 2 - opLines.length - prompt.rows);
  const field = view === 'services' ? filter.field(width) : null;
  // The filter field, or the line saying which filter is in force, takes a row of the services view.
  const filterLine = view === 'services' && filter.text !== null && !field ? `filter /${filter.text}/: ${at.serviceRows.length} of ${(at.node && snapshot?.services[at.node]?.length) || 0} services (Esc clears)` : null;
  const filterRows = field !== null || filterLine !== null ? 1 : 0;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Tabs view={view} snapshot={snapshot} width={width} />
      {field}
      {filterLine !== null ? (
        <Text wrap="truncate" {...toneProps('warn')}>
          {fit(filterLine, width)}
        </Text>
      ) : null}
      {snapshot?.idle ? (
        <Text wrap="truncate" {...toneProps('warn')}>
          {fit(snapshot.idle, width)}
        </Text>
      ) : view === 'services' ? (
        <ServicesView snapshot={snapshot} node={at.node} index={at.nodeIndex} cursor={at.serviceIndex} showEvents={state.showEvents} width={width} rows={bodyRows - filterRows} filtered={at.serviceRows} />
      ) : view === 'nodes' ? (
        <NodesView snapshot={nodeInfo} cursor={at.nodeIndex} width={width} rows={bodyRows} />
      ) : view === 'etcd' ? (
        <EtcdView snapshot={snapshot} cursor={at.etcdIndex} width={width} rows={bodyRows} />
      ) : (
        <MembersView snapshot={snapshot} cursor={at.memberIndex} width={width} rows={bodyRows} />
      )}
      {prompt.render(width)}
      {opLines.map((l, i) => (
        <Text key={i} wrap="truncate" {...toneProps(l.tone)}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
