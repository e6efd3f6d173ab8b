// The shell's state as a reducer over typed events: which pane is open, the back stack, overlays,
// the command-line buffer, the status line and the selected nodes. Pure, so it is tested directly.
import type { NavParams, PaneId } from '../pane-types.js';
import type { MessageTone } from '../../core/tone.js';

export type Overlay = 'none' | 'help' | 'command' | 'messages' | 'quit';

/** One status message as the messages log (`:messages`) keeps it: whole, with when it came. */
export interface LoggedMessage {
  text: string;
  tone: MessageTone;
  at: Date;
}

/** How many messages `:messages` keeps, and how deep the pane and command histories go. */
export const MESSAGE_LOG_SIZE = 50;
export const HISTORY_SIZE = 50;

export interface ShellState {
  pane: PaneId;
  /** Panes opened at least once: they stay mounted (hidden) so their streams keep running. */
  mounted: readonly PaneId[];
  /** Where q / Escape go back to (k9s style): every pane change pushes, whether by digit, `:` or navigate. */
  history: readonly PaneId[];
  params: Readonly<Partial<Record<PaneId, NavParams>>>;
  overlay: Overlay;
  command: string;
  /** Commands run from the `:` line, oldest first (up/down recall them). */
  commandHistory: readonly string[];
  /** Which history entry the line shows while recalling, or null while typing a new one. */
  historyAt: number | null;
  /** Scroll of whichever list overlay is open (help, messages). */
  helpScroll: number;
  /** The last messages in full, oldest first (the status row may have wrapped or replaced them). */
  messages: readonly LoggedMessage[];
  status: { text: string; tone: MessageTone } | null;
  selectedNodes: readonly string[];
  /** Panes whose text field currently owns the keyboard. */
  captured: readonly PaneId[];
}

export type ShellEvent =
  | { type: 'switch'; pane: PaneId }
  | { type: 'navigate'; pane: PaneId; params?: NavParams }
  | { type: 'back' }
  | { type: 'open'; overlay: Exclude<Overlay, 'none'> }
  | { type: 'close' }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  /** Replace the whole line (Ctrl+U, Ctrl+W, Tab completion). */
  | { type: 'command-set'; text: string }
  /** Up (-1) / down (+1) through the command history. */
  | { type: 'recall'; delta: -1 | 1 }
  /** The line was run: it joins the history. */
  | { type: 'command-ran'; text: string }
  /** A message for the log only (a pane shows it in its own view). */
  | { type: 'record'; text: string; tone?: MessageTone; at?: Date }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'status'; text: string; tone?: MessageTone; at?: Date }
  /** A timer ran out for this very message (a newer one is left alone). */
  | { type: 'status-expired'; status: NonNullable<ShellState['status']> }
  | { type: 'nodes'; nodes: readonly string[] }
  | { type: 'capture'; pane: PaneId; on: boolean };

export function initialShellState(pane: PaneId, selectedNodes: readonly string[] = []): ShellState {
  return {
    pane,
    mounted: [pane],
    history: [],
    params: {},
    overlay: 'none',
    command: '',
    commandHistory: [],
    historyAt: null,
    helpScroll: 0,
    messages: [],
    status: null,
    selectedNodes,
    captured: [],
  };
}

/** The log with `text` appended (the same text twice in a row is kept once, with the newer time). */
function logMessage(log: readonly LoggedMessage[], text: string, tone: MessageTone, at = new Date()): readonly LoggedMessage[] {
  const last = log[log.length - 1];
  const kept = last && last.text === text && last.tone === tone ? log.slice(0, -1) : log;
  return [...kept, { text, tone, at }].slice(-MESSAGE_LOG_SIZE);
}

function open(state: ShellState, pane: PaneId): Pick<ShellState, 'pane' | 'mounted'> {
  return { pane, mounted: state.mounted.includes(pane) ? state.mounted : [...state.mounted, pane] };
}

export function shellReducer(state: ShellState, event: ShellEvent): ShellState {
  switch (event.type) {
    case 'switch':
    case 'navigate': {
      // Digits, `:` and a pane's own navigation all push: q and Esc walk back the way the user came.
      const history = event.pane === state.pane ? state.history : [...state.history, state.pane].slice(-HISTORY_SIZE);
      if (event.type === 'switch') return { ...state, ...open(state, event.pane), history, overlay: 'none' };
      const params = event.params ? { ...state.params, [event.pane]: event.params } : state.params;
      return { ...state, ...open(state, event.pane), history, params, overlay: 'none' };
    }
    case 'back': {
      if (state.overlay !== 'none') return { ...state, overlay: 'none', command: '' };
      const previous = state.history[state.history.length - 1];
      if (previous === undefined) return state;
      return { ...state, pane: previous, history: state.history.slice(0, -1) };
    }
    case 'open':
      return { ...state, overlay: event.overlay, command: '', historyAt: null, helpScroll: event.overlay === 'messages' ? Number.MAX_SAFE_INTEGER : 0 };
    case 'close':
      return { ...state, overlay: 'none', command: '', historyAt: null };
    case 'command-set':
      return { ...state, command: event.text };
    case 'recall': {
      const n = state.commandHistory.length;
      if (n === 0) return state;
      const from = state.historyAt ?? n;
      const at = Math.max(0, Math.min(n, from + event.delta));
      return { ...state, historyAt: at === n ? null : at, command: at === n ? '' : state.commandHistory[at]! };
    }
    case 'command-ran': {
      const text = event.text.trim();
      if (text === '' || state.commandHistory[state.commandHistory.length - 1] === text) return state;
      return { ...state, commandHistory: [...state.commandHistory, text].slice(-HISTORY_SIZE) };
    }
    case 'record':
      return event.text === '' ? state : { ...state, messages: logMessage(state.messages, event.text, event.tone ?? 'info', event.at) };
    case 'type':
      return { ...state, command: state.command + event.text };
    case 'erase':
      return { ...state, command: Array.from(state.command).slice(0, -1).join('') };
    case 'scroll':
      return { ...state, helpScroll: Math.max(0, Math.min(event.max, state.helpScroll + event.delta)) };
    case 'status':
      if (event.text === '') return { ...state, status: null };
      return { ...state, status: { text: event.text, tone: event.tone ?? 'info' }, messages: logMessage(state.messages, event.text, event.tone ?? 'info', event.at) };
    case 'status-expired':
      return state.status === event.status ? { ...state, status: null } : state;
    case 'nodes':
      return { ...state, selectedNodes: event.nodes };
    case 'capture': {
      const has = state.captured.includes(event.pane);
      if (has === event.on) return state;
      return { ...state, captured: event.on ? [...state.captured, event.pane] : state.captured.filter((p) => p !== event.pane) };
    }
  }
}

/**
 * How long a status message stays: reports ("wrote 81 lines to …", "scan done") fade after a few
 * seconds like k9s's flash messages; warnings and errors stay until something replaces them, so a
 * problem is never missed.
 */
export function statusLifetimeMs(tone: MessageTone): number | null {
  return tone === 'ok' || tone === 'info' ? 6_000 : null;
}
