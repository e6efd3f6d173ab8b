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
import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FilterSpec } from '../../core/logs/filter.js';
import { LogView } from '../../ui/LogView.js';
import { Line } from '../../ui/shell/Line.js';
import { usePaneActions, type NavParams, type PaneProps } from '../pane-types.js';
import { pickerActions, viewActions, type InputKind } from './actions.js';
import { loadCatalog as defaultLoadCatalog, type CatalogEntry } from './catalog.js';
import type { LogsController } from './controller.js';
import { parseSelector, selectorLabel, type LogSelector } from './follow.js';
import { addTyped, moveCursor, pick, pickerRows, pickerScroll, selectorKey, toggleAtCursor, withNodes, type PickerState } from './picker-model.js';
import { defaultSavePath, saveText } from './save.js';
import { streamId, type StreamSpec } from './source.js';
import { SourcePicker } from './SourcePicker.js';
import { modeLine, sourcesLine, streamProblem } from './status-line.js';
import { useLogsController, useLogsSnapshot } from './use-logs.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';

export default function LogsPane(props: PaneProps) {
  return <LogsPaneView {...props} />;
}

export interface LogsPaneViewProps extends PaneProps {
  /** A controller made outside (tests, benchmarks); by default the pane makes one for its session. */
  controller?: LogsController;
  /** The picker's service lookup (tests replace it). */
  loadCatalog?: typeof defaultLoadCatalog;
}

const DMESG_ENTRY: CatalogEntry = { selector: { kind: 'dmesg' }, name: 'dmesg', note: 'kernel ring' };

function paramNodes(params: NavParams | undefined): string[] {
  if (!params) return [];
  if (Array.isArray(params['nodes'])) return params['nodes'].filter((n): n is string => typeof n === 'string');
  return typeof params['node'] === 'string' ? [params['node']] : [];
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items.filter((s) => s !== ''))];
}

const PROMPTS: Record<InputKind, string> = {
  filter: '/ filter: ',
  save: 'save to: ',
  tail: 'lines per log at start (a number, or all): ',
  typed: 'log id (service, or k8s container ns/pod:container:id): ',
};

export function LogsPaneView(props: LogsPaneViewProps) {
  const { session, sessionProblem, width, height, active, shell, selectedNodes, params } = props;
  const loadCatalog = props.loadCatalog ?? defaultLoadCatalog;
  const ctl = useLogsController(session, props.controller);
  const snap = useLogsSnapshot(ctl);
  const logHeight = Math.max(1, height - 2);
  useEffect(() => ctl.setViewport(logHeight, width), [ctl, logHeight, width]);

  const [insecure, setInsecure] = useState(params?.['insecure'] === true);
  const contextNodes = session?.info.nodes ?? [];
  const choices = useMemo(
    () => unique([...paramNodes(params), ...selectedNodes, ...contextNodes]),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [params, selectedNodes.join(','), contextNodes.join(',')],
  );

  const [mode, setMode] = useState<'picker' | 'view'>(() => (ctl.streams.size > 0 ? 'view' : 'picker'));
  // Picker state in a ref as well: keys pressed faster than frames (enter right after two downs)
  // must act on the latest state, not on the last rendered one.
  const pickerRef = useRef<PickerState | null>(null);
  pickerRef.current ??= {
    nodes: choices,
    entries: [DMESG_ENTRY],
    checkedNodes: new Set(selectedNodes.length > 0 ? selectedNodes : choices),
    checkedSources: new Set(),
    cursor: 0,
  };
  const [picker, setPickerState] = useState<PickerState>(pickerRef.current);
  const setPicker = (next: PickerState | ((s: PickerState) => PickerState)) => {
    pickerRef.current = typeof next === 'function' ? next(pickerRef.current!) : next;
    setPickerState(pickerRef.current);
  };
  const [note, setNote] = useState<{ text: string; tone: 'dim' | 'warn' }>({ text: '', tone: 'dim' });
  const [reload, setReload] = useState(0);
  const scrollRef = useRef(0);

  /** The filter before editing, restored by esc. */
  const previousFilter = useRef<FilterSpec | null>(null);

  // The selection changed elsewhere (:node): offer the new nodes, checking the selected ones.
  useEffect(() => {
    setPicker((s) => withNodes(s, choices, false));
  }, [choices]);

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
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params, ctl]);

  // The picker asks the nodes what they run (again when the nodes change or on r).
  const nodesKey = picker.nodes.join(',');
  useEffect(() => {
    if (mode !== 'picker') return;
    if (picker.nodes.length === 0) {
      setNote({ text: 'no nodes selected and none in the talosconfig context: type :node IP[,IP]', tone: 'warn' });
      return;
    }
    if (!session && !insecure) return;
    const ac = new AbortController();
    const n = picker.nodes.length;
    setNote({ text: `asking ${n} node${n === 1 ? '' : 's'} for their services…`, tone: 'dim' });
    void loadCatalog(picker.nodes, (node) => ctl.targetFor(node, insecure), ac.signal).then((cat) => {
      if (ac.signal.aborted) return;
      setPicker((s) => {
        const fromCatalog = new Set(cat.entries.map((e) => selectorKey(e.selector)));
        const typed = s.entries.filter((e) => !fromCatalog.has(selectorKey(e.selector)) && e.selector.kind !== 'dmesg' && (e.note === 'typed' || e.note === 'k8s container'));
        return { ...s, entries: [...cat.entries, ...typed] };
      });
      const first = cat.errors[0];
      if (first) {
        const more = cat.errors.length > 1 ? ` (and ${cat.errors.length - 1} more node${cat.errors.length > 2 ? 's' : ''})` : '';
        setNote({ text: `${first.node}: ${first.message}${more}`, tone: 'warn' });
      } else {
        setNote({ text: `${cat.entries.length} logs on ${n} node${n === 1 ? '' : 's'}`, tone: 'dim' });
      }
    });
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode, nodesKey, reload, ctl, insecure]);

  // A stream the node refuses (maintenance mode, role) is also said in the status bar, once.
  const reported = useRef('');
  const problem = streamProblem(snap.streams);
  useEffect(() => {
    const key = problem ? `${problem.id}\u0000${problem.detail}` : '';
    if (key !== '' && key !== reported.current && active) shell.setStatus(problem!.detail, 'error');
    reported.current = key;
  }, [problem, active, shell]);

  const openStreams = (nodes: readonly string[], selectors: readonly LogSelector[]) => {
    const specs: StreamSpec[] = nodes.flatMap((node) => selectors.map((selector) => ({ node, selector, insecure })));
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
    // Pre-check what is open now, so enter without changes keeps it.
    const open = ctl.streams.list();
    if (open.length > 0) {
      setPicker((s) => ({
        ...s,
        checkedNodes: new Set(open.map((o) => o.node)),
        checkedSources: new Set(
          s.entries.filter((e) => open.some((o) => o.id === streamId({ node: o.node, selector: e.selector }))).map((e) => selectorKey(e.selector)),
        ),
      }));
    }
    setMode('picker');
  };

  const openInput = (kind: InputKind) => {
    const model = ctl.model;
    const text = kind === 'filter' ? model.filter.text : kind === 'save' ? defaultSavePath() : kind === 'tail' ? (model.tailLines < 0 ? 'all' : String(model.tailLines)) : '';
    previousFilter.current = kind === 'filter' ? { ...model.filter } : null;
    // Takes the keyboard now: the rest of this input chunk ("/", ^U, "abc", Enter) is the field's.
    entry.open(kind, text);
  };

  const submit = (kind: InputKind, typed: string) => {
    const text = typed.trim();
    switch (kind) {
      case 'filter':
        return; // applied while typing
      case 'save': {
        const body = ctl.model.renderForSave();
        void saveText(text, body).then(
          (r) => shell.setStatus(`wrote ${r.lines.toLocaleString('en')} line${r.lines === 1 ? '' : 's'} to ${r.path}`, 'ok'),
          (err: unknown) => shell.setStatus(err instanceof Error ? err.message : String(err), 'error'),
        );
        return;
      }
      case 'tail': {
        const n = text === 'all' || text === '-1' ? -1 : /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(n)) {
          shell.setStatus(`tail takes a whole number of lines, or "all": not "${typed}"`, 'error');
          return;
        }
        ctl.model.setTailLines(n);
        ctl.streams.restartAll();
        shell.setStatus(n < 0 ? 'every log restarts with all the lines its node keeps' : `every log restarts with its last ${n} lines`, 'info');
        return;
      }
      case 'typed': {
        const selector = parseSelector(text);
        if (!selector) {
          shell.setStatus('type a service id (kubelet) or a Kubernetes container id (kube-system/pod:container:id)', 'warn');
          return;
        }
        const next = addTyped(pickerRef.current!, selector);
        setPicker(next);
        openPicked(next);
        return;
      }
    }
  };

  // The one text field at the bottom (filter, save path, tail, typed log id): src/ui/text-entry.
  const entry = useTextEntry<InputKind>(shell, {
    onKey(kind, key) {
      if (kind !== 'filter') return false;
      const model = ctl.model;
      if (key.name === 'ctrl+r') model.setFilter({ ...model.filter, regex: !model.filter.regex });
      else if (key.name === 'ctrl+n') model.setFilter({ ...model.filter, invert: !model.filter.invert });
      else return false;
      return true;
    },
    // The filter applies while typing.
    onChange(kind, text) {
      if (kind === 'filter') ctl.model.setFilter({ ...ctl.model.filter, text });
    },
    onCancel(kind) {
      if (kind === 'filter' && previousFilter.current) ctl.model.setFilter(previousFilter.current);
    },
    onSubmit: submit,
  });
  const input = entry.field;

  const listHeight = Math.max(1, height - 2 - (input ? 1 : 0));
  scrollRef.current = pickerScroll(pickerRows(picker), picker.cursor, listHeight, scrollRef.current);

  const noSession = !session && !insecure;
  const actions =
    noSession
      ? []
      : mode === 'picker'
        ? pickerActions({
            canClose: ctl.streams.size > 0,
            page: Math.max(1, listHeight - 1),
            move: (d) => setPicker((s) => moveCursor(s, d)),
            toggle: () => setPicker((s) => toggleAtCursor(s)),
            toggleAllNodes: () =>
              setPicker((s) => ({ ...s, checkedNodes: new Set(s.checkedNodes.size === s.nodes.length ? [] : s.nodes) })),
            open: () => openPicked(pickerRef.current!),
            close: () => setMode('view'),
            reload: () => setReload((r) => r + 1),
          })
        : viewActions({ model: ctl.model, view: snap.view, hasStreams: snap.streams.length > 0, openInput, openPicker });
  usePaneActions(shell, actions);

  if (noSession) {
    return (
      <Box flexDirection="column" width={width} paddingX={1}>
        <Text wrap="wrap">
          {sessionProblem
            ? `No Talos session, so no logs to follow: ${sessionProblem}`
            : 'No talosconfig, so no logs to follow: pass --talosconfig (or set $TALOSCONFIG, or ~/.talos/config).'}
        </Text>
        <Text wrap="wrap">A node in maintenance mode can be followed from Discovery over the insecure API (Talos 1.13 or later).</Text>
      </Box>
    );
  }

  const inputLine = input ? (
    <TextField
      prompt={PROMPTS[input]}
      value={entry.value}
      hint={
        input !== 'filter'
          ? 'enter ok  ^U clear  esc cancel'
          : snap.view.filterError
            ? snap.view.filterError
            : `^R regex ${snap.view.filter.regex ? 'on' : 'off'} ^N invert ${snap.view.filter.invert ? 'on' : 'off'}`
      }
      hintTone={input === 'filter' && snap.view.filterError ? 'error' : 'dim'}
      width={width}
    />
  ) : null;

  if (mode === 'picker') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <SourcePicker state={picker} scroll={scrollRef.current} width={width} height={height - (input ? 1 : 0)} note={note.text} noteTone={note.tone} />
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
