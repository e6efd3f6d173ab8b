// The shell's state as a reducer over typed events: which pane is open, the back stack, overlays,
// the command-line buffer, the status line and the selected nodes. Pure, so it is tested directly.
import type { NavParams, PaneId } from '../pane-types.js';
import type { MessageTone } from '../../core/tone.js';

export type Overlay = 'none' | 'help' | 'command';

export interface ShellState {
  pane: PaneId;
  /** Panes opened at least once: they stay mounted (hidden) so their streams keep running. */
  mounted: readonly PaneId[];
  /** Where q / Escape go back to: filled by pane navigation, not by number keys. */
  history: readonly PaneId[];
  params: Readonly<Partial<Record<PaneId, NavParams>>>;
  overlay: Overlay;
  command: string;
  helpScroll: number;
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
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'status'; text: string; tone?: MessageTone }
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
    helpScroll: 0,
    status: null,
    selectedNodes,
    captured: [],
  };
}

function open(state: ShellState, pane: PaneId): Pick<ShellState, 'pane' | 'mounted'> {
  return { pane, mounted: state.mounted.includes(pane) ? state.mounted : [...state.mounted, pane] };
}

export function shellReducer(state: ShellState, event: ShellEvent): ShellState {
  switch (event.type) {
    case 'switch':
      // Number keys and :commands jump without history, so q quits from anywhere after a few jumps.
      return { ...state, ...open(state, event.pane), overlay: 'none' };
    case 'navigate': {
      const history = event.pane === state.pane ? state.history : [...state.history, state.pane];
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
      return { ...state, overlay: event.overlay, command: '', helpScroll: 0 };
    case 'close':
      return { ...state, overlay: 'none', command: '' };
    case 'type':
      return { ...state, command: state.command + event.text };
    case 'erase':
      return { ...state, command: Array.from(state.command).slice(0, -1).join('') };
    case 'scroll':
      return { ...state, helpScroll: Math.max(0, Math.min(event.max, state.helpScroll + event.delta)) };
    case 'status':
      return { ...state, status: event.text === '' ? null : { text: event.text, tone: event.tone ?? 'info' } };
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
