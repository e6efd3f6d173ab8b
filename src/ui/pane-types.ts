// THE PANE CONTRACT: what the console shell (src/ui/shell) gives a pane and what a pane gives back.
//
// A pane is a React component mounted in the pane area. It is mounted the first time the user opens it
// and stays mounted (hidden, `active: false`) when the user switches away, so a log follow or a scan
// keeps running; it unmounts when the console exits or the session is replaced (`:ctx`), unless its
// definition says `keepAcrossSessions` (then it stays mounted and just receives the new `session`).
//
// Keys (k9s style): a pane does not read keys for its commands itself. It publishes ONE action table
// with `usePaneActions(shell, actions)`; the shell dispatches matching keys to `run()`, shows the
// enabled actions in the hint bar and every action with its `help` in the `?` overlay, so keys and
// help never drift apart. Free text (a filter, a path, a confirmation) goes through ONE implementation,
// src/ui/text-entry (useTextEntry + TextField): opening a field calls `shell.captureKeys(handler)`
// inside the action's run(), so the rest of the same input chunk (`/`, ^U, `abc`, Enter, `R` sent in
// one write by a paste or tmux send-keys) already reaches the field key by key, and the keys after its
// Enter reach the action table again. No pane reads stdin with Ink's useInput for text.
//
// The table is published whether or not the pane is `active`: the `?` help lists it while the overlay
// is open (the shell only dispatches keys to the visible pane's table when no overlay is open).
//
// Global keys belong to the shell and are never passed to a pane's actions: 1-6 (switch pane), `?`
// (help), `:` (command line), `q` (back / quit). `escape` goes to the pane's action table first (to
// clear a filter, say) and means "back" only when the pane has no enabled escape action.
//
// Each src/features/<id>/index.tsx DEFAULT-EXPORTS its pane component (`FC<PaneProps>`): the registry
// loads panes lazily (React.lazy), so a pane's code and imports cost nothing until it is opened.
import { useEffect, useLayoutEffect, type FC } from 'react';
import type { TalosSession } from '../talos/session.js';
import type { MessageTone } from '../core/tone.js';
import type { InventoryNode, InventoryOrigin } from '../core/inventory.js';

export type PaneId = 'discovery' | 'apply' | 'meta' | 'status' | 'logs' | 'provision';

/**
 * One key as the shell dispatches it. A chunk of several keys (a paste, keys typed faster than a frame,
 * tmux send-keys) is taken apart into one KeyPress per key, control characters included.
 */
export interface KeyPress {
  /** As in Action.key: a printable character or a named key ('enter', 'backspace', 'ctrl+u', ...). */
  name: string;
  /** The text a field inserts for it; '' for named keys and control characters. */
  text: string;
}

/** Receives every key while a pane's text field holds the keyboard (see ShellApi.captureKeys). */
export type KeyHandler = (key: KeyPress) => void;

/**
 * One entry of a pane's key-action table.
 * `key` is a printable character as Ink reports it ('r', 'R', '/') or one of the named keys
 * 'enter' 'escape' 'up' 'down' 'left' 'right' 'pageup' 'pagedown' 'home' 'end' 'tab' 'shift+tab'
 * 'backspace' (terminals send the Backspace key as DEL, which Ink calls delete: both are 'backspace'),
 * or 'ctrl+<letter>' (see src/ui/keys.ts).
 */
export interface Action {
  key: string;
  /** Short, for the hint bar: "apply", "follow". */
  label: string;
  /** Longer, for the `?` help: what it does and to which node. */
  help?: string;
  /** Shown in red; the pane itself asks for confirmation (ConfirmDangerous) inside run(). */
  dangerous?: boolean;
  /** Enabled only when this returns true (evaluated at render and at key press). Disabled actions are hidden from the hint bar. */
  when?: () => boolean;
  /** Listed in `?` help but not in the hint bar (for obvious keys such as arrows) so the bar fits 80 columns. */
  hidden?: boolean;
  run: () => void;
}

/**
 * Discovery -> Apply: the node as Discovery identified it, and the inventory entry it matched, already
 * parsed (Apply never reads the inventory file again). Tests may also set the reboot follow's timing.
 */
export interface ApplyParams {
  node: string;
  /** Default 50000. */
  port?: number;
  /** A maintenance node: reached over the insecure API, pinned to `certFingerprint`. */
  insecure?: boolean;
  certFingerprint?: string | null;
  /** The inventory entry the node matched, and its inventory (where relative paths start). */
  inventoryEntry?: InventoryNode | null;
  inventory?: InventoryOrigin | null;
  followTimeoutMs?: number;
  followIntervalMs?: number;
}

/** -> META: a document file to watch, the node to write to; `pollMs` how often the file is read again. */
export interface MetaParams {
  file?: string;
  node?: string;
  insecure?: boolean;
  pollMs?: number;
}

/** -> Logs: open `source` ("dmesg", a service id, "k8s:<container id>") at once on these nodes. */
export interface LogsParams {
  source?: string;
  node?: string;
  nodes?: readonly string[];
  insecure?: boolean;
}

type NoParams = Readonly<Record<string, never>>;

/** What each pane takes from a navigation: `navigate('apply', …)` only compiles with ApplyParams. */
export interface PaneParams {
  discovery: NoParams;
  apply: Readonly<ApplyParams>;
  meta: Readonly<MetaParams>;
  status: NoParams;
  logs: Readonly<LogsParams>;
  provision: NoParams;
}

/** Any pane's navigation params, as the shell keeps them (per pane id; navigate() typed them). */
export type NavParams = Readonly<Record<string, unknown>>;

/** What the shell lets a pane do. The object is stable for the pane's lifetime (safe in effect deps). */
export interface ShellApi {
  /** Replace this pane's action table. Prefer `usePaneActions`. Cheap to call every render. */
  setActions(actions: readonly Action[]): void;
  /** One line in the status bar (replaces the previous message; '' clears it). */
  setStatus(text: string, tone?: MessageTone): void;
  /**
   * An outcome the pane shows in its own view: while the pane is on screen the status bar is only
   * cleared (never given the same sentence twice); when the operator has moved on, it carries it.
   */
  announce(text: string, tone?: MessageTone): void;
  /**
   * A message for the `:messages` log only: the pane already shows it in its own view (a note under
   * its heading that may be cut there), and the log keeps the full text.
   */
  record(text: string, tone?: MessageTone): void;
  /**
   * Work that quitting would lose ("following the reboot of 10.0.0.5", "2 log streams"), or null:
   * `q` at the top and `:q` ask first while any pane has some. Prefer `usePaneWork`.
   */
  setWork(description: string | null): void;
  /** Node addresses worth completing after `:node` (discovered machines). */
  offerNodes(nodes: readonly string[]): void;
  /** Open another pane (pushes history: q/Escape come back here), handing it typed params. */
  navigate<P extends PaneId>(pane: P, params?: PaneParams[P]): void;
  /**
   * While on, the shell ignores every key (no global keys, no actions) and gives them to nobody: the
   * low-level switch under captureKeys, kept for a pane that reads keys itself. Text fields use
   * src/ui/text-entry instead. Off also drops a captureKeys handler; the shell turns it off if the
   * pane unmounts or crashes.
   */
  captureInput(on: boolean): void;
  /**
   * Give every key to `handler` (a text field) until `captureKeys(null)`; the shell's global keys and
   * the action table get none. Takes effect at once, for the very next key of the same input chunk,
   * and ends at once too (a key after the field's Enter in the same chunk runs the action table).
   * Use src/ui/text-entry rather than calling it directly. captureInput(false) also clears it.
   */
  captureKeys(handler: KeyHandler | null): void;
  /** The nodes calls are aimed at (`-n`, `:node IP[,IP]`, or a pane's choice). Also in PaneProps. */
  getSelectedNodes(): readonly string[];
  setSelectedNodes(nodes: readonly string[]): void;
}

export interface PaneProps<P extends PaneId = PaneId> {
  /** The shared Talos session, or null when there is none (Discovery still works without one). */
  session: TalosSession | null;
  /**
   * Why there is no session, as one sentence to show the user: the talosconfig error ("no talosconfig
   * at ~/.talos/config", "context prod not found in …", "certificate … expired"). Null when a session
   * is in place, or while it is still loading.
   */
  sessionProblem: string | null;
  /** Columns and rows available to the pane (the shell's header, status and hint bars are outside). */
  width: number;
  height: number;
  /** True when this pane is the visible one and no overlay is open. */
  active: boolean;
  /** False while the pane is hidden (another pane shown, or help/messages over it); default true. */
  visible?: boolean;
  shell: ShellApi;
  /** Selected nodes, reactive (same as shell.getSelectedNodes()). */
  selectedNodes: readonly string[];
  /** What the last `navigate` to this pane carried; a new object per navigation. */
  params?: PaneParams[P];
  /** True in `--demo` mode (the session talks to the built-in simulator). */
  demo: boolean;
}

interface PaneDefinitionOf<P extends PaneId> {
  id: P;
  /** The number key that opens it. */
  number: 1 | 2 | 3 | 4 | 5 | 6;
  title: string;
  Component: FC<PaneProps<P>>;
  /**
   * Stays mounted when `:ctx` replaces the session and receives the new one as a prop (Discovery:
   * its scan results and inventory do not depend on the session). Other panes remount, so their
   * streams restart on the new session.
   */
  keepAcrossSessions?: boolean;
}

/** One pane as the registry lists it: its component takes the params of its own id. */
export type PaneDefinition = { [P in PaneId]: PaneDefinitionOf<P> }[PaneId];

/**
 * Publish a pane's action table. Call it on every render with fresh closures; the shell only repaints
 * when keys/labels/enabled change. A layout effect, so the table is in place in the same commit that
 * draws the frame: a key arriving right after a frame runs that frame's actions, never the previous one's.
 */
/** Publish the work quitting would lose (null: none); cleared when the pane unmounts. */
export function usePaneWork(shell: ShellApi, description: string | null): void {
  useLayoutEffect(() => {
    shell.setWork(description);
  }, [shell, description]);
  useLayoutEffect(() => () => shell.setWork(null), [shell]);
}

/** Copy a pane's own note into the `:messages` log each time it changes (the pane shows it, maybe cut). */
export function useRecordNote(shell: ShellApi, note: { text: string; tone: MessageTone } | null): void {
  useEffect(() => {
    if (note) shell.record(note.text, note.tone);
  }, [shell, note]);
}

export function usePaneActions(shell: ShellApi, actions: readonly Action[]): void {
  useLayoutEffect(() => {
    shell.setActions(actions);
  });
  useLayoutEffect(() => () => shell.setActions([]), [shell]);
}
