// The Apply pane's state and the one function that changes it: a reducer over typed events. Pure (no
// I/O, no React): the controller (controller.ts) does the reading, rendering and sending, and reports
// what came back as events; tests drive this on fixtures.
import type { Note } from '../../ui/DocumentView.js';
import type { ApplyMode } from '../../ops/apply-run.js';
import type { ApplyInputs, RenderResult } from '../../ops/apply-inputs.js';
import type { FollowPhase } from '../../ops/follow-reboot.js';
import { redactConfig } from '../../core/config-redact.js';

/** The modes the pane cycles through with `m` (Talos's deprecated REBOOT is headless only). */
export const PANE_MODES: readonly ApplyMode[] = ['auto', 'no-reboot', 'staged', 'try'];

/** Talos's reply, the reboot followed or the health check: shown instead of the rendered config. */
export interface Output {
  title: string;
  lines: string[];
}

export interface FollowState {
  phase: FollowPhase;
  detail: string;
  started: number;
}

export interface ApplyState {
  node: string | null;
  /** The inventory entry the node came with from Discovery (name and role, for the heading). */
  entry: { name: string; role: string } | null;
  insecure: boolean;
  fingerprint: string | null;
  inputs: ApplyInputs;
  /** The inputs as last read and rendered (the controller renders again whenever they change). */
  rendered: RenderResult;
  /** The rendered config as the screen shows it, secrets replaced: redacted once per render, not per frame. */
  shownConfig: string;
  mode: ApplyMode;
  output: Output | null;
  /** First body line shown; back to 0 whenever the body is replaced. */
  scroll: number;
  note: Note | null;
  busy: string | null;
  follow: FollowState | null;
  /** The node this pane applied a worker config to (bootstrap is not offered there). */
  workerNode: string | null;
  /** A run Esc can stop (an apply, the reboot followed, the health check). */
  running: boolean;
}

export const NO_INPUTS: ApplyInputs = { base: null, patches: [] };
export const NO_BASE_NOTE: Note = { text: 'no inventory entry: press f to name the base config (controlplane.yaml or worker.yaml)', tone: 'info' };

const shownConfig = (r: RenderResult): string => (r.ok ? redactConfig(r.config) : '');

export const initialApplyState = (rendered: RenderResult): ApplyState => ({
  node: null,
  entry: null,
  insecure: false,
  fingerprint: null,
  inputs: NO_INPUTS,
  rendered,
  shownConfig: shownConfig(rendered),
  mode: 'auto',
  output: null,
  scroll: 0,
  note: null,
  busy: null,
  follow: null,
  workerNode: null,
  running: false,
});

export type ApplyEvent =
  /** Discovery sent a node (its inputs already resolved, or the sentence saying why not). */
  | { type: 'navigated'; node: string; insecure: boolean; fingerprint: string | null; entry: ApplyState['entry']; inputs: ApplyInputs; note: Note | null }
  /** A node typed with `n`: the previous node's patches (hostname, static address) do not carry over. */
  | { type: 'node-typed'; node: string; asking: Note }
  /** What a typed node turned out to be; ignored unless the "asking" note is still the one shown. */
  | { type: 'identified'; asking: Note; insecure?: boolean; fingerprint?: string | null; note: Note }
  | { type: 'base'; file: string }
  | { type: 'patch-added'; file: string }
  | { type: 'patches-dropped' }
  | { type: 'rendered'; rendered: RenderResult }
  | { type: 'mode-cycled' }
  | { type: 'insecure-toggled' }
  | { type: 'show-config' }
  | { type: 'scroll'; top: number }
  | { type: 'output'; output: Output }
  | { type: 'append'; line: string }
  | { type: 'note'; note: Note | null }
  | { type: 'busy'; busy: string | null }
  | { type: 'running'; running: boolean }
  | { type: 'follow'; follow: FollowState | null }
  /** The node answers over mTLS at its new address. */
  | { type: 'followed-up'; to: string; worker: boolean };

export function applyReducer(s: ApplyState, e: ApplyEvent): ApplyState {
  switch (e.type) {
    case 'navigated':
      return { ...s, node: e.node, insecure: e.insecure, fingerprint: e.fingerprint, entry: e.entry, inputs: e.inputs, note: e.note, follow: null, output: null, scroll: 0 };
    case 'node-typed':
      return { ...s, node: e.node, entry: null, fingerprint: null, follow: null, inputs: { ...s.inputs, patches: [] }, output: null, scroll: 0, note: e.asking };
    case 'identified':
      // A late answer must not undo what the admin did meanwhile (another node, a bootstrap, i).
      if (s.note !== e.asking) return s;
      return { ...s, note: e.note, ...(e.insecure !== undefined ? { insecure: e.insecure } : {}), ...(e.fingerprint !== undefined ? { fingerprint: e.fingerprint } : {}) };
    case 'base':
      // The "press f to name the base" hint has been answered.
      return { ...s, inputs: { ...s.inputs, base: e.file }, note: null, output: null, scroll: 0 };
    case 'patch-added':
      return { ...s, inputs: { ...s.inputs, patches: [...s.inputs.patches, e.file] }, output: null, scroll: 0 };
    case 'patches-dropped':
      return { ...s, inputs: { ...s.inputs, patches: [] }, output: null };
    case 'rendered':
      return { ...s, rendered: e.rendered, shownConfig: shownConfig(e.rendered) };
    case 'mode-cycled':
      return { ...s, mode: PANE_MODES[(PANE_MODES.indexOf(s.mode) + 1) % PANE_MODES.length]! };
    case 'insecure-toggled':
      return { ...s, insecure: !s.insecure };
    case 'show-config':
      return { ...s, output: null, scroll: 0 };
    case 'scroll':
      return { ...s, scroll: Math.max(0, e.top) };
    case 'output':
      return { ...s, output: e.output, scroll: 0 };
    case 'append':
      return { ...s, output: s.output ? { ...s.output, lines: [...s.output.lines, e.line] } : { title: 'progress', lines: [e.line] } };
    case 'note':
      return { ...s, note: e.note };
    case 'busy':
      return { ...s, busy: e.busy };
    case 'running':
      return { ...s, running: e.running };
    case 'follow':
      return { ...s, follow: e.follow };
    case 'followed-up':
      return {
        ...s,
        node: e.to,
        insecure: false,
        fingerprint: null,
        workerNode: e.worker ? e.to : null,
        note: { text: `${e.to} answers over mTLS: ${e.worker ? '' : 'b bootstraps (control plane, once), '}k saves the kubeconfig, h health`, tone: 'ok' },
      };
  }
}

/** The reboot is being followed (Esc stops it; quitting asks first). */
export const isFollowing = (s: ApplyState): boolean => s.follow !== null && (s.follow.phase === 'going' || s.follow.phase === 'rebooting');
/** Nothing is being sent or followed: the keys that send are offered. */
export const isIdle = (s: ApplyState): boolean => s.busy === null && !isFollowing(s);
/** There is something to send to a node. */
export const canSend = (s: ApplyState): boolean => isIdle(s) && s.node !== null && s.rendered.ok;
/** A node this pane just made a worker has no etcd: bootstrap is not offered for it (the guard would refuse). */
export const isWorkerNode = (s: ApplyState): boolean => s.workerNode !== null && s.workerNode === s.node;
