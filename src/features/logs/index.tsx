// The Logs pane: dmesg, Talos service logs and Kubernetes container logs of one or many nodes, each
// line prefixed and coloured by node, with follow/pause, filter (substring or regex, inverted),
// wrap, timestamps, tail N and save. Streams run outside React (source.ts -> LogModel) and reach the
// screen through a ThrottledStore kept under 15 repaints a second (controller.ts), so a flooding
// node cannot flood the terminal.
//
// Navigation params (from another pane's shell.navigate('logs', ...)), all optional:
//   source: "dmesg" | a service id | "k8s:<container id>"   open it at once instead of the picker
//   node / nodes: which nodes (default: the selected nodes)
//   insecure: true   the nodes are in maintenance mode: use the insecure API
//
// This file wires the two modes (source picker, log view) together; the picker's state is
// use-source-picker.ts, the bottom text field use-logs-input.ts.
import { Box } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { LogView } from '../../ui/LogView.js';
import { Line } from '../../ui/shell/Line.js';
import { usePaneActions, usePaneWork, type PaneProps } from '../../ui/pane-types.js';
import { pickerActions, viewActions } from './actions.js';
import { loadCatalog as defaultLoadCatalog } from './catalog.js';
import type { LogsController } from './controller.js';
import { LogsInputLine } from './LogsInputLine.js';
import { NoSessionNotice } from './NoSessionNotice.js';
import { addTyped, moveCursor, pick, pickerRows, pickerScroll, toggleAtCursor, type PickerState } from './picker-model.js';
import { nodesFor, parseSelector, selectorLabel, type LogSelector } from '../../core/logs/selector.js';
import type { StreamSpec } from './source.js';
import { SourcePicker } from './SourcePicker.js';
import { modeLine, sourcesLine } from './status-line.js';
import { useLogsInput } from './use-logs-input.js';
import { useLogsController, useLogsSnapshot, useStreamProblemStatus } from './use-logs.js';
import { paramNodes, useSourcePicker } from './use-source-picker.js';

export default function LogsPane(props: PaneProps<'logs'>) {
  return <LogsPaneView {...props} />;
}

export interface LogsPaneViewProps extends PaneProps<'logs'> {
  /** A controller made outside (tests, benchmarks); by default the pane makes one for its session. */
  controller?: LogsController;
  /** The picker's service lookup (tests replace it). */
  loadCatalog?: typeof defaultLoadCatalog;
}

export function LogsPaneView(props: LogsPaneViewProps) {
  const { session, sessionProblem, width, height, active, shell, selectedNodes, params } = props;
  const ctl = useLogsController(session, props.controller);
  const snap = useLogsSnapshot(ctl, props.visible ?? true);
  const logHeight = Math.max(1, height - 2);
  useEffect(() => ctl.setViewport(logHeight, width), [ctl, logHeight, width]);

  const [insecure, setInsecure] = useState(params?.['insecure'] === true);
  const [mode, setMode] = useState<'picker' | 'view'>(() => (ctl.streams.size > 0 ? 'view' : 'picker'));
  const scrollRef = useRef(0);

  // Navigated here with a source: open it at once.
  useEffect(() => {
    if (!params) return;
    const isInsecure = params['insecure'] === true;
    setInsecure(isInsecure);
    const selector = typeof params['source'] === 'string' ? parseSelector(params['source']) : null;
    const nodes = paramNodes(params).length > 0 ? paramNodes(params) : [...selectedNodes];
    if (!selector || nodes.length === 0) return;
    ctl.streams.openOnly(nodes.map((node) => ({ node, selector, insecure: isInsecure })));
    setMode('view');
    // eslint-disable-next-line react-hooks/exhaustive-deps -- opens on navigation only, not when the selection changes
  }, [params, ctl]);

  // After the navigation effect: effects run in order, and streams it opens come before the catalog load.
  const picker = useSourcePicker({
    ctl,
    session,
    params,
    selectedNodes,
    insecure,
    showing: mode === 'picker',
    loadCatalog: props.loadCatalog ?? defaultLoadCatalog,
  });

  useStreamProblemStatus(snap.streams, active, shell);

  const openStreams = (nodes: readonly string[], selectors: readonly LogSelector[]) => {
    const specs: StreamSpec[] = selectors.flatMap((selector) => nodesFor(selector, nodes).map((node) => ({ node, selector, insecure })));
    ctl.streams.openOnly(specs);
    setMode('view');
    const names = [...new Set(selectors.map(selectorLabel))].join(', ');
    shell.setStatus(`following ${names} on ${nodes.length === 1 ? nodes[0] : `${nodes.length} nodes`}`, 'info');
  };

  const openPicked = (state: PickerState) => {
    const r = pick(state);
    if (r.ok) return openStreams(r.nodes, r.selectors);
    if (r.reason === 'typed') return openInput('typed');
    shell.setStatus(r.reason === 'no-node' ? 'check at least one node (x or space)' : 'check a log (x or space), or move onto one and press enter', 'warn');
  };

  const openPicker = () => {
    picker.checkOpenStreams();
    setMode('picker');
  };

  const { entry, openInput } = useLogsInput(ctl, shell, (selector) => {
    const next = addTyped(picker.latest(), selector);
    picker.setPicker(next);
    openPicked(next);
  });
  const input = entry.field;

  const listHeight = Math.max(1, height - 2 - (input ? 1 : 0));
  scrollRef.current = pickerScroll(pickerRows(picker.picker), picker.picker.cursor, listHeight, scrollRef.current);

  const noSession = !session && !insecure;
  const actions =
    noSession
      ? []
      : mode === 'picker'
        ? pickerActions({
            canClose: ctl.streams.size > 0,
            page: Math.max(1, listHeight - 1),
            move: (d) => picker.setPicker((s) => moveCursor(s, d)),
            toggle: () => picker.setPicker((s) => toggleAtCursor(s)),
            toggleAllNodes: () =>
              picker.setPicker((s) => ({ ...s, checkedNodes: new Set(s.checkedNodes.size === s.nodes.length ? [] : s.nodes) })),
            open: () => openPicked(picker.latest()),
            close: () => setMode('view'),
            reload: picker.reload,
          })
        : viewActions({ model: ctl.model, view: snap.view, hasStreams: snap.streams.length > 0, openInput, openPicker });
  usePaneActions(shell, actions);
  usePaneWork(shell, snap.streams.length > 0 ? `${snap.streams.length} log stream(s) followed, with their filter and scroll position` : null);

  if (noSession) return <NoSessionNotice width={width} sessionProblem={sessionProblem} />;

  const inputLine = input ? <LogsInputLine input={input} value={entry.value} view={snap.view} width={width} /> : null;

  if (mode === 'picker') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <SourcePicker state={picker.picker} scroll={scrollRef.current} width={width} height={height - (input ? 1 : 0)} note={picker.note.text} noteTone={picker.note.tone} />
        {inputLine}
      </Box>
    );
  }

  const view = snap.view;
  const emptyText =
    snap.streams.length === 0 ? 'no log open: press p to pick one' : view.filter.text !== '' ? 'no lines match the filter' : 'waiting for log lines…';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Line segments={sourcesLine(snap.streams, width)} />
      <LogView rows={view.rows} height={logHeight} width={width} emptyText={emptyText} />
      {inputLine ?? <Line segments={modeLine(view, width)} />}
    </Box>
  );
}
