// The console shell: header, pane area, status row and key-hint bar around the panes of
// src/features. It owns the keyboard: global keys first, then the active pane's action table
// (see src/ui/pane-types.ts for the contract panes rely on).
import { Suspense, memo, type FC, useCallback, useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Text, useApp, useInput, useStdin, type Key } from 'ink';
import type { Action, KeyHandler, KeyPress, NavParams, PaneDefinition, PaneId, PaneProps, ShellApi } from '../pane-types.js';
import type { TalosSession } from '../../talos/session.js';
import type { SessionInfo } from '../../talos/session-info.js';
import { splitKeys } from '../keys.js';
import { useTerminalSize, type TerminalSize } from '../use-terminal-size.js';
import { completeCommand, eraseWord, parseShellCommand } from './commands.js';
import { Header } from './Header.js';
import { HelpOverlay, maxHelpScroll } from './HelpOverlay.js';
import { enabled, helpLines, hintRows, type OtherPaneKeys } from './hints.js';
import { messageLines, MessagesOverlay, QuitOverlay } from './Overlays.js';
import { KeyHints } from './KeyHints.js';
import { PaneErrorBoundary } from './PaneErrorBoundary.js';
import { initialShellState, shellReducer, statusLifetimeMs, type ShellEvent } from './shell-state.js';
import { StatusBar, statusRows } from './StatusBar.js';
import type { MessageTone } from '../../core/tone.js';

export interface ShellProps {
  panes: readonly PaneDefinition[];
  session: TalosSession | null;
  /** Why there is no session (the talosconfig error), passed to the panes to show. */
  sessionProblem?: string | null;
  demo?: boolean;
  /** Shown in the header when there is something to say about the connection (no talosconfig, connecting…). */
  note?: string;
  initialPane?: PaneId;
  /** A status line from outside the shell (start-up problems); shown when it changes. */
  status?: { text: string; tone: MessageTone };
  /** How long a message of each tone stays (default statusLifetimeMs); tests shorten it. */
  statusLifetimeMs?: (tone: MessageTone) => number | null;
  /**
   * Switch talosconfig context (`:ctx NAME`): resolves when the new session is in place, with a
   * warning about it (an expired certificate) or nothing; rejects with a readable Error.
   */
  onSwitchContext?: (name: string) => Promise<string | null | void>;
  /** Called on quit instead of Ink's exit (tests). */
  onQuit?: () => void;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: TerminalSize;
  now?: () => Date;
}

// Rows around the pane area: header (2), status (1, up to 3 while a long message is shown), hints (1,
// 2 when the pane's keys need a second row),
// and one spare row because Ink clears the whole screen on every frame once the output is as tall
// as the terminal.
const CHROME_ROWS = 5;

/** A stable key per session object, so panes remount (and reconnect) when `:ctx` replaces the session. */
function useSessionKey(session: TalosSession | null): number {
  const ref = useRef<{ session: TalosSession | null; key: number }>({ session, key: 0 });
  if (ref.current.session !== session) ref.current = { session, key: ref.current.key + 1 };
  return ref.current.key;
}

const noSubscription = () => () => {};

/** session.info, re-read when the session reports a change (the active endpoint after failover). */
function useSessionInfo(session: TalosSession | null): SessionInfo | null {
  const subscribe = useCallback((onChange: () => void) => (session ? session.subscribe(onChange) : noSubscription()), [session]);
  return useSyncExternalStore(subscribe, () => session?.info ?? null);
}

/** A pane's props as the shell holds them: params untyped until they reach the pane they were typed for. */
type SlotProps = Omit<PaneProps, 'params'> & { params?: NavParams };

const PaneSlot = memo(function PaneSlot(props: { def: PaneDefinition; visible: boolean } & SlotProps) {
  const { def, visible, ...paneProps } = props;
  // The shell keeps each pane's params under that pane's own id, and navigate() only takes the
  // params of the pane it opens: the props of this slot are the ones its component declares.
  const Pane = def.Component as FC<SlotProps>;
  const { shell } = paneProps;
  // A pane that unmounts or crashes while its text field holds the keyboard must not leave the
  // shell deaf to every key (captureInput(false) also drops the field's key handler).
  useEffect(() => () => shell.captureInput(false), [shell]);
  return (
    <Box display={visible ? 'flex' : 'none'} flexDirection="column" width={props.width} height={props.height} overflow="hidden">
      <PaneErrorBoundary title={def.title} onError={() => shell.captureInput(false)}>
        <Suspense fallback={<Text dimColor>{`loading ${def.title}…`}</Text>}>
          <Pane {...paneProps} visible={visible} />
        </Suspense>
      </PaneErrorBoundary>
    </Box>
  );
});

export function Shell(props: ShellProps) {
  const { panes, session } = props;
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize(props.size);
  const width = Math.max(20, size.columns);
  const firstPane = props.initialPane ?? panes[0]?.id ?? 'discovery';
  const [state, reactDispatch] = useReducer(shellReducer, undefined, () => initialShellState(firstPane, session?.info.nodes ?? []));
  // The key handler reads the state through this ref, advanced synchronously with every event, so a
  // burst of keys (a paste, tmux send-keys) sees each key's effect before the next one, whenever
  // React gets round to rendering. React applies the same events to the same reducer.
  const stateRef = useRef(state);
  const dispatch = useCallback((event: ShellEvent) => {
    stateRef.current = shellReducer(stateRef.current, event);
    reactDispatch(event);
  }, []);
  // A long status message takes up to three rows (read whole at 80 columns); the pane gives them up.
  const extraStatusRows = state.overlay === 'command' ? 0 : statusRows(state.status, width).length - 1;
  const current = panes.find((p) => p.id === state.pane) ?? panes[0]!;
  const actionsRef = useRef(new Map<PaneId, readonly Action[]>());
  const actions = actionsRef.current.get(current.id) ?? [];
  const captured = state.captured.includes(current.id);
  const hintMode = state.overlay === 'command' ? 'command' : state.overlay === 'none' ? (captured ? 'captured' : 'pane') : 'help';
  const hints = hintMode === 'pane' ? hintRows(actions, state.history.length > 0, width) : null;
  const paneHeight = Math.max(3, size.rows - CHROME_ROWS - extraStatusRows - (hints ? hints.length - 1 : 0));
  const sessionKey = useSessionKey(session);
  const info = useSessionInfo(session);

  // A new session (start-up, :ctx) brings its own default nodes.
  useEffect(() => {
    dispatch({ type: 'nodes', nodes: session?.info.nodes ?? [] });
  }, [session, dispatch]);

  useEffect(() => {
    if (props.status) dispatch({ type: 'status', text: props.status.text, tone: props.status.tone });
  }, [props.status, dispatch]);

  // Reports fade after a while; warnings and errors stay (statusLifetimeMs).
  useEffect(() => {
    const status = state.status;
    const lifetime = status ? (props.statusLifetimeMs ?? statusLifetimeMs)(status.tone) : null;
    if (!status || lifetime === null) return;
    const timer = setTimeout(() => dispatch({ type: 'status-expired', status }), lifetime);
    return () => clearTimeout(timer);
  }, [state.status, props.statusLifetimeMs, dispatch]);

  // Action tables live in a ref (fresh closures for dispatch, no re-render per pane render); the
  // version bumps only when what the hint bar shows changes.
  /** The text field holding each pane's keyboard (see ShellApi.captureKeys). */
  const keyHandlers = useRef(new Map<PaneId, KeyHandler>());
  const signatures = useRef(new Map<PaneId, string>());
  const [, setActionsVersion] = useState(0);
  /** What quitting would lose, per pane (see ShellApi.setWork). */
  const work = useRef(new Map<PaneId, string>());
  /** Addresses panes offered for `:node` completion (discovered machines). */
  const offeredNodes = useRef<readonly string[]>([]);
  /** Candidates of an ambiguous Tab, shown under the command line until the next key. */
  const [candidates, setCandidates] = useState<string[]>([]);

  const apis = useMemo(() => {
    const make = (id: PaneId): ShellApi => ({
      setActions(actions) {
        actionsRef.current.set(id, actions);
        const sig = actions.map((a) => `${a.key}\u0000${a.label}\u0000${a.dangerous}\u0000${a.hidden}\u0000${enabled(a)}`).join('\n');
        if (signatures.current.get(id) !== sig) {
          signatures.current.set(id, sig);
          setActionsVersion((v) => v + 1);
        }
      },
      setStatus: (text, tone) => dispatch({ type: 'status', text, tone }),
      announce: (text, tone) => {
        const now = stateRef.current;
        const onScreen = now.pane === id && now.overlay === 'none';
        dispatch({ type: 'status', text: onScreen ? '' : text, tone });
        if (onScreen) dispatch({ type: 'record', text, tone });
      },
      record: (text, tone) => dispatch({ type: 'record', text, tone }),
      setWork: (description) => {
        if (description) work.current.set(id, description);
        else work.current.delete(id);
      },
      offerNodes: (nodes) => {
        offeredNodes.current = [...nodes];
      },
      navigate: (pane, params) => dispatch({ type: 'navigate', pane, params }),
      // Through stateRef at once, not after a render: the next key of the same burst ("/q") must
      // already go to the pane's field, not to the global keys (test: "same input burst").
      captureInput: (on) => {
        if (!on) keyHandlers.current.delete(id);
        dispatch({ type: 'capture', pane: id, on });
      },
      // Same: the handler is in place for the next key of the chunk being dispatched right now.
      captureKeys: (handler) => {
        if (handler) keyHandlers.current.set(id, handler);
        else keyHandlers.current.delete(id);
        dispatch({ type: 'capture', pane: id, on: handler !== null });
      },
      getSelectedNodes: () => stateRef.current.selectedNodes,
      setSelectedNodes: (nodes) => dispatch({ type: 'nodes', nodes: [...nodes] }),
    });
    return new Map(panes.map((p) => [p.id, make(p.id)] as const));
  }, [panes, dispatch]);

  // Every pane's table for the help, the current one first: a pane keeps its table while hidden.
  const helpFor = (s: typeof state) => {
    const cur = panes.find((p) => p.id === s.pane) ?? panes[0]!;
    const others: OtherPaneKeys[] = panes
      .filter((p) => p.id !== cur.id)
      .map((p) => ({ title: p.title, number: p.number, actions: s.mounted.includes(p.id) ? (actionsRef.current.get(p.id) ?? []) : null }));
    return helpLines(cur.title, actionsRef.current.get(cur.id) ?? null, panes.length, s.history.length > 0, width, others);
  };
  const help = state.overlay === 'help' ? helpFor(state) : [];
  const messages = state.overlay === 'messages' ? messageLines(state.messages, width) : [];

  const { onQuit } = props;
  const quitNow = useCallback(() => (onQuit ? onQuit() : exit()), [onQuit, exit]);
  /** What would be lost, pane by pane, in number order. */
  const runningWork = () => panes.flatMap((p) => (work.current.has(p.id) ? [`${p.title}: ${work.current.get(p.id)!}`] : []));
  // Quitting with running work (a reboot being followed, log streams, a scan) asks first.
  const quit = () => (runningWork().length > 0 ? dispatch({ type: 'open', overlay: 'quit' }) : quitNow());

  const runCommand = (line: string) => {
    const cmd = parseShellCommand(line);
    const send = (e: ShellEvent) => dispatch(e);
    switch (cmd.kind) {
      case 'pane':
        send({ type: 'switch', pane: cmd.pane });
        return;
      case 'node':
        send({ type: 'nodes', nodes: cmd.nodes });
        send({ type: 'status', text: `nodes: ${cmd.nodes.join(', ')}`, tone: 'ok' });
        return;
      case 'ctx': {
        if (!props.onSwitchContext) {
          send({ type: 'status', text: 'switching context is not available here', tone: 'error' });
          return;
        }
        send({ type: 'status', text: `switching to context ${cmd.name}…` });
        props.onSwitchContext(cmd.name).then(
          (warning) =>
            send(warning ? { type: 'status', text: warning, tone: 'error' } : { type: 'status', text: `context ${cmd.name}`, tone: 'ok' }),
          (err: unknown) => send({ type: 'status', text: err instanceof Error ? err.message : String(err), tone: 'error' }),
        );
        return;
      }
      case 'help':
        send({ type: 'open', overlay: 'help' });
        return;
      case 'messages':
        send({ type: 'open', overlay: 'messages' });
        return;
      case 'quit':
        quit();
        return;
      case 'error':
        send({ type: 'status', text: cmd.message, tone: 'error' });
        return;
    }
  };

  const onKey = ({ name, text }: KeyPress) => {
    const state = stateRef.current;
    const current = panes.find((p) => p.id === state.pane) ?? panes[0]!;
    const actions = actionsRef.current.get(current.id) ?? [];
    const captured = state.captured.includes(current.id);
    if (state.overlay === 'command') {
      setCandidates([]);
      if (name === 'escape') dispatch({ type: 'close' });
      else if (name === 'enter') {
        dispatch({ type: 'close' });
        dispatch({ type: 'command-ran', text: state.command });
        runCommand(state.command);
      } else if (name === 'backspace') {
        if (state.command === '') dispatch({ type: 'close' });
        else dispatch({ type: 'erase' });
      } else if (name === 'ctrl+u') dispatch({ type: 'command-set', text: '' });
      else if (name === 'ctrl+w') dispatch({ type: 'command-set', text: eraseWord(state.command) });
      else if (name === 'up' || name === 'ctrl+p') dispatch({ type: 'recall', delta: -1 });
      else if (name === 'down' || name === 'ctrl+n') dispatch({ type: 'recall', delta: 1 });
      else if (name === 'tab') {
        const known = [...state.selectedNodes, ...(session?.info.nodes ?? []), ...offeredNodes.current];
        const done = completeCommand(state.command, { contexts: session?.context?.contextNames ?? [], nodes: known });
        dispatch({ type: 'command-set', text: done.line });
        setCandidates(done.candidates);
      } else if (text !== '') dispatch({ type: 'type', text });
      return;
    }
    if (state.overlay === 'quit') {
      if (name === 'y' || name === 'Y') quitNow();
      else dispatch({ type: 'close' });
      return;
    }
    if (state.overlay === 'help' || state.overlay === 'messages') {
      const lineCount = state.overlay === 'help' ? helpFor(state).length : messageLines(state.messages, width).length;
      const max = maxHelpScroll(lineCount, paneHeight);
      if (name === 'escape' || name === 'q' || name === '?') dispatch({ type: 'close' });
      else if (name === 'up' || name === 'k') dispatch({ type: 'scroll', delta: -1, max });
      else if (name === 'down' || name === 'j') dispatch({ type: 'scroll', delta: 1, max });
      else if (name === 'pageup') dispatch({ type: 'scroll', delta: -(paneHeight - 1), max });
      else if (name === 'pagedown' || name === ' ') dispatch({ type: 'scroll', delta: paneHeight - 1, max });
      return;
    }
    if (captured) {
      // A text field's keys, in order, even those that came in the chunk of the key that opened it.
      keyHandlers.current.get(current.id)?.({ name, text });
      return;
    }
    const byNumber = panes.find((p) => String(p.number) === name);
    if (byNumber) {
      dispatch({ type: 'switch', pane: byNumber.id });
      return;
    }
    if (name === '?') return dispatch({ type: 'open', overlay: 'help' });
    if (name === ':') return dispatch({ type: 'open', overlay: 'command' });
    if (name === 'q') {
      if (state.history.length > 0) dispatch({ type: 'back' });
      else quit();
      return;
    }
    const action = actions.find((a) => a.key === name && enabled(a));
    if (action) {
      action.run();
      return;
    }
    if (name === 'escape') dispatch({ type: 'back' });
  };

  // One stable handler reading the latest render's closure, so Ink does not re-subscribe per render.
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  // Pasted text (or tmux send-keys) arrives as one multi-character input: handle it as typed keys,
  // one at a time, each seeing what the previous one did (a field it opened, a capture it released).
  // The shell is the only reader of keys: text fields get theirs through captureKeys.
  const handleInput = useCallback((input: string, key: Key) => {
    for (const press of splitKeys(input, key)) onKeyRef.current(press);
  }, []);
  // Without a terminal on stdin (piped, CI) the console still draws; it just cannot take keys.
  useInput(handleInput, { isActive: isRawModeSupported !== false });

  const overlayOpen = state.overlay === 'help' || state.overlay === 'messages' || state.overlay === 'quit';
  return (
    <Box flexDirection="column" width={width}>
      <Header
        info={info}
        selectedNodes={state.selectedNodes}
        demo={props.demo ?? false}
        note={props.note}
        now={(props.now ?? (() => new Date()))()}
        width={width}
        panes={panes}
        current={current.id}
      />
      <Box flexDirection="column" width={width} height={paneHeight} overflow="hidden">
        {state.overlay === 'help' ? <HelpOverlay lines={help} scroll={state.helpScroll} height={paneHeight} width={width} /> : null}
        {state.overlay === 'messages' ? <MessagesOverlay lines={messages} scroll={state.helpScroll} height={paneHeight} width={width} /> : null}
        {state.overlay === 'quit' ? <QuitOverlay work={runningWork()} width={width} /> : null}
        {panes
          .filter((p) => state.mounted.includes(p.id))
          .map((p) => (
            <PaneSlot
              key={p.keepAcrossSessions ? p.id : `${p.id}:${sessionKey}`}
              def={p}
              visible={!overlayOpen && p.id === current.id}
              session={session}
              sessionProblem={session ? null : (props.sessionProblem ?? null)}
              width={width}
              height={paneHeight}
              active={state.overlay === 'none' && p.id === current.id}
              shell={apis.get(p.id)!}
              selectedNodes={state.selectedNodes}
              params={state.params[p.id]}
              demo={props.demo ?? false}
            />
          ))}
      </Box>
      <StatusBar status={state.status} command={state.overlay === 'command' ? state.command : null} width={width} />
      <KeyHints rows={hints} candidates={candidates} width={width} mode={state.overlay === 'quit' ? 'quit' : hintMode} />
    </Box>
  );
}
